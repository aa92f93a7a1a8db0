"""Run one scripting subcommand: parse, resolve settings, connect, act, map errors to exits."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from vpstui.api import ApiError, AuthenticationError, InsecureUrlError, NotFoundError, VpsClient
from vpstui.audit import AuditLog, default_audit_path
from vpstui.config import ConfigError, Settings, load_settings
from vpstui.format import safe_text

from .backups import create_backup, delete_backup, list_backups
from .exits import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
)
from .parser import build_command_parser
from .restore import restore_server
from .session import Runtime, Session, warn

__all__ = ["connect", "run_command"]

Command = Callable[[Session, argparse.Namespace], Awaitable[int]]

COMMANDS: dict[tuple[str, str | None], Command] = {
    ("backups", "list"): list_backups,
    ("backups", "create"): create_backup,
    ("backups", "delete"): delete_backup,
    ("restore", None): restore_server,
}
#: The commands that change something: refused under a read-only setting.
DESTRUCTIVE = {("backups", "create"), ("backups", "delete"), ("restore", None)}


def connect(settings: Settings, timeout: float | None) -> VpsClient:
    """The client the TUI would use: the in-process demo (without simulated latency: a
    script wants answers), or the configured API."""
    from vpstui.cli import build_client

    client = build_client(settings, timeout, demo_latency=0.0)
    if client is None:  # pragma: no cover - run_command checks first
        raise ConfigError("no API token")
    return client


def _write_refusal(settings: Settings) -> str | None:
    """Why create, delete and restore are off (`--read-only`, a read-only profile), or None."""
    return settings.refuse_writes()


def _fail(message: str, code: int) -> int:
    print(f"vpstui: {message}", file=sys.stderr, flush=True)
    return code


def run_command(
    argv: Sequence[str], secrets: list[str] | None = None, runtime: Runtime | None = None
) -> int:
    """Run `vpstui backups …` or `vpstui restore …` and return the exit status.

    Tokens found are appended to `secrets` (so a crash report can remove them).
    """
    secrets = [] if secrets is None else secrets
    runtime = runtime or Runtime()
    try:
        args = build_command_parser().parse_args(list(argv))
    except SystemExit as stop:  # --help, or a usage error argparse already explained
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    key = (args.command, getattr(args, "action", None))
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
            demo=getattr(args, "demo", False),
            **profile,
        )
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    if settings.token is not None:
        secrets.append(settings.token.reveal())
    for warning in settings.warnings:
        warn(warning)
    if not settings.demo and settings.token is None:
        from vpstui.cli import missing_token_message

        print(missing_token_message(), file=sys.stderr, end="")
        return EXIT_USAGE
    refusal = _write_refusal(settings) if key in DESTRUCTIVE else None
    if refusal is not None:
        return _fail(f"{refusal} Nothing was sent.", EXIT_USAGE)
    try:
        api = (runtime.connect or connect)(settings, getattr(args, "timeout", None))
    except (InsecureUrlError, ConfigError) as error:
        return _fail(str(error), EXIT_USAGE)
    audit_path = runtime.audit_path
    if audit_path is None and not settings.demo:
        audit_path = default_audit_path()
    audit = AuditLog(audit_path, host=api.host, secrets=secrets) if audit_path else None
    session = Session(api, runtime, audit, poll_interval=settings.poll_interval)
    try:
        return asyncio.run(_run(COMMANDS[key], session, args, settings.token_source))
    except KeyboardInterrupt:
        return _fail("interrupted.", EXIT_INTERRUPTED)
    except BrokenPipeError:  # `vpstui backups list | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


async def _run(
    command: Command, session: Session, args: argparse.Namespace, token_source: str | None
) -> int:
    try:
        async with session.api:
            return await command(session, args)
    except CommandError as error:
        return _fail(error.message, error.code)
    except AuthenticationError as error:
        if error.status != 401 or not token_source:
            return _fail(safe_text(error), EXIT_FAILED)
        return _fail(f"{safe_text(error)} Check the token from {token_source}.", EXIT_FAILED)
    except NotFoundError as error:
        return _fail(safe_text(error), EXIT_NOT_FOUND)
    except ApiError as error:
        return _fail(safe_text(error), EXIT_FAILED)
