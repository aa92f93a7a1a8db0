"""`vpstui backups prune SERVER --keep N`: make room in the manual-backup quota, guided.

Shows exactly which manual backups would go and which stay, and the size freed; then
asks to type how many backups will be deleted. Without a terminal it only previews,
unless `--yes`. Deletes are sent one at a time, oldest first, each exactly once and in
the audit log; the first failure stops the run, and the summary says what was deleted
and what was not. Which backups are chosen is `vpstui.pruning`'s rule, the TUI's too.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from vpstui.api import ApiError, Backup
from vpstui.format import absolute_time, human_size, safe_text
from vpstui.pruning import PrunePlan, plan_prune

from .backups import delete_listed
from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, CommandError
from .output import backup_record
from .session import Session, note, say

__all__ = ["prune_backups"]


def _line(backup: Backup, why: str = "") -> str:
    description = safe_text(backup.description or "", 40)
    reason = f"  ({why})" if why else ""
    return (
        f"  #{backup.id:<8} {absolute_time(backup.created_at):<20} "
        f"{human_size(backup.size_mb):>10}  {description}{reason}"
    )


def _freed(plan: PrunePlan) -> str:
    text = human_size(plan.freed_mb)
    if plan.unknown_sizes:
        text += f" (+{plan.unknown_sizes} of unknown size)"
    return text


def _preview(plan: PrunePlan, name: str) -> None:
    count = len(plan.delete)
    note(f"Manual backups of {name}: {count + len(plan.keep)}; {count} would be deleted.")
    if plan.delete:
        note("Delete (oldest first):")
        for backup in plan.delete:
            note(_line(backup))
    if plan.keep:
        note("Keep:")
        for backup, why in plan.keep:
            note(_line(backup, why))
    note(f"Space freed: {_freed(plan)}.")


def _json(plan: PrunePlan, deleted: list[Backup], failed: Backup | None, error: str | None) -> str:
    body: dict[str, Any] = {
        "server_id": plan.server_id,
        "delete": [backup_record(b) for b in plan.delete],
        "keep": [{**backup_record(b), "reason": why} for b, why in plan.keep],
        "freed_mb": plan.freed_mb,
        "deleted": [b.id for b in deleted],
        "failed": failed.id if failed is not None else None,
        "error": error,
    }
    return json.dumps(body, indent=2, ensure_ascii=True)


async def prune_backups(session: Session, args: argparse.Namespace) -> int:
    """Preview, confirm by typing the count, then delete one by one (stop at a failure)."""
    await session.check_unsettled()  # what an earlier run left unsettled, first
    server = await session.resolve_server(args.server)
    name = safe_text(server.name, 60)
    listing = await session.api.list_backups(server_id=server.id, backup_type="manual")
    plan = plan_prune(
        listing,
        server.id,
        keep=args.keep,
        now=session.runtime.clock.now(),
        older_than=args.older_than,
    )
    _preview(plan, name)
    count = len(plan.delete)
    if not count:
        say(f"Nothing to delete on {name}.")
        if args.json:
            say(_json(plan, [], None, None))
        return EXIT_OK
    if not args.yes and not session.runtime.is_terminal():
        note("Preview only: nothing was deleted (stdin is not a terminal; pass --yes).")
        if args.json:
            say(_json(plan, [], None, None))
        return EXIT_OK
    note("Deleting a backup is permanent and cannot be undone.")
    session.confirm(
        args.yes,
        f"Type the number of backups to delete ({count}) to delete them: ",
        str(count),
        f"delete {count} backups of {name}",
    )
    deleted: list[Backup] = []
    for position, backup in enumerate(plan.delete, start=1):
        note(f"[{position}/{count}] deleting #{backup.id} ({absolute_time(backup.created_at)})…")
        try:
            await delete_listed(session, backup)
        except (CommandError, ApiError) as error:
            text = error.message if isinstance(error, CommandError) else safe_text(error)
            left = [f"#{b.id}" for b in plan.delete[position:]]
            note(f"Stopped at #{backup.id}: {text}")
            note(f"Deleted: {', '.join(f'#{b.id}' for b in deleted) or 'none'}.")
            rest = f", {', '.join(left)}" if left else ""
            note(f"Not deleted: #{backup.id} (see above){rest}.")
            if args.json:
                say(_json(plan, deleted, backup, text))
            code = error.code if isinstance(error, CommandError) else EXIT_FAILED
            return code if code in (EXIT_FAILED, EXIT_UNKNOWN) else EXIT_FAILED
        deleted.append(backup)
    freed = sum(b.size_mb or 0.0 for b in deleted)
    say(f"Deleted {len(deleted)} manual backups of {name}; {human_size(freed)} freed.")
    if args.json:
        say(_json(plan, deleted, None, None))
    return EXIT_OK
