"""What a scripting command runs with: the client, the audit log, the terminal and time.

`Runtime` is what a test replaces (the client, the clock, `sleep`, the audit log's path,
the terminal); `Session` is one command's use of it: finding servers and backups,
asking for the typed confirmation, and sending a destructive request exactly once
with the audit log kept as the TUI keeps it. No Textual here.
"""

from __future__ import annotations

import asyncio
import difflib
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from vpstui.api import ApiError, AuthenticationError, Backup, NotFoundError, Server, VpsClient
from vpstui.audit import Action, AuditLog, Outcome
from vpstui.clock import Clock, SystemClock
from vpstui.config import Settings
from vpstui.format import safe_text
from vpstui.summary import servers_from_backups

from .exits import EXIT_NOT_FOUND, EXIT_UNKNOWN, EXIT_USAGE, CommandError

__all__ = ["AuditTarget", "Runtime", "Session", "ask_on_terminal", "stdin_is_terminal"]

T = TypeVar("T")

Connect = Callable[[Settings, "float | None"], VpsClient]


def stdin_is_terminal() -> bool:
    """True when someone can type an answer (stdin is a terminal)."""
    stdin = sys.stdin
    return stdin is not None and stdin.isatty()


def ask_on_terminal(prompt: str) -> str:
    """Print `prompt` on stderr and read one line. Ctrl-C interrupts at once.

    (While a command runs, asyncio turns the first Ctrl-C into a cancellation that a
    blocking `input()` would never see; the plain handler is put back for the question.)
    """
    print(prompt, end="", file=sys.stderr, flush=True)
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread
        return input()
    try:
        return input()
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class Runtime:
    """Where a command's outside world comes from; every part can be replaced in tests.

    `connect` builds the client from the settings and `--timeout` (None: the real API, or
    the in-process demo for `--demo`); `audit_path` None means the default audit log for a
    real account and none for the demo, as in the TUI.
    """

    connect: Connect | None = None
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    audit_path: Path | None = None
    is_terminal: Callable[[], bool] = stdin_is_terminal
    ask: Callable[[str], str] = ask_on_terminal


@dataclass(frozen=True)
class AuditTarget:
    """What a destructive request is about, as the audit log records it."""

    server_id: int | None
    server: str | None
    backup_id: int | None = None


def say(text: str) -> None:
    """A result line, on stdout."""
    print(text, flush=True)


def note(text: str) -> None:
    """Progress and explanations, on stderr (stdout stays clean for scripts)."""
    print(text, file=sys.stderr, flush=True)


def warn(text: str) -> None:
    print(f"vpstui: warning: {text}", file=sys.stderr, flush=True)


