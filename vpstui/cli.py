"""The `vpstui` command: parse flags, resolve settings, start the app (or explain why not)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from vpstui import __version__
from vpstui.commands.language import HelpFormatter
from vpstui.connection import build_client, missing_token_message, plan_client, said
from vpstui.i18n import _

# Everything else is imported where it is used: `main` turns the garbage collector off
# while the app's modules load (see `_startup_gc`), so they should load inside it.
if TYPE_CHECKING:
    from vpstui.api.client import VpsClient
    from vpstui.config import Settings

__all__ = ["build_client", "build_parser", "main", "missing_token_message", "run_app"]

EXIT_USAGE = 2


def _epilog() -> str:
    from vpstui.audit import ENV_STATE_DIR, default_audit_path
    from vpstui.config import (
        ENV_API_URL,
        ENV_CONFIG,
        ENV_PROFILE,
        ENV_TOKEN,
        TOKEN_ORDER,
        config_path,
    )

    sources = "\n".join(f"  {where:<22} {_(what)}" for where, what in TOKEN_ORDER)
    text = _(
        """\
token (first found wins):
{sources}

environment:
  {token:<22} API token
  {api_url:<22} API base URL (default https://admin.vps.org)
  {config:<22} config file path
  {profile:<22} profile to use ([profiles.NAME] in the config file)
  VPSTUI_LANG            language: en or zh-CN (else LC_ALL, LC_MESSAGES, LANG)
  {state_dir:<22} where the audit log and crash reports go

config file: {config_path}
audit log:   {audit_path} (every create, delete and restore; --audit-log)
try it without an account: vpstui --demo
scripting (runbooks, cron; exit codes in their --help):
  vpstui backups list|create|delete …   vpstui restore SERVER BACKUP_ID
monitoring plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN):
  vpstui check [--server NAME_OR_ID]… [--warn-age 30h] [--crit-age 48h]
events as JSON lines and notify_command, until SIGTERM:
  vpstui watch [--server NAME_OR_ID]…
"""
    )
    return text.format(
        sources=sources,
        token=ENV_TOKEN,
        api_url=ENV_API_URL,
        config=ENV_CONFIG,
        profile=ENV_PROFILE,
        state_dir=ENV_STATE_DIR,
        config_path=config_path(),
        audit_path=default_audit_path(),
    )


class _Parser(argparse.ArgumentParser):
    """The epilog (where the config file and the audit log are: platformdirs, both
    modules) is worked out only when the help is printed, not at every start."""

    def format_help(self) -> str:
        if self.epilog is None:
            self.epilog = _epilog()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vpstui",
        description=_("Browse, create, delete and restore VPS.org server backups."),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--demo", action="store_true", help=_("use a simulated account (no token)"))
    parser.add_argument("--api-url", metavar="URL", help=_("API base URL"))
    parser.add_argument("--token-file", metavar="PATH", help=_("read the API token from a file"))
    parser.add_argument("--config", metavar="PATH", help=_("config file to use"))
    parser.add_argument(
        "--profile", metavar="NAME", help=_("use [profiles.NAME] from the config file")
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help=_("browse only: creating, deleting and restoring are off"),
    )
    parser.add_argument(
        "--server", metavar="ID_OR_NAME", help=_("open on this server instead of All servers")
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        metavar="SECONDS",
        help=_("refresh interval while a backup is in progress (default 5)"),
    )
    parser.add_argument(
        "--idle-refresh",
        type=float,
        metavar="SECONDS",
        help=_("refresh interval otherwise (default 60; 0 turns it off)"),
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help=_("give up on a request after this long (default 45; slow links may need more)"),
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=_("do not show (or keep) the last listing at start (also: cache = false)"),
    )
    parser.add_argument(
        "--audit-log",
        action="store_true",
        help=_("print where the record of creates, deletes and restores is kept, and exit"),
    )
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=_("language: en or zh-CN (default: VPSTUI_LANG, language in the config, the locale)"),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"vpstui {__version__}",
        help=_("show program's version number and exit"),
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run vpstui; a crash outside the app itself still ends in a redacted report."""
    from vpstui._startup import defer_httpx_cli

    defer_httpx_cli()  # the program's start only: see vpstui._startup
    secrets: list[str] = []
    gc.disable()  # start-up: see `_startup_done`
    try:
        return _main(argv, secrets)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from vpstui.crash import crash_notice, write_report

        report = write_report(error, secrets)
        print(crash_notice(error, report, secrets), file=sys.stderr, end="")
        return 1
    finally:
        gc.enable()


