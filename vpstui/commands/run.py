"""Run one scripting subcommand: parse, resolve settings, connect, act, map errors to exits."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from vpstui import i18n
from vpstui.api import (
    ApiError,
    AuthenticationError,
    InsecureUrlError,
    NotFoundError,
    ProxyError,
    VpsClient,
)
from vpstui.audit import AuditLog, default_audit_path, state_dir
from vpstui.config import ConfigError, Settings, load_settings
from vpstui.connection import build_client, missing_token_message, said
from vpstui.format import safe_text
from vpstui.operations import OPS_FILE, OperationLedger, abandon_in_flight
from vpstui.statefiles import state_dir_refusal

from .backups import create_backup, delete_backup, list_backups
from .check import check_backups, unknown
from .exits import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
)
from .language import speak_from_argv
from .parser import build_command_parser
from .prune import prune_backups
from .restore import restore_server
from .session import Runtime, Session, warn
from .watch import watch_backups
from .words import command_index

__all__ = ["connect", "run_command"]

Command = Callable[[Session, argparse.Namespace], Awaitable[int]]

COMMANDS: dict[tuple[str, str | None], Command] = {
    ("backups", "list"): list_backups,
    ("backups", "create"): create_backup,
    ("backups", "delete"): delete_backup,
    ("backups", "prune"): prune_backups,
    ("restore", None): restore_server,
    ("check", None): check_backups,
    ("watch", None): watch_backups,
}
#: The commands that change something: refused under a read-only setting.
DESTRUCTIVE = {
    ("backups", "create"),
    ("backups", "delete"),
    ("backups", "prune"),
    ("restore", None),
}


def connect(settings: Settings, timeout: float | None) -> VpsClient:
    """The client the TUI would use: the in-process demo (without simulated latency: a
    script wants answers), or the configured API."""
    client = build_client(settings, timeout, demo_latency=0.0)
    if client is None:  # pragma: no cover - run_command checks first
        raise ConfigError(i18n._("no API token"))
    return client


def _write_refusal(settings: Settings) -> str | None:
    """Why create, delete and restore are off (`--read-only`, a read-only profile), or None."""
    return settings.refuse_writes()


def _fail(message: str, code: int) -> int:
    print(said(message), file=sys.stderr, flush=True)
    return code


def _is_check(argv: Sequence[str]) -> bool:
    """True for `vpstui check …`: whatever stops it is UNKNOWN (exit 3), said on stdout
    where a monitoring system reads it."""
    index = command_index(argv, build_command_parser())
    return index is not None and argv[index] == "check"


def run_command(
    argv: Sequence[str], secrets: list[str] | None = None, runtime: Runtime | None = None
) -> int:
    """Run `vpstui backups …` or `vpstui restore …` and return the exit status.

    Tokens found are appended to `secrets` (so a crash report can remove them).
    """
    secrets = [] if secrets is None else secrets
    runtime = runtime or Runtime()
    speak_from_argv(argv, os.environ)  # before argparse: --help in the user's language
    plugin = _is_check(argv)
    try:
        args = build_command_parser().parse_args(list(argv))
    except SystemExit as stop:  # --help, or a usage error argparse already explained
        code = stop.code if isinstance(stop.code, int) else EXIT_USAGE
        if plugin and code != EXIT_OK:
            return unknown("bad arguments (see vpstui check --help)")
        return code
    if plugin:  # monitoring parses the plugin's output: it stays English (see check)
        i18n.use(i18n.DEFAULT)
    key = (args.command, getattr(args, "action", None))
    try:
        session = _open_session(args, key, secrets, runtime)
    except CommandError as error:
        if plugin:
            return unknown(error.message, getattr(args, "json", False))
        return _fail(error.message, error.code)
    try:
        return asyncio.run(_run(COMMANDS[key], session, args, plugin=plugin))
    except KeyboardInterrupt:
        return _fail(i18n._("interrupted."), EXIT_INTERRUPTED)
    except BrokenPipeError:  # `vpstui backups list | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _open_session(
    args: argparse.Namespace, key: tuple[str, str | None], secrets: list[str], runtime: Runtime
) -> Session:
    """Settings, client and audit log for the command; `CommandError` when it cannot run.

    Tokens found are appended to `secrets` (so a crash report can remove them).
    """
    # --profile / --read-only are passed only when given (they are new in load_settings).
    profile: dict[str, Any] = {}
    if getattr(args, "profile", None):
        profile["profile"] = args.profile
    if getattr(args, "read_only", False):
        profile["read_only"] = True
    try:
        settings = load_settings(
            api_url=getattr(args, "api_url", None),
            token_file=getattr(args, "token_file", None),
            config=getattr(args, "config", None),
            poll_interval=getattr(args, "poll_interval", None),
            idle_refresh=getattr(args, "idle_refresh", None),
            demo=getattr(args, "demo", False),
            language=getattr(args, "lang", None),
            **profile,
        )
    except ConfigError as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    if key != ("check", None):  # the plugin's output stays English
        i18n.use(settings.language)
    if settings.token is not None:
        secrets.append(settings.token.reveal())
    for warning in settings.warnings:
        warn(warning)
    if not settings.demo and settings.token is None:
        message = missing_token_message(prefixed=False, config=settings.config_path)
        message = message.rstrip("\n")
        raise CommandError(message, EXIT_USAGE)
    refusal = _write_refusal(settings) if key in DESTRUCTIVE else None
    if refusal is not None:
        raise CommandError(
            i18n._("{refusal} Nothing was sent.").format(refusal=refusal), EXIT_USAGE
        )
    audit_path = runtime.audit_path
    if audit_path is None and not settings.demo:
        audit_path = default_audit_path()
    unsafe = state_dir_refusal(audit_path.parent) if audit_path and key in DESTRUCTIVE else None
    if unsafe is not None:
        raise CommandError(i18n._("nothing was sent. {unsafe}").format(unsafe=unsafe), EXIT_USAGE)
    try:
        api = (runtime.connect or connect)(settings, getattr(args, "timeout", None))
    except (InsecureUrlError, ProxyError, ConfigError) as error:
        raise CommandError(str(error), EXIT_USAGE) from None
    audit = AuditLog(audit_path, host=api.host, secrets=secrets) if audit_path else None
    ops_path = runtime.ops_path
    if ops_path is None and not settings.demo:
        ops_path = state_dir() / OPS_FILE
    ledger = OperationLedger.load(ops_path, api.host) if ops_path else None
    return Session(
        api,
        runtime,
        audit,
        ledger=ledger,
        poll_interval=settings.poll_interval,
        stale_after_hours=settings.stale_after_hours,
        idle_refresh=settings.idle_refresh,
        profile=settings.profile,
        notify_command=settings.notify_command,
        token_source=settings.token_source,
    )


async def _run(
    command: Command, session: Session, args: argparse.Namespace, *, plugin: bool = False
) -> int:
    ended: list[int] = []
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()

    def end(signum: int) -> None:
        """SIGHUP/SIGTERM: record what is in flight as unknown (checked next time), stop."""
        name = signal.Signals(signum).name
        abandon_in_flight(
            f"vpstui was ended by {name} while waiting for the answer; checked at the next start."
        )
        ended.append(signum)
        if task is not None:
            task.cancel()

    if not plugin and (args.command, getattr(args, "action", None)) != ("watch", None):
        # (`vpstui watch` stops cleanly on these signals itself.)
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, end, signum)
    try:
        async with session.api:
            return await command(session, args)
    except asyncio.CancelledError:
        if not ended:
            raise
        name = signal.Signals(ended[0]).name
        stopped = i18n._("ended by {signal}; anything in flight is checked next time.")
        return _fail(stopped.format(signal=name), 128 + ended[0])
    except (CommandError, ApiError) as error:
        if plugin:
            return unknown(safe_text(error), getattr(args, "json", False))
        if isinstance(error, CommandError):
            return _fail(error.message, error.code)
        if isinstance(error, AuthenticationError) and error.status == 401 and session.token_source:
            check = i18n._("{error} Check the token from {source}.")
            return _fail(check.format(error=safe_text(error), source=session.token_source), 1)
        code = EXIT_NOT_FOUND if isinstance(error, NotFoundError) else EXIT_FAILED
        return _fail(safe_text(error), code)
