"""The safety backup a restore takes first: create it, wait until it completes, and only
then let the restore go. Nothing here deletes anything, and if the safety backup cannot
be made (or does not complete) the restore is not sent. No widgets here."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

from vpstui.api import ApiError, Backup, VpsClient
from vpstui.api.models import MANUAL_BACKUP_LIMIT
from vpstui.format import absolute_time, status_word

__all__ = ["SAFETY_DESCRIPTION", "SafetyStopped", "quota_verdict", "take_safety_backup"]

SAFETY_DESCRIPTION = "Safety backup before restoring #{backup_id}"
#: Stop following after this many failed reads in a row (each GET is already retried).
MAX_READ_FAILURES = 5


class SafetyStopped(ApiError):
    """The safety backup did not happen (or the user stopped waiting): the restore was not
    sent. `backup` is the safety backup if it was created."""

    def __init__(
        self, message: str, backup: Backup | None = None, *, create_outcome: str | None = None
    ) -> None:
        super().__init__(message)
        self.backup = backup
        #: "failed" or "unknown" when creating the safety backup itself went wrong.
        self.create_outcome = create_outcome


def quota_verdict(manual: list[Backup]) -> tuple[bool, str]:
    """(a safety backup is possible, what to tell the user) for a server's manual backups."""
    used = len(manual)
    if used < MANUAL_BACKUP_LIMIT:
        return True, (
            f"A manual backup is taken first and must complete before the restore is sent "
            f"({used} of {MANUAL_BACKUP_LIMIT} manual backups in use)."
        )
    oldest = sorted(manual, key=lambda b: (b.created_at is None, b.created_at or 0))[:3]
    names = ", ".join(f"#{b.id} ({absolute_time(b.created_at)})" for b in oldest)
    return False, (
        f"No safety backup possible: {used} of {MANUAL_BACKUP_LIMIT} manual backups in use. "
        f"Oldest: {names}. Nothing is deleted automatically; delete one first if you want one."
    )


async def take_safety_backup(
    client: VpsClient,
    server_id: int,
    restore_of: int,
    *,
    poll_interval: float,
    max_wait: float,
    stop: asyncio.Event,
    now: Callable[[], datetime],
    progress: Callable[[str], None],
    created: Callable[[Backup], None],
) -> Backup:
    """Create the safety backup and wait until it is completed; returns it.

    Raises `SafetyStopped` if it cannot be created, fails, disappears, takes longer than
    `max_wait`, cannot be followed, or `stop` is set (the user pressed Esc).
    """
    progress("Creating the safety backup…")
    try:
        result = await client.create_backup(
            server_id, SAFETY_DESCRIPTION.format(backup_id=restore_of)
        )
    except ApiError as error:
        if error.outcome_unknown:
            raise SafetyStopped(
                f"{error} The safety backup may or may not have been created; the restore was "
                "not sent. Check the list before trying again.",
                create_outcome="unknown",
            ) from error
        raise SafetyStopped(
            f"The safety backup could not be created: {error} The restore was not sent.",
            create_outcome="failed",
        ) from error
    backup = result.backup
    created(backup)
    progress(f"Safety backup #{backup.id} started; waiting for it to complete… Esc stops waiting.")
    started = now()
    failures = 0
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll_interval)
        if stop.is_set():
            raise SafetyStopped(
                f"You stopped waiting: the restore was not sent. Safety backup #{backup.id} "
                "goes on on the server.",
                backup,
            )
        try:
            manual = await client.list_backups(server_id=server_id, backup_type="manual")
        except ApiError as error:
            failures += 1
            if failures >= MAX_READ_FAILURES:
                raise SafetyStopped(
                    f"Could not follow safety backup #{backup.id} ({error}); the restore was "
                    "not sent.",
                    backup,
                ) from error
            progress(f"Safety backup #{backup.id}: could not read its state ({error}); retrying…")
            continue
        failures = 0
        current = next((b for b in manual if b.id == backup.id), None)
        if current is None:
            raise SafetyStopped(
                f"Safety backup #{backup.id} disappeared; the restore was not sent.", backup
            )
        if current.is_completed:
            return current
        if not current.in_progress:
            raise SafetyStopped(
                f"Safety backup #{backup.id} {status_word(current.status)}; the restore was "
                "not sent.",
                current,
            )
        waited = (now() - started).total_seconds()
        if waited > max_wait:
            raise SafetyStopped(
                f"Safety backup #{backup.id} is still running after {waited / 60:.0f} min; the "
                "restore was not sent.",
                current,
            )
        progress(f"Safety backup #{backup.id} in progress ({_elapsed(waited)})… Esc stops waiting.")


def _elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