@dataclass
class Session:
    """One command's connection to the API and to the person (or script) running it."""

    api: VpsClient
    runtime: Runtime
    audit: AuditLog | None = None
    poll_interval: float = 5.0
    _audit_warned: bool = False

    # -- finding things --------------------------------------------------------------------

    async def servers(self) -> list[Server]:
        """The account's servers; from the backups list if the token may not list servers."""
        try:
            return list(await self.api.list_servers())
        except (AuthenticationError, NotFoundError) as error:
            if error.status not in (403, 404):
                raise
        return servers_from_backups(await self.api.list_backups())

    async def resolve_server(self, wanted: str) -> Server:
        """The server whose id or exact name is `wanted` (an id wins over a name)."""
        wanted = wanted.strip()
        servers = await self.servers()
        if wanted.isascii() and wanted.isdigit():
            by_id = [s for s in servers if s.id == int(wanted)]
            if by_id:
                return by_id[0]
        named = [s for s in servers if s.name == wanted]
        if len(named) == 1:
            return named[0]
        shown = safe_text(wanted, 60)
        if len(named) > 1:
            ids = ", ".join(str(s.id) for s in named)
            raise CommandError(
                f"{len(named)} servers are named {shown!r} (ids {ids}); give the id instead.",
                EXIT_USAGE,
            )
        close = difflib.get_close_matches(wanted, [s.name for s in servers], n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(repr(safe_text(n, 60)) for n in close)}?" if close else ""
        raise CommandError(f"No server has the id or name {shown!r}.{hint}", EXIT_NOT_FOUND)

    async def find_backup(self, backup_id: int, server: Server | None = None) -> Backup:
        """Backup `backup_id` as listed now (of `server`, when given)."""
        listing = await self.api.list_backups(server_id=server.id if server else None)
        for backup in listing:
            if backup.id == backup_id:
                return backup
        where = f" of {safe_text(server.name, 60)} (id {server.id})" if server else ""
        raise CommandError(f"There is no backup #{backup_id}{where}.", EXIT_NOT_FOUND)

    # -- asking ----------------------------------------------------------------------------

    def require_consent(self, yes: bool, what: str) -> None:
        """Refuse before anything is read or sent when nobody can confirm and no --yes."""
        if yes or self.runtime.is_terminal():
            return
        raise CommandError(
            f"Refusing to {what} without confirmation: stdin is not a terminal. "
            "Pass --yes to do it without asking.",
            EXIT_USAGE,
        )

    def confirm(self, yes: bool, prompt: str, expected: str, what: str) -> None:
        """Unless `yes`, ask to type `expected`; anything else aborts with nothing sent."""
        if yes:
            return
        try:
            typed = self.runtime.ask(prompt)
        except EOFError:
            typed = ""
        answer = typed.strip()
        if expected.strip().isdigit():  # an ID: "#2522", as every message writes it, too
            answer = answer.removeprefix("#")
        if answer != expected.strip():
            raise CommandError(
                f"Confirmation did not match; did not {what}. Nothing was sent.", EXIT_USAGE
            )

    # -- sending ---------------------------------------------------------------------------

    def record(
        self,
        action: Action,
        outcome: Outcome,
        target: AuditTarget,
        message: str | None = None,
        backup_id: int | None = None,
    ) -> None:
        """Append to the audit log, if there is one; say once if it cannot be written."""
        if self.audit is None:
            return
        written = self.audit.record(
            action,
            outcome,
            server_id=target.server_id,
            server=target.server,
            backup_id=backup_id if backup_id is not None else target.backup_id,
            message=message,
        )
        if not written and not self._audit_warned:
            self._audit_warned = True
            warn(self.audit.error or "could not write the audit log")

    async def send_once(
        self, action: Action, target: AuditTarget, request: Callable[[], Awaitable[T]]
    ) -> T:
        """Send a destructive request (the client never retries it), logged before and after.

        Success is for the caller to record (it knows what to say). A failure is recorded
        as the TUI records it and re-raised.
        """
        self.record(action, "attempted", target)
        try:
            return await request()
        except NotFoundError as error:
            self.record(action, "gone" if action == "delete" else "failed", target, str(error))
            raise
        except ApiError as error:
            outcome: Outcome = "unknown" if error.outcome_unknown else "failed"
            self.record(action, outcome, target, str(error))
            raise
        except asyncio.CancelledError:
            self.record(action, "unknown", target, "Interrupted while waiting for the answer.")
            raise

    async def recheck(
        self,
        action: Action,
        target: AuditTarget,
        error: ApiError,
        check: Callable[[], Awaitable[tuple[bool, str]]],
    ) -> str:
        """After a lost answer, re-read the API: return what it shows if the request took
        effect; raise `CommandError` (1 if it did not, 5 if re-reading failed too)."""
        note(f"vpstui: {safe_text(error)}")
        note("The answer was lost; re-reading to see what happened…")
        try:
            done, text = await check()
        except ApiError as again:
            raise CommandError(
                f"The outcome is unknown: re-reading failed too ({safe_text(again)}). "
                "Check before trying again.",
                EXIT_UNKNOWN,
            ) from again
        self.record(action, "verified_done" if done else "verified_not_done", target, text)
        if not done:
            raise CommandError(text)
        return text
