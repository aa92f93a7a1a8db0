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
"""

from __future__ import annotations

import httpx

from vpstui.api.errors import ProxyError
from vpstui.i18n import L_

__all__ = ["build_http_client"]

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
        return httpx.AsyncClient(
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
