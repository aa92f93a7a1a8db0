"""The API's address as the app names it, read without httpx (issue 13: the start path).

`check_api_url` holds the rules for where the token may go (https anywhere, plain http
only on loopback, no user name in the URL); `origin.check_base_url` applies the same
rules to httpx's reading of the URL, which the client uses.

`api_host` is the host (and port) that the header shows and that the listing cache, the
operations ledger and the audit log are keyed by. The app needs it for its first frame,
before the HTTP client exists. It follows httpx's reading of a URL (lowercase, default
ports dropped, IDNA names shown decoded where httpx decodes them), so that it equals
`VpsClient.host` and files written by earlier versions keep matching.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from vpstui.api.errors import InsecureUrlError
from vpstui.i18n import L_

__all__ = ["DEFAULT_API_URL", "api_host", "check_api_url", "check_parts", "is_loopback"]

DEFAULT_API_URL = "https://admin.vps.org"

_DEFAULT_PORTS = {"http": 80, "https": 443}


def api_host(url: str) -> str:
    """`host` or `host:port` of the API URL `url` (the port only when it is not the
    scheme's default). For a URL the client would refuse, a best effort: never raises."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a port that is not a number, an unbalanced [
        return url
    if not host.isascii():
        host = _idna(host)
    elif host.startswith("xn--"):
        host = _idna(host, decode=True)
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def _idna(host: str, *, decode: bool = False) -> str:
    """An international name as httpx shows it: encoded, then decoded when the encoded
    name starts with `xn--` (as `httpx.URL.host` does). Unchanged if it is not valid."""
    import idna  # only for such names: it comes with httpx, and costs ~2 ms to import

    try:
        encoded = host if decode else idna.encode(host.lower()).decode("ascii")
        return str(idna.decode(encoded)) if encoded.startswith("xn--") else encoded
    except (idna.IDNAError, UnicodeError):
        return host


def is_loopback(host: str) -> bool:
    """True for exactly `localhost` and the loopback addresses (127.0.0.0/8, ::1).

    A name under `.localhost` is not taken on trust: it is resolved through DNS like any
    other name and may point anywhere.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_parts(url: str, scheme: str, host: str, userinfo: bool, port: int | None) -> None:
    """`InsecureUrlError` unless a URL so read may carry the token: https anywhere,
    plain http only on loopback, and no user name or password in it; and a port that
    can be connected to (1-65535)."""
    if port is not None and not 0 < port < 65536:
        raise InsecureUrlError(L_("The API URL {url!r} is not a valid URL.", url=url))
    if scheme not in ("http", "https") or not host:
        raise InsecureUrlError(L_("The API URL must start with https:// (got {url!r}).", url=url))
    if userinfo:
        raise InsecureUrlError(L_("The API URL must not contain a user name or password."))
    if scheme == "http" and not is_loopback(host):
        raise InsecureUrlError(
            L_(
                "Refusing plain http:// for {host}: the token would travel unencrypted. "
                "Use https:// (http is only allowed for 127.0.0.0/8, ::1 and localhost).",
                host=host,
            )
        )


def check_api_url(url: str) -> None:
    """The rules of `check_parts` for `url` as the standard library reads it: what the
    app checks before its first frame, when the client (and httpx) is not built yet.
    The client checks again as httpx reads the URL, which also refuses malformed ones."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port  # port: ValueError if out of range
    except ValueError as exc:
        raise InsecureUrlError(L_("The API URL {url!r} is not a valid URL.", url=url)) from exc
    check_parts(url, parts.scheme.lower(), host, "@" in parts.netloc, port)
