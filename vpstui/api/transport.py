"""The httpx client under `VpsClient`, and which proxy (if any) it may use.

The token must never cross a network in cleartext, proxies included:

- a plain `http://` API URL (allowed only for loopback, see `origin.check_base_url`) is
  reached directly: `HTTP_PROXY` / `ALL_PROXY` are ignored, because a forward proxy reads
  the whole request, `Authorization` header included;
- an `https://` API URL may go through the proxy the environment names (`HTTPS_PROXY`,
  `ALL_PROXY`, `NO_PROXY`, as httpx reads them). httpx then only asks the proxy to
  `CONNECT` and speaks TLS to the API inside that tunnel: the proxy sees the host name,
  never a header (tests/test_proxy.py checks this with a real listener).

A proxy that cannot be used (a SOCKS URL without the optional `socksio` package, an
unknown scheme, a malformed URL) is a `ProxyError` with a readable message.

The direct connection's transport (httpx's connection pool and its TLS context: httpcore,
h11 and the certificate store, ~45 ms) is built on the first request, not with the
client (`LazyTransport`): the TUI builds its client before its first frame, and the first
frame needs no network (issue 13). What is built, and how, is httpx's own default.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from types import TracebackType
from typing import Any

import httpx

from vpstui.api.errors import ProxyError
from vpstui.i18n import L_

__all__ = ["LazyTransport", "build_http_client"]

PROXY_VARIABLES = "HTTPS_PROXY / ALL_PROXY"


def build_http_client(
    base_url: httpx.URL,
    *,
    auth: httpx.Auth,
    transport: httpx.AsyncBaseTransport | None,
    timeout: httpx.Timeout,
    headers: dict[str, str],
) -> httpx.AsyncClient:
    """The `httpx.AsyncClient` for `base_url`: no redirects followed, proxies as above."""
    # trust_env decides whether httpx reads proxy variables (and .netrc, unused: we always
    # pass `auth`). TLS variables such as SSL_CERT_FILE only matter for https, where it is on.
    direct = base_url.scheme == "http"
    try:
        return _Client(
            base_url=base_url,
            auth=auth,
            transport=transport,
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
            trust_env=not direct,
        )
    except ImportError as exc:  # httpx: "Using SOCKS proxy, but 'socksio' is not installed"
        raise ProxyError(
            L_(
                "A SOCKS proxy is set ({variables}), but the optional socksio package "
                "is not installed: install it (pip install 'httpx[socks]') or unset the "
                "variable for vpstui.",
                variables=PROXY_VARIABLES,
            )
        ) from exc
    except (ValueError, httpx.InvalidURL) as exc:
        # The proxy URL may carry a password: say which variables, never echo the value.
        raise ProxyError(
            L_(
                "The proxy set in {variables} cannot be used: use an http://, https:// "
                "or socks5:// proxy URL, or unset the variable for vpstui.",
                variables=PROXY_VARIABLES,
            )
        ) from exc


class LazyTransport(httpx.AsyncBaseTransport):
    """httpx's default transport, built by `build` when the first request needs it."""

    def __init__(self, build: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._build: Callable[[], httpx.AsyncBaseTransport] | None = build
        self._inner: httpx.AsyncBaseTransport | None = None

    @property
    def built(self) -> bool:
        return self._inner is not None

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        """The real transport (built now if it was not yet)."""
        if self._inner is None:
            assert self._build is not None
            try:
                self._inner = self._build()
            except (OSError, ssl.SSLError) as exc:  # e.g. SSL_CERT_FILE names no usable file
                # A failure to connect (nothing was sent), said as a TLS problem.
                raise httpx.ConnectError(f"TLS certificate store: {exc}") from exc
            self._build = None
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def __aenter__(self) -> LazyTransport:
        if self._inner is not None:
            await self._inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        if self._inner is not None:
            await self._inner.__aexit__(exc_type, exc_value, traceback)

    async def aclose(self) -> None:
        self._build = None  # closed before any request: nothing to build any more
        if self._inner is not None:
            await self._inner.aclose()


class _Client(httpx.AsyncClient):
    """An `httpx.AsyncClient` whose default transport is a `LazyTransport`.

    httpx builds that transport in `_init_transport` (all versions this project supports);
    here the same call is made later, with the same arguments. A transport passed in (the
    demo's, a test's) is used as it is. Proxy transports are still built at once, so a
    proxy that cannot be used is still refused when the client is made.
    """

    def _init_transport(self, *args: Any, **kwargs: Any) -> httpx.AsyncBaseTransport:
        if args or kwargs.get("transport") is not None or kwargs.get("app") is not None:
            transport: httpx.AsyncBaseTransport = super()._init_transport(*args, **kwargs)
            return transport
        build = super()._init_transport
        return LazyTransport(lambda: build(*args, **kwargs))
