"""Scripting subcommands for runbooks and cron, on the same client and config as the TUI.

    vpstui backups list [--server NAME_OR_ID] [--type manual|automatic] [--json|--csv]
    vpstui backups create SERVER [--description TEXT] [--wait]
    vpstui backups delete ID [--yes]
    vpstui restore SERVER BACKUP_ID [--yes] [--wait] [--no-safety-backup]

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

No Textual here: scripts start fast. Importing this package costs the TUI nothing: the
commands load only when one runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Runtime

__all__ = ["COMMAND_WORDS", "command_index", "run_command"]

#: First positional arguments that mean a subcommand rather than the TUI.
COMMAND_WORDS = frozenset({"backups", "restore"})


def command_index(argv: Sequence[str], parser: argparse.ArgumentParser) -> int | None:
    """Where the subcommand word is in `argv`, if the first positional argument is one.

    `parser` is the TUI's: its options that take a value tell which words are values
    (`--server restore` is the TUI opening on a server named "restore").
    """
    takes_value = {
        option
        for action in parser._actions
        if action.nargs != 0
        for option in action.option_strings
    }
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--":
            rest = index + 1
            return rest if rest < len(argv) and argv[rest] in COMMAND_WORDS else None
        if arg.startswith("-") and arg != "-":
            if "=" not in arg:
                exact = arg in takes_value
                # argparse accepts unique prefixes of long options (--api for --api-url)
                prefix = arg.startswith("--") and any(o.startswith(arg) for o in takes_value)
                skip = exact or prefix
            continue
        return index if arg in COMMAND_WORDS else None
    return None


def run_command(
    argv: Sequence[str], secrets: list[str] | None = None, runtime: Runtime | None = None
) -> int:
    """Run the subcommand in `argv` and return its exit status (see `exits`)."""
    from .run import run_command as run

    return run(argv, secrets, runtime)
