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
import re
from typing import Any

from vpstui.api import ApiError, Backup
from vpstui.format import absolute_time, human_size, list_text, safe_text
from vpstui.i18n import N_, _, ngettext
from vpstui.pruning import PrunePlan, plan_prune

from .backups import delete_listed
from .exits import EXIT_FAILED, EXIT_OK, EXIT_UNKNOWN, CommandError
from .output import backup_record
from .session import Session, note, say

__all__ = ["prune_backups"]


#: `vpstui.pruning`'s reasons for keeping a backup (English in --json, translated here).
_REASONS = {
    "in progress": N_("  (in progress)"),
    "creation time unknown": N_("  (creation time unknown)"),
    "younger than the age limit": N_("  (younger than the age limit)"),
}
_NEWEST = re.compile(r"one of the newest (\d+) completed")


def _reason(why: str) -> str:
    """`  (why)`: why a backup is kept, in the language in use."""
    newest = _NEWEST.fullmatch(why)
    if newest:
        keep = int(newest.group(1))
        return ngettext(
            "  (one of the newest {keep} completed)", "  (one of the newest {keep} completed)", keep
        ).format(keep=keep)
    return _(_REASONS[why]) if why in _REASONS else f"  ({why})"


def _line(backup: Backup, why: str = "") -> str:
    description = safe_text(backup.description or "", 40)
    reason = _reason(why) if why else ""
    return (
        f"  #{backup.id:<8} {absolute_time(backup.created_at):<20} "
        f"{human_size(backup.size_mb):>10}  {description}{reason}"
    )


def _freed(plan: PrunePlan) -> str:
    text = human_size(plan.freed_mb)
    if plan.unknown_sizes:
        n = plan.unknown_sizes
        text = ngettext("{size} (+{n} of unknown size)", "{size} (+{n} of unknown size)", n).format(
            size=text, n=n
        )
    return text


def _preview(plan: PrunePlan, name: str) -> None:
    count = len(plan.delete)
    note(
        ngettext(
            "Manual backups of {name}: {total}; {count} would be deleted.",
            "Manual backups of {name}: {total}; {count} would be deleted.",
            count,
        ).format(name=name, total=count + len(plan.keep), count=count)
    )
    if plan.delete:
        note(_("Delete (oldest first):"))
        for backup in plan.delete:
            note(_line(backup))
    if plan.keep:
        note(_("Keep:"))
        for backup, why in plan.keep:
            note(_line(backup, why))
    note(_("Space freed: {size}.").format(size=_freed(plan)))


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
        say(_("Nothing to delete on {name}.").format(name=name))
        if args.json:
            say(_json(plan, [], None, None))
        return EXIT_OK
    if not args.yes and not session.runtime.is_terminal():
        note(_("Preview only: nothing was deleted (stdin is not a terminal; pass --yes)."))
        if args.json:
            say(_json(plan, [], None, None))
        return EXIT_OK
    note(_("Deleting a backup is permanent and cannot be undone."))
    session.confirm(
        args.yes,
        _("Type the number of backups to delete ({count}) to delete them: ").format(count=count),
        str(count),
        ngettext(
            "delete {count} backup of {name}", "delete {count} backups of {name}", count
        ).format(count=count, name=name),
    )
    deleted: list[Backup] = []
    for position, backup in enumerate(plan.delete, start=1):
        note(
            _("[{position}/{count}] deleting #{id} ({created})…").format(
                position=position,
                count=count,
                id=backup.id,
                created=absolute_time(backup.created_at),
            )
        )
        try:
            await delete_listed(session, backup)
        except (CommandError, ApiError) as error:
            text = error.message if isinstance(error, CommandError) else safe_text(error)
            left = [f"#{b.id}" for b in plan.delete[position:]]
            note(_("Stopped at #{id}: {why}").format(id=backup.id, why=text))
            done = list_text(f"#{b.id}" for b in deleted)
            note(_("Deleted: {ids}.").format(ids=done) if done else _("Deleted: none."))
            if left:
                note(
                    _("Not deleted: #{id} (see above), {ids}.").format(
                        id=backup.id, ids=list_text(left)
                    )
                )
            else:
                note(_("Not deleted: #{id} (see above).").format(id=backup.id))
            if args.json:
                say(_json(plan, deleted, backup, text))
            code = error.code if isinstance(error, CommandError) else EXIT_FAILED
            return code if code in (EXIT_FAILED, EXIT_UNKNOWN) else EXIT_FAILED
        deleted.append(backup)
    freed = sum(b.size_mb or 0.0 for b in deleted)
    say(
        ngettext(
            "Deleted {count} manual backup of {name}; {size} freed.",
            "Deleted {count} manual backups of {name}; {size} freed.",
            len(deleted),
        ).format(count=len(deleted), name=name, size=human_size(freed))
    )
    if args.json:
        say(_json(plan, deleted, None, None))
    return EXIT_OK
