"""`vpstui backups list | create | delete`: the same client and audit log as the TUI."""

from __future__ import annotations

import argparse
import json
import sys

from vpstui.api import MANUAL_BACKUP_LIMIT, Backup, NotFoundError
from vpstui.format import backup_summary, safe_text, status_text
from vpstui.i18n import _

from .exits import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, CommandError
from .output import (
    backup_record,
    completed_text,
    csv_text,
    json_text,
    newest_first,
    table_text,
)
from .session import Session, note, say, warn
from .waiting import wait_for_backup

__all__ = ["create_backup", "delete_backup", "delete_listed", "list_backups"]


async def list_backups(session: Session, args: argparse.Namespace) -> int:
    """Print the backups (of one server, of one type), newest first."""
    server = await session.resolve_server(args.server) if args.server else None
    listing = await session.api.list_backups(
        server_id=server.id if server else None, backup_type=args.type
    )
    if listing.skipped:
        if listing.problems:
            skipped = _(
                "{n} item(s) the API sent could not be read and were skipped (first: {first})."
            )
        else:
            skipped = _("{n} item(s) the API sent could not be read and were skipped.")
        first = safe_text(listing.problems[0], 120) if listing.problems else ""
        warn(skipped.format(n=listing.skipped, first=first))
    backups = newest_first(listing)
    if args.json:
        sys.stdout.write(json_text(backups) + "\n")
    elif args.csv:
        sys.stdout.write(csv_text(backups))
    elif backups:
        sys.stdout.write(table_text(backups))
    else:
        note(_("No backups."))
    return EXIT_OK


async def create_backup(session: Session, args: argparse.Namespace) -> int:
    """Start a manual backup of a server; with --wait, until it is completed."""
    api = session.api
    await session.check_unsettled()
    server = await session.resolve_server(args.server)
    name = safe_text(server.name, 60)
    manual = await api.list_backups(server_id=server.id, backup_type="manual")
    if len(manual) >= MANUAL_BACKUP_LIMIT:
        raise CommandError(
            _(
                "{name} already has {count} of {limit} manual backups; "
                "delete one first. Nothing was sent."
            ).format(name=name, count=len(manual), limit=MANUAL_BACKUP_LIMIT)
        )
    note(
        _(
            "Creating a manual backup of {name} (id {id}); manual backups: {count} of {limit}."
        ).format(name=name, id=server.id, count=len(manual), limit=MANUAL_BACKUP_LIMIT)
    )
    description = args.description or None
    sent = await session.core.create_backup(server.id, server.name, description)
    session.settled(sent)
    if sent.answer is not None:
        backup = sent.answer.backup
    else:
        assert sent.check is not None and sent.check.backup is not None  # settled() said so
        backup = sent.check.backup
    started = _("Created backup #{id} of {name} ({status}).").format(
        id=backup.id, name=name, status=status_text(backup.status)
    )
    if args.wait:
        note(started)
        backup = await wait_for_backup(session, backup, args.wait_timeout)
        done = completed_text(backup, name)
    else:
        done = started
    if args.json:
        say(json.dumps(backup_record(backup), indent=2, ensure_ascii=True))
        note(done)
    else:
        say(done)
    return EXIT_OK


async def delete_backup(session: Session, args: argparse.Namespace) -> int:
    """Delete one backup permanently, after typing its id (or with --yes)."""
    session.require_consent(args.yes, _("delete backup #{id}").format(id=args.backup_id))
    await session.check_unsettled()
    backup = await session.find_backup(args.backup_id)
    if backup.in_progress:
        raise CommandError(
            _("Backup #{id} is still {status} and cannot be deleted yet. Nothing was sent.").format(
                id=backup.id, status=status_text(backup.status)
            ),
            EXIT_FAILED,
        )
    note(_("Delete {summary}").format(summary=backup_summary(backup)))
    note(_("Deleting a backup is permanent and cannot be undone."))
    session.confirm(
        args.yes,
        _("Type the backup ID ({id}) to delete it: ").format(id=backup.id),
        str(backup.id),
        _("delete backup #{id}").format(id=backup.id),
    )
    await delete_listed(session, backup)
    say(
        _("Deleted backup #{id} of {name}.").format(
            id=backup.id, name=safe_text(backup.server_name, 60)
        )
    )
    return EXIT_OK


async def delete_listed(session: Session, backup: Backup) -> None:
    """Send the DELETE of `backup` (already confirmed) through the operations core: once,
    audited, in the ledger, re-checked after a lost answer. Raises `CommandError` if it was
    not deleted (or nobody can tell)."""
    try:
        sent = await session.core.delete_backup(backup)
    except NotFoundError as error:
        raise CommandError(
            _("Backup #{id} was already deleted (404). {error}").format(
                id=backup.id, error=safe_text(error)
            ),
            EXIT_NOT_FOUND,
        ) from error
    session.settled(sent)
