"""`vpstui restore SERVER BACKUP_ID`: overwrite a server's disk from one of its backups,
after a safety backup (unless `--no-safety-backup`, or the manual quota is full), through
the same operations core as the TUI."""

from __future__ import annotations

import argparse

from vpstui.api import ApiError, AuthenticationError, Server
from vpstui.format import backup_facts, backup_ref, safe_text, status_text
from vpstui.i18n import N_, _
from vpstui.operations import (
    SafetyStopped,
    WaitPolicy,
    path_text,
    quota_verdict,
    restore_with_safety,
)

from .exits import EXIT_FAILED, EXIT_NOT_REPORTED, EXIT_OK, EXIT_TIMED_OUT, CommandError
from .session import Session, note, say
from .waiting import wait_for_restore

__all__ = ["OVERWRITE_WARNING", "restore_server"]

OVERWRITE_WARNING = N_(
    "This overwrites the server's disk: everything written since the backup was taken will be lost."
)
#: Server statuses after a restore that mean it did not end well.
BAD_ENDINGS = frozenset({"error", "failed"})


async def _current(session: Session, server: Server) -> Server:
    """The server as it is now; as listed if the token may not read one server (403)."""
    try:
        return await session.api.get_server(server.id)
    except AuthenticationError as error:
        if error.status != 403:
            raise
        return server


async def _safety_possible(session: Session, server: Server, wanted: bool, restoring: int) -> bool:
    """Whether to take a safety backup: wanted, and the manual quota allows (said why not,
    naming the oldest backups to delete for room: never `restoring`, the restore's own)."""
    if not wanted:
        note(_("No safety backup (--no-safety-backup)."))
        return False
    try:
        manual = await session.api.list_backups(server_id=server.id, backup_type="manual")
    except ApiError as error:
        note(
            _("Could not read the manual backup quota ({error}); trying anyway.").format(
                error=safe_text(error)
            )
        )
        return True  # the API enforces its limit: the restore is not sent if this fails
    possible, text = quota_verdict([b for b in manual if b.server_id == server.id], restoring)
    note(text)
    return possible


async def restore_server(session: Session, args: argparse.Namespace) -> int:
    """Restore a server from a backup, after typing its name (or with --yes)."""
    session.require_consent(args.yes, _("restore a server"))
    await session.check_unsettled()
    server = await session.resolve_server(args.server)
    backup = await session.find_backup(args.backup_id, server)
    server = await _current(session, server)
    name = safe_text(server.name, 60)
    if not backup.is_completed:
        raise CommandError(
            _(
                "Backup #{id} is {status}: only completed backups can be restored. "
                "Nothing was sent."
            ).format(id=backup.id, status=status_text(backup.status)),
            EXIT_FAILED,
        )
    if server.status == "restoring":  # only when the API itself shows one
        raise CommandError(
            _(
                "The API shows {name} restoring already. Wait for it to finish. Nothing was sent."
            ).format(name=name),
            EXIT_FAILED,
        )
    note(
        # The server once: a backup is restored onto its own server.
        _("Restore {name} (id {id}) from backup {ref}: {facts}").format(
            name=name, id=server.id, ref=backup_ref(backup.id), facts=backup_facts(backup)
        )
    )
    if backup.description:
        note(f"  “{safe_text(backup.description, 120)}”")
    safety = await _safety_possible(session, server, not args.no_safety_backup, backup.id)
    note(_(OVERWRITE_WARNING))
    session.confirm(
        args.yes,
        _("Type the server name ({name}) to restore it: ").format(name=name),
        server.name,
        _("restore {name}").format(name=name),
    )
    try:
        _taken, sent = await restore_with_safety(
            session.core,
            backup,
            server.name,
            safety=safety,
            policy=WaitPolicy(session.poll_interval, args.wait_timeout),
            status_hint=server.status,
            sleep=session.runtime.sleep,
            progress=note,
        )
    except SafetyStopped as stopped:
        raise CommandError(str(stopped), EXIT_FAILED) from stopped
    session.settled(sent)
    if sent.answer is not None and sent.answer.message:
        note(safe_text(sent.answer.message, 300))
    accepted = session.runtime.clock.now()
    if not args.wait:
        say(
            _("Restore of {name} from backup #{id} accepted by the API.").format(
                name=name, id=backup.id
            )
        )
        return EXIT_OK
    note(
        _("Restore of {name} from backup #{id} accepted; following the server's status.").format(
            name=name, id=backup.id
        )
    )
    end = await wait_for_restore(session, server, sent.operation.status_before, args.wait_timeout)
    if end.ended:
        if end.status in BAD_ENDINGS:
            raise CommandError(
                _("The restore of {name} ended with the server {status}.").format(
                    name=name, status=status_text(end.status)
                )
            )
        say(
            _("Restore of {name} from backup #{id} finished: {path}.").format(
                name=name, id=backup.id, path=path_text(end.path)
            )
        )
        return EXIT_OK
    if end.changed:
        raise CommandError(
            _(
                "Gave up waiting: {name}'s status changed ({path}) but did not settle. "
                "Check the server."
            ).format(name=name, path=path_text(end.path)),
            EXIT_TIMED_OUT,
        )
    raise CommandError(end.not_reported(server.name, accepted), EXIT_NOT_REPORTED)
