"""`--wait`: the scripts' side of the operations core's one waiting loop (`wait_until`)
and restore follow-up (`follow_restore`): progress on stderr, outcomes as exit codes.

Polls every `Session.poll_interval` seconds through the runtime's `sleep`, measuring time
with its clock, so tests move a fake clock instead of sleeping. A line is printed when the
status changes and one a minute otherwise; a failed poll is reported and the next tried.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from vpstui.api import ApiError, Backup, Server
from vpstui.format import safe_text, status_text
from vpstui.i18n import _
from vpstui.operations import GaveUp, RestoreEnd, WaitPolicy, follow_restore, wait_until
from vpstui.operations.waiting import DEFAULT_GIVE_UP_AFTER, elapsed_text

from .exits import EXIT_FAILED, EXIT_TIMED_OUT, CommandError
from .session import Session, note, warn

__all__ = ["DEFAULT_WAIT_TIMEOUT", "wait_for_backup", "wait_for_restore"]

#: How long `--wait` waits by default (seconds).
DEFAULT_WAIT_TIMEOUT = DEFAULT_GIVE_UP_AFTER
#: Without a status change, say that we are still waiting this often (seconds).
HEARTBEAT = 60.0


class _Progress:
    """Prints a line when the status changes, or when a minute passed without one."""

    def __init__(self, session: Session, what: str) -> None:
        self.clock = session.runtime.clock
        self.what = what
        self.start: datetime = self.clock.now()
        self.last_status: str | None = None
        self.last_said = self.start

    def show(self, status: str) -> None:
        now = self.clock.now()
        quiet = (now - self.last_said).total_seconds()
        if status != self.last_status or quiet >= HEARTBEAT:
            waited = (now - self.start).total_seconds()
            note(
                _("[{elapsed}] {what}: {status}").format(
                    elapsed=elapsed_text(waited), what=self.what, status=status
                )
            )
            self.last_status = status
            self.last_said = now


def _failed(error: ApiError) -> None:
    warn(_("{error} Still waiting.").format(error=safe_text(error)))


async def wait_for_backup(session: Session, backup: Backup, give_up_after: float) -> Backup:
    """Wait until `backup` is completed (returned) or failed (exit 1); exit 4 after
    `give_up_after` seconds."""
    progress = _Progress(session, _("backup #{id}").format(id=backup.id))
    progress.show(status_text(backup.status))
    if backup.is_completed:
        return backup

    async def read() -> Backup | None:
        listing = await session.api.list_backups(server_id=backup.server_id)
        return next((b for b in listing if b.id == backup.id), None)

    def finished(current: Backup | None) -> bool:
        if current is not None:
            progress.show(status_text(current.status))
        return current is None or not current.in_progress

    try:
        current = await wait_until(
            read,
            finished,
            policy=WaitPolicy(session.poll_interval, give_up_after),
            clock=session.runtime.clock,
            sleep=session.runtime.sleep,
            failed=_failed,
        )
    except GaveUp:
        raise CommandError(
            _(
                "Gave up waiting after {seconds:g} s: backup #{id} is still in "
                "progress; it goes on at the API."
            ).format(seconds=give_up_after, id=backup.id),
            EXIT_TIMED_OUT,
        ) from None
    except asyncio.CancelledError:
        note(_("Stopped waiting; backup #{id} goes on at the API.").format(id=backup.id))
        raise
    if current is None:
        raise CommandError(
            _("Backup #{id} is no longer listed (deleted while waiting?).").format(id=backup.id),
            EXIT_FAILED,
        )
    if not current.is_completed:
        raise CommandError(
            _("Backup #{id} ended {status}.").format(
                id=backup.id, status=status_text(current.status)
            ),
            EXIT_FAILED,
        )
    if session.ledger is not None:
        session.ledger.finish("create", server_id=current.server_id, backup_id=current.id)
    return current


async def wait_for_restore(
    session: Session, server: Server, status_before: str | None, give_up_after: float
) -> RestoreEnd:
    """Follow `server` after its restore was accepted, as the TUI does: until its status
    changed and settled (`RestoreEnd.ended`), or `give_up_after` seconds passed."""
    name = safe_text(server.name, 60)
    progress = _Progress(session, _("server {name}").format(name=name))
    try:
        end = await follow_restore(
            session.api,
            server.id,
            status_before,
            policy=WaitPolicy(session.poll_interval, give_up_after),
            clock=session.runtime.clock,
            sleep=session.runtime.sleep,
            seen=lambda now: progress.show(status_text(now.status)),
            failed=_failed,
        )
    except asyncio.CancelledError:
        note(_("Stopped waiting; the restore of {name} goes on at the API.").format(name=name))
        raise
    if session.ledger is not None:
        session.ledger.finish("restore", server_id=server.id)
    return end
