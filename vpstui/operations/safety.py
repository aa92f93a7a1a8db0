"""The safety backup a restore takes first, then the restore: create a manual backup,
wait (the one waiting loop) until it has completed, and only then send the restore. If
the safety backup cannot be made, fails, disappears, takes too long, or the wait is
stopped, the restore is not sent. Nothing here deletes anything. No Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from vpstui.api import MANUAL_BACKUP_LIMIT, ApiError, Backup, RestoreResult
from vpstui.format import absolute_time, backup_ref, list_text, status_word
from vpstui.i18n import L_, Lazy, _

from .mutations import Mutations, Sent
from .waiting import GaveUp, Stopped, WaitPolicy, elapsed_text, wait_until

__all__ = ["SAFETY_DESCRIPTION", "SafetyStopped", "quota_verdict", "restore_with_safety"]

#: Sent to the API as the backup's description: API text, so it stays English (a re-check
#: after a lost answer also compares it).
SAFETY_DESCRIPTION = "Safety backup before restoring #{backup_id}"


class SafetyStopped(ApiError):
    """The safety backup did not happen (or the wait was stopped): the restore was not
    sent. `backup` is the safety backup if it was created."""

    def __init__(self, message: str | Lazy, backup: Backup | None = None) -> None:
        super().__init__(message)
        self.backup = backup


def quota_verdict(manual: list[Backup], restoring: int | None = None) -> tuple[bool, str]:
    """(a safety backup is possible, what to tell the user) for a server's manual backups.
    The oldest are named as the ones to delete for room, never `restoring` (the backup the
    restore is about to use)."""
    used = len(manual)
    if used < MANUAL_BACKUP_LIMIT:
        return True, _(
            "A manual backup is taken first and must complete before the restore is sent "
            "({used} of {limit} manual backups in use)."
        ).format(used=used, limit=MANUAL_BACKUP_LIMIT)
    others = [b for b in manual if b.id != restoring]
    oldest = sorted(others, key=lambda b: (b.created_at is None, b.created_at or 0))[:3]
    names = list_text(
        _("{ref} ({created})").format(ref=backup_ref(b.id), created=absolute_time(b.created_at))
        for b in oldest
    )
    return False, _(
        "No safety backup possible: {used} of {limit} manual backups in use. "
        "Oldest: {names}. Nothing is deleted automatically; delete one first if you want one."
    ).format(used=used, limit=MANUAL_BACKUP_LIMIT, names=names)


def _message(error: ApiError | None) -> object:
    """An error's message as a Lazy when it is one (so a record can keep it English)."""
    return error.text if error is not None else ""


async def take_safety_backup(
    mutations: Mutations,
    server_id: int,
    server_name: str,
    restore_of: int,
    *,
    policy: WaitPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    stop: asyncio.Event | None = None,
    progress: Callable[[str], None] = lambda text: None,
    created: Callable[[Backup], None] = lambda backup: None,
) -> Backup:
    """Create the safety backup and wait until it has completed; returns it."""
    progress(_("Creating the safety backup…"))
    description = SAFETY_DESCRIPTION.format(backup_id=restore_of)
    try:
        sent = await mutations.create_backup(server_id, server_name, description)
    except ApiError as error:
        raise SafetyStopped(
            L_(
                "The safety backup could not be created: {error} The restore was not sent.",
                error=error.text,
            )
        ) from error
    if sent.answer is not None:
        backup = sent.answer.backup
    elif sent.check is not None and sent.check.done and sent.check.backup is not None:
        backup = sent.check.backup
    else:
        said: object = (
            sent.check.message
            if sent.check
            else L_("re-reading failed: {error}", error=_message(sent.check_error))
        )
        raise SafetyStopped(
            L_(
                "{lost} The safety backup may or may not have been created ({said}); the "
                "restore was not sent. Check the list before trying again.",
                lost=_message(sent.lost),
                said=said,
            )
        )
    created(backup)
    waiting = _("Esc stops waiting.") if stop is not None else ""
    progress(
        _("Safety backup #{id} started; waiting for it to complete… {waiting}").format(
            id=backup.id, waiting=waiting
        )
    )
    clock = mutations.clock
    start = clock.now()

    async def read() -> Backup | None:
        manual = await mutations.client.list_backups(server_id=server_id, backup_type="manual")
        return next((b for b in manual if b.id == backup.id), None)

    def finished(current: Backup | None) -> bool:
        if current is not None and current.in_progress:
            waited = (clock.now() - start).total_seconds()
            progress(
                _("Safety backup #{id} in progress ({elapsed})… {waiting}").format(
                    id=backup.id, elapsed=elapsed_text(waited), waiting=waiting
                )
            )
            return False
        return True

    def failed(error: ApiError) -> None:
        progress(
            _("Safety backup #{id}: could not read its state ({error}); retrying…").format(
                id=backup.id, error=error
            )
        )

    try:
        current = await wait_until(
            read, finished, policy=policy, clock=clock, sleep=sleep, stop=stop, failed=failed
        )
    except Stopped:
        raise SafetyStopped(
            L_(
                "You stopped waiting: the restore was not sent. Safety backup #{id} "
                "goes on on the server.",
                id=backup.id,
            ),
            backup,
        ) from None
    except GaveUp as gave_up:
        raise SafetyStopped(
            L_(
                "Safety backup #{id} is still running after {minutes:.0f} min; "
                "the restore was not sent.",
                id=backup.id,
                minutes=gave_up.waited / 60,
            ),
            backup,
        ) from None
    except ApiError as error:
        raise SafetyStopped(
            L_(
                "Could not follow safety backup #{id} ({error}); the restore was not sent.",
                id=backup.id,
                error=error.text,
            ),
            backup,
        ) from error
    if current is None:
        raise SafetyStopped(
            L_("Safety backup #{id} disappeared; the restore was not sent.", id=backup.id), backup
        )
    if not current.is_completed:
        raise SafetyStopped(
            L_(
                "Safety backup #{id} {status}; the restore was not sent.",
                id=backup.id,
                status=status_word(current.status),
            ),
            current,
        )
    if mutations.ledger is not None:
        mutations.ledger.finish("create", server_id=server_id, backup_id=current.id)
    progress(_("Safety backup #{id} completed.").format(id=current.id))
    return current


async def restore_with_safety(
    mutations: Mutations,
    backup: Backup,
    server_name: str,
    *,
    safety: bool,
    policy: WaitPolicy,
    status_hint: str | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    stop: asyncio.Event | None = None,
    progress: Callable[[str], None] = lambda text: None,
    created: Callable[[Backup], None] = lambda backup: None,
    sending: Callable[[], None] = lambda: None,
) -> tuple[Backup | None, Sent[RestoreResult]]:
    """(the safety backup, what came of the restore). With `safety`, the restore is sent
    only once the safety backup has completed (`SafetyStopped` otherwise)."""
    taken = None
    if safety:
        taken = await take_safety_backup(
            mutations,
            backup.server_id,
            server_name,
            backup.id,
            policy=policy,
            sleep=sleep,
            stop=stop,
            progress=progress,
            created=created,
        )
    sending()
    sent = await mutations.restore_backup(
        backup.server_id, server_name, backup.id, status_hint=status_hint
    )
    return taken, sent
