"""After a lost answer: re-read the API and say whether the request took effect, one check
per kind. Each answers `Recheck.done` True (it did), False (it did not) or None (the API
cannot tell; the outcome stays unknown and the text says so). No Textual.

- create: a backup counts as ours only if it was not in the list read just before
  sending, belongs to the server, carries our description, and was created at or after
  the moment the request left by the API's clock (known from its `Date` header, within
  `CLOCK_MARGIN`). Without the API's clock, or with more than one such backup, the
  outcome is unknown.
- delete: gone from the server's list means done; still listed means not done.
- restore: the documented API shows no restore status, so only a status different from
  the one before the restore is evidence; an unchanged status leaves it unknown.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

from vpstui.api import Backup
from vpstui.format import safe_text, status_word
from vpstui.i18n import L_, N_, Lazy

from .ledger import Operation

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = ["CLOCK_MARGIN", "Recheck", "recheck", "recheck_create", "recheck_delete"]

#: The API's `Date` header has whole seconds and arrives after a round trip: allow this.
CLOCK_MARGIN = timedelta(seconds=5)


class Recheck(msgspec.Struct, frozen=True):
    """What re-reading showed: `done` True / False / None (unknown), said in `message`
    (shown as `text` in the language in use; the audit log records it in English)."""

    done: bool | None
    message: Lazy
    backup: Backup | None = None

    @property
    def text(self) -> str:
        """The message in the language in use."""
        return str(self.message)


def ours(backup: Backup, op: Operation) -> bool | None:
    """Is `backup` the one `op` created? None when that cannot be told (no API clock)."""
    if backup.server_id != op.server_id or not backup.is_manual:
        return False
    if op.known_before is not None and backup.id in op.known_before:
        return False
    if (backup.description or None) != (op.description or None):
        return False
    if op.known_before is None or op.sent_at is None or not op.clock_known:
        return None
    if backup.created_at is None:
        return None
    return backup.created_at >= datetime.fromisoformat(op.sent_at) - CLOCK_MARGIN


async def recheck_create(client: VpsClient, op: Operation) -> Recheck:
    """Is there exactly one new backup of the server that can only be ours?"""
    listed = await client.list_backups(server_id=op.server_id, backup_type="manual")
    verdicts = [(b, ours(b, op)) for b in listed]
    found = [b for b, verdict in verdicts if verdict]
    unsure = [b for b, verdict in verdicts if verdict is None]
    if len(found) == 1 and not unsure:
        backup = found[0]
        return Recheck(
            True,
            L_(
                "Checked the list: the backup was created after all — #{id} "
                "({status}). Do not create it again.",
                id=backup.id,
                status=status_word(backup.status),
            ),
            backup,
        )
    if not found and not unsure:
        return Recheck(
            False, L_("Checked the list: no backup was created. It is safe to try again.")
        )
    ids = ", ".join(f"#{b.id}" for b in [*found, *unsure][:5])
    why = L_(MORE_THAN_ONE if len(found) > 1 else CANNOT_TELL)
    return Recheck(
        None,
        L_(
            "Checked the list: new manual backups appeared ({ids}), but {why}. "
            "Look at them before creating another.",
            ids=ids,
            why=why,
        ),
    )


MORE_THAN_ONE = N_("more than one could be ours")
CANNOT_TELL = N_(
    "the API's clock or the list before sending is not known, so it cannot be told "
    "whether one of them is ours"
)


async def recheck_delete(client: VpsClient, op: Operation) -> Recheck:
    """Is the backup still listed?"""
    listed = await client.list_backups(server_id=op.server_id)
    backup = next((b for b in listed if b.id == op.backup_id), None)
    if backup is None:
        return Recheck(
            True, L_("Checked the list: backup #{id} is gone (deleted).", id=op.backup_id)
        )
    return Recheck(
        False,
        L_(
            "Checked the list: backup #{id} still exists ({status}); it was not deleted.",
            id=op.backup_id,
            status=status_word(backup.status),
        ),
        backup,
    )


async def recheck_restore(client: VpsClient, op: Operation) -> Recheck:
    """Did the server's status change from the one before the restore?"""
    server = await client.get_server(op.server_id)
    name = safe_text(server.name, 40)
    if op.status_before is not None and server.status != op.status_before:
        return Recheck(
            True,
            L_(
                "Checked: {name} went from {before} to {now} after the request, so the "
                "restore started.",
                name=name,
                before=status_word(op.status_before),
                now=status_word(server.status),
            ),
        )
    return Recheck(
        None,
        L_(
            "Checked: {name} is {status}, as before. VPS.org does not report restore "
            "progress, so whether the restore started cannot be read from the API: check "
            "the server before trying again.",
            name=name,
            status=status_word(server.status),
        ),
    )


async def recheck(client: VpsClient, op: Operation) -> Recheck:
    """The check for `op`'s kind."""
    if op.kind == "create":
        return await recheck_create(client, op)
    if op.kind == "delete":
        return await recheck_delete(client, op)
    return await recheck_restore(client, op)
