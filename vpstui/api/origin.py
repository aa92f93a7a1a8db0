"""Where the token may go: the API URL is checked once, and the token is attached only
to requests for that exact origin (scheme, host and port)."""

from __future__ import annotations

from collections.abc import Generator

import httpx

from vpstui.api.address import check_parts, is_loopback
from vpstui.api.errors import InsecureUrlError
from vpstui.api.secret import Secret
from vpstui.i18n import L_, N_, Lazy

__all__ = ["BearerAuth", "check_base_url", "is_loopback", "token_header_problem"]


def check_base_url(url: str) -> httpx.URL:
    """The API URL, validated: https anywhere, plain http only on loopback."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InsecureUrlError(L_("The API URL {url!r} is not a valid URL.", url=url)) from exc
    try:
        parsed.host  # noqa: B018 - decodes an xn-- name, which may fail
    except UnicodeError:
        raise InsecureUrlError(
            L_(
                "The API URL {url!r} has a host name that is not a valid international (IDNA) "
                "name.",
                url=url,
            )
        ) from None
    check_parts(url, parsed.scheme, parsed.host, bool(parsed.userinfo), parsed.port)
    return parsed.copy_with(path=parsed.path.rstrip("/"), query=None, fragment=None)


def token_header_problem(token: Secret) -> Lazy | None:
    """Why `token` cannot be sent in an Authorization header, or None when it can.

    A token is printable ASCII without spaces. Anything else (a byte that is not UTF-8 read
    from the environment, an accented letter, a newline pasted along) is said before any
    request is sent, by position, never by showing the token.
    """
    for position, char in enumerate(token.reveal(), start=1):
        if not "!" <= char <= "~":
            what = (
                N_(
                    "The API token cannot be sent: character {position} is a space. Check "
                    "where it comes from (VPS_API_TOKEN, --token-file, token_command or the "
                    "config)."
                )
                if char == " "
                else N_(
                    "The API token cannot be sent: character {position} is a character that "
                    "is not printable ASCII. Check where it comes from (VPS_API_TOKEN, "
                    "--token-file, token_command or the config)."
                )
            )
            return L_(what, position=position)
    return None


class BearerAuth(httpx.Auth):
    """Adds the token, but only to requests for the configured API origin."""

    def __init__(self, token: Secret, origin: tuple[str, str, int | None]) -> None:
        self._token = token
        self._origin = origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = request.url
        if (url.scheme, url.host, url.port) == self._origin:
            request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(***)"
