"""What a scripting command runs with: the client, the audit log, the terminal and time.

`Runtime` is what a test replaces (the client, the clock, `sleep`, the audit log's path,
the terminal); `Session` is one command's use of it: finding servers and backups,
asking for the typed confirmation, and handing destructive requests to the operations
core (`vpstui.operations`), exactly as the TUI does. No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpstui.api import Backup, Server, VpsClient
from vpstui.audit import AuditLog
from vpstui.clock import Clock, SystemClock
from vpstui.config import Settings
from vpstui.connection import said
from vpstui.format import safe_text
from vpstui.i18n import N_, _
from vpstui.operations import Mutations, OperationLedger, Sent
from vpstui.server_lookup import AmbiguousServer, NoSuchServer, account_servers, find_server

from .exits import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_UNKNOWN, EXIT_USAGE, CommandError

__all__ = ["Runtime", "Session", "ask_on_terminal", "stdin_is_terminal"]

Connect = Callable[[Settings, "float | None"], VpsClient]


def stdin_is_terminal() -> bool:
    """True when someone can type an answer (stdin is a terminal)."""
    stdin = sys.stdin
    return stdin is not None and stdin.isatty()


def discard_typed_ahead() -> None:
    """Throw away what was typed at the terminal before a question was asked: an answer
    must answer what it saw. (Seen in tmux: a server name typed while a slow API was being
    read confirmed the restore as soon as the question came, before its warnings showed.)"""
    if not stdin_is_terminal():
        return  # a pipe or file: its lines are the answers, in order
    try:
        import termios
    except ImportError:  # not POSIX: nothing to flush with
        return
    with contextlib.suppress(termios.error, OSError, ValueError):
        termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)


def ask_on_terminal(prompt: str) -> str:
    """Print `prompt` on stderr and read one line typed after it. Ctrl-C interrupts at once.

    (While a command runs, asyncio turns the first Ctrl-C into a cancellation that a
    blocking `input()` would never see; the plain handler is put back for the question.)
    """
    discard_typed_ahead()
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
    the in-process demo for `--demo`); `audit_path` and `ops_path` None mean the default
    audit log and operations ledger for a real account and none for the demo, as in the TUI.
    """

    connect: Connect | None = None
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    audit_path: Path | None = None
    ops_path: Path | None = None
    is_terminal: Callable[[], bool] = stdin_is_terminal
    ask: Callable[[str], str] = ask_on_terminal


def say(text: str) -> None:
    """A result line, on stdout."""
    print(text, flush=True)


def note(text: str) -> None:
    """Progress and explanations, on stderr (stdout stays clean for scripts)."""
    print(text, file=sys.stderr, flush=True)


def warn(text: str) -> None:
    print(_("vpstui: warning: {text}").format(text=text), file=sys.stderr, flush=True)


@dataclass
class Session:
    """One command's connection to the API and to the person (or script) running it."""

    api: VpsClient
    runtime: Runtime
    audit: AuditLog | None = None
    poll_interval: float = 5.0
    #: Hours after which a server's newest completed backup is overdue (`vpstui check`).
    stale_after_hours: float = 36.0
    idle_refresh: float = 60.0
    #: The profile in use, for events (`vpstui watch`); never the token.
    profile: str | None = None
    #: argv run with each event on stdin (`notify_command` in the config).
    notify_command: tuple[str, ...] | None = None
    #: Where the token came from, in the user's words (never the token), for a 401.
    token_source: str | None = None
    ledger: OperationLedger | None = None
    _core: Mutations | None = None

    # -- finding things --------------------------------------------------------------------

    async def servers(self) -> list[Server]:
        """The account's servers; from the backups list if the token may not list servers."""
        return (await account_servers(self.api)).servers

    async def resolve_server(self, wanted: str) -> Server:
        """The server whose id or exact name is `wanted` (an id wins over a name)."""
        try:
            return find_server(await self.servers(), wanted)
        except AmbiguousServer as error:
            raise CommandError(
                _("{error} Give the id instead.").format(error=error), EXIT_USAGE
            ) from None
        except NoSuchServer as error:
            raise CommandError(str(error), EXIT_NOT_FOUND) from None

    async def find_backup(self, backup_id: int, server: Server | None = None) -> Backup:
        """Backup `backup_id` as listed now (of `server`, when given)."""
        listing = await self.api.list_backups(server_id=server.id if server else None)
        for backup in listing:
            if backup.id == backup_id:
                return backup
        if server is None:
            raise CommandError(_("There is no backup #{id}.").format(id=backup_id), EXIT_NOT_FOUND)
        raise CommandError(
            _("There is no backup #{id} of {name} (id {server_id}).").format(
                id=backup_id, name=safe_text(server.name, 60), server_id=server.id
            ),
            EXIT_NOT_FOUND,
        )

    # -- asking ----------------------------------------------------------------------------

    def require_consent(self, yes: bool, what: str) -> None:
        """Refuse before anything is read or sent when nobody can confirm and no --yes."""
        if yes or self.runtime.is_terminal():
            return
        raise CommandError(
            _(
                "Refusing to {what} without confirmation: stdin is not a terminal. "
                "Pass --yes to do it without asking."
            ).format(what=what),
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
                _("Confirmation did not match; did not {what}. Nothing was sent.").format(
                    what=what
                ),
                EXIT_USAGE,
            )

    # -- sending ---------------------------------------------------------------------------

    @property
    def core(self) -> Mutations:
        """The operations core: sends once, audits, keeps the ledger, re-checks."""
        if self._core is None:
            self._core = Mutations(
                self.api,
                clock=self.runtime.clock,
                audit=self.audit,
                ledger=self.ledger,
                warn=warn,
            )
        return self._core

    def settled(self, sent: Sent[Any]) -> None:
        """After a lost answer, say what re-reading showed; unless it showed the request took
        effect, end the command (1 if it did not, 5 if nobody can tell)."""
        if sent.lost is None:
            return
        note(said(safe_text(sent.lost)))
        note(_("The answer was lost; re-read the API to see what happened."))
        if sent.check is None:
            raise CommandError(
                _(
                    "The outcome is unknown: re-reading failed too ({error}). "
                    "Check before trying again."
                ).format(error=safe_text(sent.check_error)),
                EXIT_UNKNOWN,
            )
        if sent.check.done is None:
            raise CommandError(
                _("The outcome is unknown. {said}").format(said=sent.check.text), EXIT_UNKNOWN
            )
        if not sent.check.done:
            raise CommandError(sent.check.text, EXIT_FAILED)
        note(sent.check.text)

    async def check_unsettled(self) -> None:
        """Operations an earlier vpstui left unsettled (cut off after sending): re-check them
        and say what the API shows (the TUI does the same at start)."""
        for sent in await self.core.check_unsettled():
            op = sent.operation
            said = (
                sent.check.text
                if sent.check
                else _("could not re-check: {error}").format(error=sent.check_error)
            )
            note(
                _(
                    "vpstui: an earlier {kind} on {name} from {started} was left unsettled. {said}"
                ).format(
                    kind=_(KIND_WORDS.get(op.kind, op.kind)),
                    name=safe_text(op.server_name, 40),
                    started=op.started_at,
                    said=safe_text(said, 300),
                )
            )


#: An operation's kind, as "an earlier … was left unsettled" names it.
KIND_WORDS = {"create": N_("create"), "delete": N_("delete"), "restore": N_("restore")}
