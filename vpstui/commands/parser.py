"""The scripting subcommands' arguments. Connection options go before or after the words."""

from __future__ import annotations

import argparse

from .exits import EXIT_CODES
from .waiting import DEFAULT_WAIT_TIMEOUT

__all__ = ["build_command_parser", "exit_code_help"]


def exit_code_help() -> str:
    """The exit codes as `--help` lists them."""
    lines = [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items()]
    return "exit codes:\n" + "\n".join(lines) + "\n"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def _backup_id(text: str) -> int:
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(f"a backup ID is a number: {text!r}")
    return int(digits)


def _connection_options() -> argparse.ArgumentParser:
    """The options shared with the TUI. Defaults are suppressed so that an option given
    before the command words is not reset by the same option's absence after them."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("connection (as for the TUI)")
    quiet = argparse.SUPPRESS
    group.add_argument(
        "--demo", action="store_true", default=quiet, help="use a simulated account (no token)"
    )
    group.add_argument("--api-url", metavar="URL", default=quiet, help="API base URL")
    group.add_argument(
        "--token-file", metavar="PATH", default=quiet, help="read the API token from a file"
    )
    group.add_argument("--config", metavar="PATH", default=quiet, help="config file to use")
    group.add_argument(
        "--profile", metavar="NAME", default=quiet, help="use [profiles.NAME] from the config"
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=quiet,
        help="refuse create, delete and restore (exit 2)",
    )
    group.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        default=quiet,
        help="give up on a request after this long (default 45)",
    )
    return options


def _wait_options(parser: argparse.ArgumentParser, until: str) -> None:
    parser.add_argument("--wait", action="store_true", help=f"wait until {until}")
    parser.add_argument(
        "--wait-timeout",
        type=_seconds,
        metavar="SECONDS",
        default=DEFAULT_WAIT_TIMEOUT,
        help=f"give up waiting after this long (default {DEFAULT_WAIT_TIMEOUT:g}; exit 4)",
    )
    parser.add_argument(
        "--poll-interval",
        type=_seconds,
        metavar="SECONDS",
        default=None,
        help="seconds between checks while waiting (default: poll_interval, 5)",
    )


def build_command_parser() -> argparse.ArgumentParser:
    """`vpstui backups list|create|delete` and `vpstui restore`."""
    connection = _connection_options()
    parser = argparse.ArgumentParser(
        prog="vpstui",
        description="Scripting: list, create and delete backups, restore a server. "
        "Plain `vpstui` opens the TUI.",
        parents=[connection],
        epilog=exit_code_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )

    def add(
        group: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        summary: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        return group.add_parser(
            name,
            help=summary,
            description=description or summary[:1].upper() + summary[1:] + ".",
            parents=[connection],
            epilog=exit_code_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    backups = add(commands, "backups", "list, create or delete backups")
    actions = backups.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = add(
        actions,
        "list",
        "list backups, newest first",
        "List backups, newest first: a table, --json or --csv on stdout.",
    )
    listing.add_argument("--server", metavar="NAME_OR_ID", help="only this server's backups")
    listing.add_argument("--type", choices=("manual", "automatic"), help="only this type")
    form = listing.add_mutually_exclusive_group()
    form.add_argument(
        "--json",
        action="store_true",
        help="a JSON list of objects with the keys id, server_id, server_name, backup_type, "
        "status, size_mb, created_at, expires_at, description",
    )
    form.add_argument("--csv", action="store_true", help="CSV with a header row (same keys)")

    create = add(
        actions,
        "create",
        "start a manual backup of a server",
        "Start a manual backup (at most 10 per server). Sent once, never retried.",
    )
    create.add_argument("server", metavar="SERVER", help="server name or id")
    create.add_argument("--description", metavar="TEXT", default="", help="the backup's note")
    create.add_argument("--json", action="store_true", help="print the new backup as a JSON object")
    _wait_options(create, "the backup is completed (or failed)")

    delete = add(
        actions,
        "delete",
        "delete a backup permanently",
        "Delete a backup permanently. Asks to type its ID; without a terminal, "
        "refuses unless --yes.",
    )
    delete.add_argument("backup_id", metavar="ID", type=_backup_id, help="the backup's ID")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    restore = add(
        commands,
        "restore",
        "restore a server from one of its backups",
        "Overwrite a server's disk with one of its backups. Asks to type the "
        "server's name; without a terminal, refuses unless --yes.",
    )
    restore.add_argument("server", metavar="SERVER", help="server name or id")
    restore.add_argument("backup_id", metavar="BACKUP_ID", type=_backup_id, help="backup ID")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument(
        "--no-safety-backup",
        action="store_true",
        help="restore without taking a manual backup first (taken by default when the "
        "server's manual quota allows)",
    )
    _wait_options(
        restore,
        "the API shows the restore's end (a status change that settled; exit 6 if it shows none)",
    )
    return parser
