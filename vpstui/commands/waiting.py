"""`--wait`: poll until a new backup is finished or a restore is over, within a deadline.

Polls every `Session.poll_interval` seconds through the runtime's `sleep`, measuring time
with its clock, so tests move a fake clock instead of sleeping. Progress goes to stderr:
a line when the status changes and one a minute otherwise. A failed poll (the client has
already retried it) is reported and the next one tried; only a rejected token, or the
thing waited for disappearing, ends the wait early.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from vpstui.api import ApiError, AuthenticationError, Backup, NotFoundError, Server
from vpstui.api.models import IN_PROGRESS_STATUSES
from vpstui.format import safe_text, status_word

from .exits import EXIT_FAILED, EXIT_TIMED_OUT, CommandError
from .session import Session, note, warn

__all__ = ["DEFAULT_WAIT_TIMEOUT", "wait_for_backup", "wait_for_restore"]

#: How long `--wait` waits by default (seconds).
DEFAULT_WAIT_TIMEOUT = 30 * 60.0
#: Without a status change, say that we are still waiting this often (seconds).
HEARTBEAT = 60.0


def _elapsed(start: datetime, now: datetime) -> str:
    seconds = int((now - start).total_seconds())
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Progress:
    """Prints a line when the status changes, or when a minute passed without one."""

    def __init__(self, session: Session, what: str) -> None:
        self.clock = session.runtime.clock
        self.what = what
        self.start = self.clock.now()
        self.last_status: str | None = None
        self.last_said = self.start

    def show(self, status: str) -> None:
        now = self.clock.now()
        quiet = (now - self.last_said).total_seconds()
        if status != self.last_status or quiet >= HEARTBEAT:
            note(f"[{_elapsed(self.start, now)}] {self.what}: {status}")
            self.last_status = status
            self.last_said = now

    def remaining(self, give_up_after: float) -> float:
        return give_up_after - (self.clock.now() - self.start).total_seconds()


async def _pause(session: Session, progress: _Progress, give_up_after: float, gave_up: str) -> None:
    remaining = progress.remaining(give_up_after)
    if remaining <= 0:
        raise CommandError(f"Gave up waiting after {give_up_after:g} s: {gave_up}", EXIT_TIMED_OUT)
    await session.runtime.sleep(min(session.poll_interval, remaining))


async def wait_for_backup(session: Session, backup: Backup, give_up_after: float) -> Backup:
    """Wait until `backup` is completed (returned) or failed (exit 1); exit 4 after
    `give_up_after` seconds."""
    progress = _Progress(session, f"backup #{backup.id}")
    current = backup
    try:
        while True:
            progress.show(status_word(current.status))
            if current.status == "completed":
                return current
            if current.status not in IN_PROGRESS_STATUSES and current.status is not None:
                raise CommandError(
                    f"Backup #{backup.id} ended {status_word(current.status)}.", EXIT_FAILED
                )
            await _pause(
                session,
                progress,
                give_up_after,
                f"backup #{backup.id} is still {status_word(current.status)}; "
                "it goes on at the API.",
            )
            try:
                listing = await session.api.list_backups(server_id=backup.server_id)
            except AuthenticationError:
                raise
            except ApiError as error:
                warn(f"{safe_text(error)} Still waiting.")
                continue
            found = next((b for b in listing if b.id == backup.id), None)
            if found is None:
                raise CommandError(
                    f"Backup #{backup.id} is no longer listed (deleted while waiting?).",
                    EXIT_FAILED,
                )
            current = found
    except asyncio.CancelledError:
        note(f"Stopped waiting; backup #{backup.id} goes on at the API.")
        raise


async def wait_for_restore(session: Session, server: Server, give_up_after: float) -> Server:
    """Wait until `server` is no longer restoring; exit 4 after `give_up_after` seconds."""
    name = safe_text(server.name, 60)
    progress = _Progress(session, f"server {name}")
    status: str | None = "restoring"
    current = server
    try:
        while True:
            progress.show(status_word(status))
            if status != "restoring":
                return current
            await _pause(
                session,
                progress,
                give_up_after,
                f"{name} is still restoring; it goes on at the API.",
            )
            try:
                current = await session.api.get_server(server.id)
            except (AuthenticationError, NotFoundError):
                raise
            except ApiError as error:
                warn(f"{safe_text(error)} Still waiting.")
                continue
            status = current.status
    except asyncio.CancelledError:
        note(f"Stopped waiting; the restore of {name} goes on at the API.")
        raise
