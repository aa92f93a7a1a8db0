"""The scripting subcommands' arguments. Connection options go before or after the words."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from vpstui.config import LIMITS, ConfigError, check_number
from vpstui.i18n import N_, _

from .exits import EXIT_CODES
from .language import HelpFormatter
from .waiting import DEFAULT_WAIT_TIMEOUT

__all__ = ["build_command_parser", "exit_code_help"]


def exit_code_help() -> str:
    """The exit codes as `--help` lists them."""
    lines = [f"  {code:<4} {_(meaning)}" for code, meaning in EXIT_CODES.items()]
    return _("exit codes:") + "\n" + "\n".join(lines) + "\n"


def _seconds(key: str) -> Callable[[str], float]:
    """An argparse type: a number of seconds within `config.LIMITS[key]`."""

    def seconds(text: str) -> float:
        try:
            return check_number(text, "it", LIMITS[key])
        except ConfigError as error:
            raise argparse.ArgumentTypeError(str(error).removeprefix("it ")) from None

    return seconds


def _backup_id(text: str) -> int:
    digits = text.strip().removeprefix("#")
    if not (digits.isascii() and digits.isdigit()):
        raise argparse.ArgumentTypeError(_("a backup ID is a number: {text!r}").format(text=text))
    return int(digits)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(
            _("a number of backups, 0 or more: {text!r}").format(text=text)
        )
    return int(text)


def _duration(text: str) -> float:
    from vpstui.health import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


CHECK_EXIT_HELP = N_(
    """\
exit codes (the monitoring-plugin convention, unlike the other subcommands):
  0    OK        every server has a recent completed backup
  1    WARNING   a backup older than --warn-age, a failed backup in --failed-window,
                 a full manual-backup quota, or items the API sent that could not be read
  2    CRITICAL  a backup older than --crit-age, or a server with no completed backup
  3    UNKNOWN   the API could not be asked (unreachable, token rejected), bad arguments
"""
)


def _connection_options() -> argparse.ArgumentParser:
    """The options shared with the TUI. Defaults are suppressed so that an option given
    before the command words is not reset by the same option's absence after them."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group(_("connection (as for the TUI)"))
    quiet = argparse.SUPPRESS
    group.add_argument(
        "--demo", action="store_true", default=quiet, help=_("use a simulated account (no token)")
    )
    group.add_argument("--api-url", metavar="URL", default=quiet, help=_("API base URL"))
    group.add_argument(
        "--token-file", metavar="PATH", default=quiet, help=_("read the API token from a file")
    )
    group.add_argument("--config", metavar="PATH", default=quiet, help=_("config file to use"))
    group.add_argument(
        "--profile", metavar="NAME", default=quiet, help=_("use [profiles.NAME] from the config")
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=quiet,
        help=_("refuse create, delete and restore (exit 2)"),
    )
    group.add_argument(
        "--lang", metavar="LANG", default=quiet, help=_("language of messages: en or zh-CN")
    )
    group.add_argument(
        "--timeout",
        type=_seconds("timeout"),
        metavar="SECONDS",
        default=quiet,
        help=_("give up on a request after this long (default 45)"),
    )
    return options


def _wait_options(parser: argparse.ArgumentParser, wait_help: str) -> None:
    parser.add_argument("--wait", action="store_true", help=wait_help)
    parser.add_argument(
        "--wait-timeout",
        type=_seconds("wait_timeout"),
        metavar="SECONDS",
        default=DEFAULT_WAIT_TIMEOUT,
        help=_("give up waiting after this long (default {seconds:g}; exit 4)").format(
            seconds=DEFAULT_WAIT_TIMEOUT
        ),
    )
    parser.add_argument(
        "--poll-interval",
        type=_seconds("poll_interval"),
        metavar="SECONDS",
        default=None,
        help=_("seconds between checks while waiting (default: poll_interval, 5)"),
    )


