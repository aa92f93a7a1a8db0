"""Which servers the account has, and which one a user means by `--server ID-OR-NAME`.

One implementation for both front ends: the scripting commands (`Session.servers`,
`Session.resolve_server`) and the TUI (`--server NAME`, the server picker). A token that
may not list servers (the servers endpoint answers 403 or 404) still gets them: the
backups listing names every server that has a backup. No Textual here.
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING

from vpstui.api import ApiError, AuthenticationError, NotFoundError, Server
from vpstui.format import list_text, safe_text
from vpstui.i18n import _, ngettext
from vpstui.summary import servers_from_backups

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = [
    "AccountServers",
    "AmbiguousServer",
    "NoSuchServer",
    "ServerLookupError",
    "account_servers",
    "find_server",
]


class AccountServers:
    """The account's servers, and whether they were `derived` from the backups listing
    (the servers endpoint refused this token) rather than listed by the API."""

    def __init__(self, servers: list[Server], derived: bool) -> None:
        self.servers = servers
        self.derived = derived


class ServerLookupError(Exception):
    """`wanted` does not name exactly one server; the message says why, for people."""

    def __init__(self, message: str, wanted: str, candidates: list[Server]) -> None:
        super().__init__(message)
        self.wanted = wanted
        #: The servers the user may have meant (same name, or a close one).
        self.candidates = candidates


class NoSuchServer(ServerLookupError):
    """No server has that id or exact name; `candidates` holds close names, if any."""


class AmbiguousServer(ServerLookupError):
    """More than one server has that exact name; `candidates` holds all of them."""


def _refused_listing(error: ApiError) -> bool:
    """The servers endpoint is off limits to this token (not a failure of the API)."""
    return isinstance(error, AuthenticationError | NotFoundError) and error.status in (403, 404)


async def account_servers(
    api: VpsClient, listing: Awaitable[Iterable[Server]] | None = None
) -> AccountServers:
    """The account's servers: `listing` (a servers request already on its way) or a new
    `GET /servers/`; if that answers 403 or 404, the servers named by the backups listing.

    Any other failure raises the `ApiError`.
    """
    try:
        return AccountServers(list(await (listing or api.list_servers())), derived=False)
    except ApiError as error:
        if not _refused_listing(error):
            raise
    return AccountServers(servers_from_backups(await api.list_backups()), derived=True)


def find_server(servers: Iterable[Server], wanted: str) -> Server:
    """The server whose id or exact name is `wanted` (an id wins over a name).

    Raises `NoSuchServer` (with close names as candidates) or `AmbiguousServer` (with
    every server of that name); their messages name what was asked for, made safe to show.
    """
    servers = list(servers)
    wanted = wanted.strip()
    if wanted.isascii() and wanted.isdigit():
        by_id = [s for s in servers if s.id == int(wanted)]
        if by_id:
            return by_id[0]
    named = [s for s in servers if s.name == wanted]
    if len(named) == 1:
        return named[0]
    shown = safe_text(wanted, 60)
    if named:
        ids = list_text(str(s.id) for s in named)
        raise AmbiguousServer(
            ngettext(
                "{count} server is named {name!r} (ids {ids}).",
                "{count} servers are named {name!r} (ids {ids}).",
                len(named),
            ).format(count=len(named), name=shown, ids=ids),
            wanted,
            named,
        )
    close = difflib.get_close_matches(wanted, [s.name for s in servers], n=3, cutoff=0.6)
    names = list_text(repr(safe_text(n, 60)) for n in close)
    message = (
        _("No server has the id or name {name!r}. Did you mean {names}?")
        if close
        else _("No server has the id or name {name!r}.")
    )
    candidates = [s for name in close for s in servers if s.name == name]
    raise NoSuchServer(message.format(name=shown, names=names), wanted, candidates)