def _startup_done() -> None:
    """End of start-up: the garbage collector goes back on.

    While Python imports a few hundred modules, full collections keep walking the same
    long-lived objects (classes, functions, CSS rules) and find nothing to free: about a
    tenth of vpstui's start-up time (issue 4). So `main` turns the collector off until the
    app has drawn its first frame (building the screen made ~40 young collections more,
    issue 13), and `gc.freeze()` here moves everything alive so far out of later
    collections' way. Only start-up's own garbage waits: nothing a session allocates does.
    """
    gc.freeze()
    gc.enable()


def _main(argv: Sequence[str] | None, secrets: list[str]) -> int:
    from vpstui.audit import default_audit_path
    from vpstui.commands import command_index, run_command
    from vpstui.config import LIMITS, ConfigError, check_number, load_settings

    words = list(sys.argv[1:] if argv is None else argv)
    from vpstui.commands.language import speak_from_argv

    speak_from_argv(words, os.environ)  # --help is printed before settings load
    parser = build_parser()
    if command_index(words, parser) is not None:
        gc.enable()  # a script's run is not start-up: it may allocate a lot
        return run_command(words, secrets)  # vpstui backups … / vpstui restore …
    args = parser.parse_args(argv)
    if args.audit_log:
        print(default_audit_path())
        return 0
    try:
        settings = load_settings(
            api_url=args.api_url,
            token_file=args.token_file,
            config=args.config,
            poll_interval=args.poll_interval,
            idle_refresh=args.idle_refresh,
            server=args.server,
            demo=args.demo,
            profile=args.profile,
            read_only=args.read_only,
            language=args.lang,
        )
        if args.timeout is not None:
            check_number(args.timeout, "--timeout", LIMITS["timeout"])
    except ConfigError as error:
        print(said(error), file=sys.stderr)
        return EXIT_USAGE
    from vpstui import i18n

    i18n.use(settings.language)
    if args.no_cache:
        settings.cache = False
    if settings.token is not None:
        secrets.append(settings.token.reveal())
    if not settings.demo:
        from vpstui.audit import state_dir
        from vpstui.statefiles import state_dir_refusal

        refusal = state_dir_refusal(state_dir())
        if refusal is not None:
            print(said(refusal), file=sys.stderr)
            return EXIT_USAGE
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not settings.demo and settings.token is None and not interactive:
        print(missing_token_message(config=settings.config_path), file=sys.stderr, end="")
        return EXIT_USAGE
    return run_app(settings, timeout=args.timeout, args=args)


def profile_opener(args: argparse.Namespace) -> Callable[[str], tuple[Settings, VpsClient]]:
    """How the app switches profiles: resolve `[profiles.NAME]` and build its client.

    The flags that name an account (`--api-url`, `--token-file`, `--server`) are left
    out, so the profile's own take effect; `--read-only` and the intervals carry over.
    Runs in a worker thread (a token_command may take a while); raises `ConfigError`.
    """

    def open_profile(name: str) -> tuple[Settings, VpsClient]:
        from vpstui.api.errors import ApiError
        from vpstui.config import ENV_TOKEN, ConfigError, load_settings

        settings = load_settings(
            config=args.config,
            poll_interval=args.poll_interval,
            idle_refresh=args.idle_refresh,
            profile=name,
            read_only=args.read_only,
        )
        if getattr(args, "no_cache", False):
            settings.cache = False
        try:
            api = build_client(settings, timeout=args.timeout)
        except ApiError as error:
            raise ConfigError(str(error)) from None
        if api is None:
            raise ConfigError(
                _(
                    "Profile {name} has no token: set token_command, token_file or token in "
                    "[profiles.{name}] (or {token})."
                ).format(name=name, token=ENV_TOKEN)
            )
        return settings, api

    return open_profile


def run_app(
    settings: Settings, timeout: float | None = None, args: argparse.Namespace | None = None
) -> int:
    """Build the client (demo or real) and run the TUI until the user quits.

    With the parsed `args`, the app can switch to another profile from the command palette.
    """
    from vpstui.api.errors import ApiError

    try:
        api = plan_client(settings, timeout)
    except ApiError as error:
        print(said(error), file=sys.stderr)
        return EXIT_USAGE
    from vpstui.ui.app import VpsApp

    opener = profile_opener(args) if args is not None and not settings.demo else None
    app = VpsApp(settings, api, open_profile=opener, on_first_frame=_startup_done)
    app.run()
    return app.return_code or 0
