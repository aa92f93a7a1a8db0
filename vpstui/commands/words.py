"""Which command-line words start a scripting subcommand rather than the TUI."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["COMMAND_WORDS", "command_index"]

#: First positional arguments that mean a subcommand rather than the TUI.
COMMAND_WORDS = frozenset({"backups", "restore", "check", "watch"})


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
