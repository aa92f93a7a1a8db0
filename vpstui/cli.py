"""The `vpstui` command: parse flags, resolve settings, start the app (or explain why not)."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from vpstui import __version__

# Everything else is imported where it is used: `main` turns the garbage collector off
# while the app's modules load (see `_startup_gc`), so they should load inside it.
if TYPE_CHECKING:
    from vpstui.api.client import VpsClient
    from vpstui.config import Settings

EXIT_USAGE = 2


def _epilog() -> str:
    from vpstui.audit import ENV_STATE_DIR, default_audit_path
    from vpstui.config import (
        ENV_API_URL,
        ENV_CONFIG,
        ENV_PROFILE,
        ENV_TOKEN,
        default_config_path,
    )

    return f"""\
token (first found wins):
  --token-file PATH      a file holding the token (chmod 600)
  {ENV_TOKEN:<22} the token itself
  token_command = "..."  in the config file: a command that prints the token
  token = "..."          in the config file

environment:
  {ENV_TOKEN:<22} API token
  {ENV_API_URL:<22} API base URL (default https://admin.vps.org)
  {ENV_CONFIG:<22} config file path
  {ENV_PROFILE:<22} profile to use ([profiles.NAME] in the config file)
  {ENV_STATE_DIR:<22} where the audit log and crash reports go

config file: {default_config_path()}
audit log:   {default_audit_path()} (every create, delete and restore; --audit-log)
try it without an account: vpstui --demo
scripting (runbooks, cron; exit codes in their --help):
  vpstui backups list|create|delete …   vpstui restore SERVER BACKUP_ID
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vpstui",
        description="Browse, create, delete and restore VPS.org server backups.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--demo", action="store_true", help="use a simulated account (no token)")
    parser.add_argument("--api-url", metavar="URL", help="API base URL")
    parser.add_argument("--token-file", metavar="PATH", help="read the API token from a file")
    parser.add_argument("--config", metavar="PATH", help="config file to use")
    parser.add_argument(
        "--profile", metavar="NAME", help="use [profiles.NAME] from the config file"
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="browse only: creating, deleting and restoring are off",
    )
    parser.add_argument(
        "--server", metavar="ID_OR_NAME", help="open on this server instead of All servers"
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        metavar="SECONDS",
        help="refresh interval while a backup is in progress (default 5)",
    )
    parser.add_argument(
        "--idle-refresh",
        type=float,
        metavar="SECONDS",
        help="refresh interval otherwise (default 60; 0 turns it off)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="give up on a request after this long (default 45; slow links may need more)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="do not show (or keep) the last listing at start (also: cache = false)",
    )
    parser.add_argument(
        "--audit-log",
        action="store_true",
        help="print where the record of creates, deletes and restores is kept, and exit",
    )
    parser.add_argument("--version", action="version", version=f"vpstui {__version__}")
    return parser


def missing_token_message() -> str:
    from vpstui.config import ENV_TOKEN, default_config_path

    return (
        "vpstui: no API token.\n"
        f"  Set {ENV_TOKEN}, pass --token-file PATH, or put token_command (or token) in\n"
        f"  {default_config_path()}\n"
        "  To try vpstui without an account: vpstui --demo\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run vpstui; a crash outside the app itself still ends in a redacted report."""
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
    app is about to run, and `gc.freeze()` here moves everything alive so far out of later
    collections' way. Only start-up's own garbage waits: nothing a session allocates does.
    """
    gc.freeze()
    gc.enable()


def _main(argv: Sequence[str] | None, secrets: list[str]) -> int:
    from vpstui.audit import default_audit_path
    from vpstui.commands import command_index, run_command
    from vpstui.config import ConfigError, load_settings

    words = list(sys.argv[1:] if argv is None else argv)
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
        )
    except ConfigError as error:
        print(f"vpstui: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.no_cache:
        settings.cache = False
    if settings.token is not None:
        secrets.append(settings.token.reveal())
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not settings.demo and settings.token is None and not interactive:
        print(missing_token_message(), file=sys.stderr, end="")
        return EXIT_USAGE
    return run_app(settings, timeout=args.timeout, args=args)


def build_client(
    settings: Settings, timeout: float | None = None, *, demo_latency: float = 0.15
) -> VpsClient | None:
    """The API client for `settings` (the simulated one for the demo, answering after
    `demo_latency` seconds like a real network); None without a token.

    Raises `ApiError` when the API URL cannot be used."""
    import httpx

    from vpstui.api.client import DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, VpsClient

    if settings.demo:
        from vpstui.demo import DEMO_BASE_URL, DemoBackend

        backend = DemoBackend(latency=demo_latency)
        return VpsClient(token="demo", base_url=DEMO_BASE_URL, transport=backend.transport())
    if settings.token is None:
        return None
    limits = (DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT)
    if timeout is not None and timeout > 0:
        limits = (httpx.Timeout(min(timeout, 5.0), read=timeout), timeout)
    return VpsClient(
        token=settings.token,
        base_url=settings.api_url,
        timeout=limits[0],
        total_timeout=limits[1],
        page_concurrency=settings.page_concurrency,
    )


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
                f"Profile {name} has no token: set token_command, token_file or token in "
                f"[profiles.{name}] (or {ENV_TOKEN})."
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
        api = build_client(settings, timeout)
    except ApiError as error:
        print(f"vpstui: {error}", file=sys.stderr)
        return EXIT_USAGE
    from vpstui.ui.app import VpsApp

    opener = profile_opener(args) if args is not None and not settings.demo else None
    app = VpsApp(settings, api, open_profile=opener)
    _startup_done()
    app.run()
    return app.return_code or 0
