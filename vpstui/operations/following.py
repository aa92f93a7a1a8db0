"""Following a restore on evidence only.

VPS.org documents no status for a restore in progress: servers report `active`,
`stopped` or `suspended`. So a restore's end is claimed only when the server was seen in
a status other than the one it had before the restore (`restoring`, `rebuilding`,
`starting`, `stopped` → `active`, …) and then settled in a documented steady status on
two reads in a row. Otherwise the outcome says what is true: the API accepted the
restore and showed nothing more. `follow_restore` is what the TUI's follow-up and
`vpstui restore --wait` both run. No Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from vpstui.api import ApiError, AuthenticationError, NotFoundError, Server
from vpstui.clock import Clock
from vpstui.format import safe_text, status_word
from vpstui.i18n import _

from .waiting import GaveUp, WaitPolicy, wait_until

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = [
    "STEADY_STATUSES",
    "RestoreEnd",
    "RestoreWatch",
    "follow_restore",
    "not_reported_text",
    "path_text",
]

#: The statuses the API documents for a server: where a restore can be seen to settle.
STEADY_STATUSES = frozenset({"active", "stopped", "suspended"})
#: Reads in a row a steady status must be seen after a change to count as settled.
SETTLED_READS = 2


def not_reported_text(server_name: str, accepted_at: datetime) -> str:
    """What is true when the API showed no change: it accepted the restore, nothing more."""
    return _(
        "Restore of {name} accepted by the API at {time} UTC. VPS.org does not report "
        "restore progress: check the server."
    ).format(name=safe_text(server_name, 60), time=f"{accepted_at:%H:%M}")


class RestoreWatch:
    """The statuses a server was seen in after a restore, and whether they show an end."""

    def __init__(self, status_before: str | None) -> None:
        self.before = status_before
        #: Every status seen, without repeats in a row (the first is the one before, if known).
        self.seen: list[str | None] = [status_before] if status_before is not None else []
        self.changed = False
        self._steady_reads = 0

    def observe(self, status: str | None) -> bool:
        """One read of the server's status; True once a change was seen and has settled."""
        if self.before is None and not self.seen:
            self.seen.append(status)  # no status before: the first read is the baseline
            return False
        if not self.seen or self.seen[-1] != status:
            self.seen.append(status)
            self._steady_reads = 0
        if status != self.seen[0]:
            self.changed = True
        if self.changed and status in STEADY_STATUSES:
            self._steady_reads += 1
        return self.changed and self._steady_reads >= SETTLED_READS

    def path(self) -> str:
        """ "active → restoring → active", in English (records, events); `path_text()`
        says it in the language in use."""
        return PATH_ARROW.join(status_word(s) for s in self.seen)


#: Between the statuses of a `RestoreWatch.path()`.
PATH_ARROW = " → "


def path_text(path: str) -> str:
    """A `RestoreWatch.path()` in the language in use: "active → restoring → active" reads
    "运行中 → restoring → 运行中" (a status the API invents stays as it sent it)."""
    return PATH_ARROW.join(_(word) for word in path.split(PATH_ARROW))


class RestoreEnd(msgspec.Struct, frozen=True):
    """How following a restore ended. `ended`: the API showed an end (`status`, `at`);
    else `changed` says whether any change was seen, and `reason` why following stopped."""

    ended: bool
    changed: bool
    status: str | None
    path: str
    at: datetime
    reason: str | None = None

    def notice(self, server_name: str, accepted_at: datetime) -> tuple[str, str, bool]:
        """(title, text, whether it claims an end) — what the TUI says when following ends;
        an end is claimed only on the API's evidence."""
        name = safe_text(server_name, 40)
        path = path_text(self.path)
        if self.ended:
            done = _("Restore of {name} finished: the server went {path}.")
            return _("Restore done"), done.format(name=name, path=path), True
        if self.changed:
            return (
                _("Restore: no end seen"),
                _(
                    "Restore of {name}: the server's status changed ({path}) but did not "
                    "settle while followed. Check the server."
                ).format(name=name, path=path),
                False,
            )
        return _("Restore accepted"), self.not_reported(server_name, accepted_at), False

    def not_reported(self, server_name: str, accepted_at: datetime) -> str:
        """`not_reported_text()`, with why following stopped when it stopped early."""
        text = not_reported_text(server_name, accepted_at)
        if not self.reason:
            return text
        return _("{text} ({reason})").format(text=text, reason=self.reason)


async def follow_restore(
    client: VpsClient,
    server_id: int,
    status_before: str | None,
    *,
    policy: WaitPolicy,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    started: datetime | None = None,
    seen: Callable[[Server], None] | None = None,
    failed: Callable[[ApiError], None] | None = None,
) -> RestoreEnd:
    """Read the server every poll interval until its status shows an end, or the policy's
    time is up (from `started`). Never raises `ApiError`: a server that cannot be read
    (403/404) ends following with `reason` set."""
    watch = RestoreWatch(status_before)
    last: list[Server] = []

    async def read() -> Server:
        server = await client.get_server(server_id)
        last.append(server)
        if seen is not None:
            seen(server)
        return server

    try:
        server = await wait_until(
            read,
            lambda s: watch.observe(s.status),
            policy=policy,
            clock=clock,
            sleep=sleep,
            failed=failed,
            started=started,
        )
    except GaveUp:
        status = last[-1].status if last else None
        return RestoreEnd(False, watch.changed, status, watch.path(), clock.now())
    except (AuthenticationError, NotFoundError) as error:
        status = last[-1].status if last else None
        reason = _("the server could not be read ({error})").format(error=error)
        return RestoreEnd(False, watch.changed, status, watch.path(), clock.now(), reason)
    return RestoreEnd(True, True, server.status, watch.path(), clock.now())