def build_command_parser() -> argparse.ArgumentParser:
    """`vpstui backups list|create|delete` and `vpstui restore`."""
    connection = _connection_options()
    parser = argparse.ArgumentParser(
        prog="vpstui",
        description=_(
            "Scripting: list, create and delete backups, restore a server. "
            "Plain `vpstui` opens the TUI."
        ),
        parents=[connection],
        epilog=exit_code_help(),
        formatter_class=HelpFormatter,
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
            description=description or summary,
            parents=[connection],
            epilog=exit_code_help(),
            formatter_class=HelpFormatter,
        )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    backups = add(
        commands,
        "backups",
        _("list, create or delete backups"),
        _("List, create or delete backups."),
    )
    actions = backups.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = add(
        actions,
        "list",
        _("list backups, newest first"),
        _("List backups, newest first: a table, --json or --csv on stdout."),
    )
    listing.add_argument("--server", metavar="NAME_OR_ID", help=_("only this server's backups"))
    listing.add_argument("--type", choices=("manual", "automatic"), help=_("only this type"))
    form = listing.add_mutually_exclusive_group()
    form.add_argument(
        "--json",
        action="store_true",
        help=_(
            "a JSON list of objects with the keys id, server_id, server_name, backup_type, "
            "status, size_mb, created_at, expires_at, description"
        ),
    )
    form.add_argument("--csv", action="store_true", help=_("CSV with a header row (same keys)"))

    create = add(
        actions,
        "create",
        _("start a manual backup of a server"),
        _("Start a manual backup (at most 10 per server). Sent once, never retried."),
    )
    create.add_argument("server", metavar="SERVER", help=_("server name or id"))
    create.add_argument("--description", metavar="TEXT", default="", help=_("the backup's note"))
    create.add_argument(
        "--json", action="store_true", help=_("print the new backup as a JSON object")
    )
    _wait_options(create, _("wait until the backup is completed (or failed)"))

    delete = add(
        actions,
        "delete",
        _("delete a backup permanently"),
        _(
            "Delete a backup permanently. Asks to type its ID; without a terminal, "
            "refuses unless --yes."
        ),
    )
    delete.add_argument("backup_id", metavar="ID", type=_backup_id, help=_("the backup's ID"))
    delete.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))

    prune = add(
        actions,
        "prune",
        _("delete a server's oldest manual backups, keeping the newest N"),
        _(
            "Make room in a server's manual-backup quota: keeps the newest --keep completed "
            "manual backups (and any in progress), shows what would be deleted and the space "
            "freed, then asks to type how many. Without a terminal it only previews, unless "
            "--yes. Automatic backups are never touched (they expire by themselves)."
        ),
    )
    prune.add_argument("server", metavar="SERVER", help=_("server name or id"))
    prune.add_argument(
        "--keep",
        type=_count,
        required=True,
        metavar="N",
        help=_("completed manual backups to keep"),
    )
    prune.add_argument(
        "--older-than",
        type=_duration,
        metavar="AGE",
        help=_("delete only backups older than this (30d, 12h; a bare number is hours)"),
    )
    prune.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    prune.add_argument(
        "--json", action="store_true", help=_("the plan and what was deleted, as a JSON object")
    )

    restore = add(
        commands,
        "restore",
        _("restore a server from one of its backups"),
        _(
            "Overwrite a server's disk with one of its backups. Asks to type the "
            "server's name; without a terminal, refuses unless --yes."
        ),
    )
    restore.add_argument("server", metavar="SERVER", help=_("server name or id"))
    restore.add_argument("backup_id", metavar="BACKUP_ID", type=_backup_id, help=_("backup ID"))
    restore.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    restore.add_argument(
        "--no-safety-backup",
        action="store_true",
        help=_(
            "restore without taking a manual backup first (taken by default when the "
            "server's manual quota allows)"
        ),
    )
    _wait_options(
        restore,
        _(
            "wait until the API shows the restore's end (a status change that settled; "
            "exit 6 if it shows none)"
        ),
    )

    check = commands.add_parser(
        "check",
        help=_("monitoring plugin: are all servers backed up? (exit 0-3)"),
        description=_(
            "Judge every server's backups for a monitoring system (Nagios, Icinga, "
            "Sensu, Checkmk): one status line with performance data after '|', then one line "
            "per server. Durations: 30h, 2d, 90m, or a number of hours."
        ),
        parents=[connection],
        epilog=_(CHECK_EXIT_HELP),
        formatter_class=HelpFormatter,
    )
    check.add_argument(
        "--server",
        metavar="NAME_OR_ID",
        action="append",
        help=_("check only this server (repeat for more; default: every server)"),
    )
    check.add_argument(
        "--warn-age",
        type=_duration,
        metavar="AGE",
        help=_(
            "WARNING when the newest completed backup is older (default: stale_after_hours, 36h)"
        ),
    )
    check.add_argument(
        "--crit-age",
        type=_duration,
        metavar="AGE",
        help=_("CRITICAL when it is older than this (default: the warning age + 24h)"),
    )
    check.add_argument(
        "--failed-window",
        type=_duration,
        metavar="AGE",
        help=_("a failed backup this recent is a WARNING (default 24h)"),
    )
    check.add_argument(
        "--json", action="store_true", help=_("the verdicts as one JSON object (same exit code)")
    )

    watch = add(
        commands,
        "watch",
        _("print events as JSON lines until stopped"),
        _(
            "Poll like the TUI, without it: each backup that completes or fails, each server "
            "that becomes overdue and an API that stays unreachable is one JSON line on stdout "
            "and is handed to notify_command (config). SIGTERM or Ctrl-C stops it (exit 0)."
        ),
    )
    watch.add_argument(
        "--server",
        metavar="NAME_OR_ID",
        action="append",
        help=_("watch only this server (repeat for more; default: every server)"),
    )
    watch.add_argument(
        "--unreachable-after",
        type=_duration,
        metavar="AGE",
        default=300.0,
        help=_("say api_unreachable once reading has failed this long (default 5m)"),
    )
    watch.add_argument(
        "--poll-interval",
        type=_seconds("poll_interval"),
        metavar="SECONDS",
        default=None,
        help=_("seconds between looks while a backup is in progress (default: poll_interval, 5)"),
    )
    watch.add_argument(
        "--idle-refresh",
        type=_seconds("idle_refresh"),
        metavar="SECONDS",
        default=None,
        help=_("seconds between looks at the whole scope (default: idle_refresh, 60)"),
    )
    return parser
