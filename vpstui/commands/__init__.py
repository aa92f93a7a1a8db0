"""Scripting subcommands for runbooks and cron, on the same client and config as the TUI.

    vpstui backups list [--server NAME_OR_ID] [--type manual|automatic] [--json|--csv]
    vpstui backups create SERVER [--description TEXT] [--wait]
    vpstui backups delete ID [--yes]
    vpstui backups prune SERVER --keep N [--older-than 30d] [--yes] [--json]
    vpstui restore SERVER BACKUP_ID [--yes] [--wait] [--no-safety-backup]
    vpstui check [--server NAME_OR_ID]... [--warn-age 30h] [--crit-age 48h] [--json]
    vpstui watch [--server NAME_OR_ID]... [--unreachable-after 5m]

`vpstui.cli` hands argv here when its first positional argument is one of
`COMMAND_WORDS`; anything else opens the TUI as before. Modules:

    exits      exit codes and `CommandError`
    parser     the arguments (connection options as for the TUI)
    run        settings → client → command; errors → stderr and an exit code
    session    `Runtime` (what tests replace) and `Session` (finding, asking; sending is
               `vpstui.operations`, shared with the TUI)
    backups    list / create / delete
    restore    restore (a safety backup first)
    waiting    --wait: progress and exit codes around the core's one waiting loop
    output     the table, the stable JSON shape, CSV
    check      the monitoring plugin (its own exit codes: 0 OK … 3 UNKNOWN)
    watch      events as JSON lines, and `notify_command`, until SIGTERM

No Textual here: scripts start fast. Importing this package costs the TUI nothing: the
commands load only when one runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .words import COMMAND_WORDS, command_index

if TYPE_CHECKING:
    from .session import Runtime

__all__ = ["COMMAND_WORDS", "command_index", "run_command"]


def run_command(
    argv: Sequence[str], secrets: list[str] | None = None, runtime: Runtime | None = None
) -> int:
    """Run the subcommand in `argv` and return its exit status (see `exits`)."""
    from .run import run_command as run

    return run(argv, secrets, runtime)
