"""`vpstui restore SERVER BACKUP_ID`: overwrite a server's disk from one of its backups."""

from __future__ import annotations

import argparse

from vpstui.api import ApiError, AuthenticationError, Server
from vpstui.format import backup_summary, safe_text, status_word

from .exits import EXIT_FAILED, EXIT_OK, CommandError
from .session import AuditTarget, Session, note, say
from .waiting import wait_for_restore

__all__ = ["OVERWRITE_WARNING", "restore_server"]

OVERWRITE_WARNING = (
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


async def restore_server(session: Session, args: argparse.Namespace) -> int:
    """Restore a server from a backup, after typing its name (or with --yes)."""
    api = session.api
    session.require_consent(args.yes, "restore a server")
    server = await session.resolve_server(args.server)
    backup = await session.find_backup(args.backup_id, server)
    server = await _current(session, server)
    name = safe_text(server.name, 60)
    if not backup.is_completed:
        raise CommandError(
            f"Backup #{backup.id} is {status_word(backup.status)}: only completed backups can "
            "be restored. Nothing was sent.",
            EXIT_FAILED,
        )
    if server.status == "restoring":
        raise CommandError(
            f"A restore of {name} is already running. Wait for it to finish. Nothing was sent.",
            EXIT_FAILED,
        )
    note(f"Restore {name} (id {server.id}) from {backup_summary(backup)}")
    if backup.description:
        note(f"  “{safe_text(backup.description, 120)}”")
    note(OVERWRITE_WARNING)
    session.confirm(
        args.yes,
        f"Type the server name ({name}) to restore it: ",
        server.name,
        f"restore {name}",
    )
    target = AuditTarget(server.id, server.name, backup.id)

    async def check() -> tuple[bool, str]:
        now = await api.get_server(server.id)
        if now.status == "restoring":
            return True, f"Checked: {name} is restoring, so the restore started."
        return False, (
            f"Checked: {name} is {status_word(now.status)}, not restoring; the restore does not "
            "seem to have started."
        )

    try:
        result = await session.send_once(
            "restore", target, lambda: api.restore_backup(server.id, backup.id)
        )
    except ApiError as error:
        if not error.outcome_unknown:
            raise
        note(await session.recheck("restore", target, error, check))
    else:
        said = result.message or f"HTTP {result.status_code}"
        session.record("restore", "succeeded", target, said)
        if result.message:
            note(safe_text(result.message, 300))
    if not args.wait:
        say(f"Restore of {name} from backup #{backup.id} started.")
        return EXIT_OK
    note(f"Restore of {name} from backup #{backup.id} started; waiting for it to finish.")
    after = await wait_for_restore(session, server, args.wait_timeout)
    if after.status in BAD_ENDINGS:
        raise CommandError(f"The restore of {name} ended with the server {after.status}.")
    say(f"Restore of {name} from backup #{backup.id} finished: {status_word(after.status)}.")
    return EXIT_OK
