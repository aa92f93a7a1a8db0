"""`operations.json`: every create, delete and restore from the moment before it is sent
until it is settled, so that a dropped SSH session, a crash or a second vpstui loses nothing.

One entry per operation, keyed by a random `id`:

    state "sending"    written before the request leaves
          "unknown"    the answer was lost and re-reading could not tell (re-checked at start)
          "following"  the API accepted it; a create is followed until its backup is done,
                       a restore until the server shows an end (or the follow window lapses)
    (settled)          the entry is removed

The file is shared by every vpstui process on one state directory. Each change takes an
advisory lock (`fcntl.flock` on `operations.json.lock`), reads the file afresh, applies
only its own change (add, update or remove one entry by id) and writes the result
atomically (temporary file, fsync, rename), so concurrent processes merge instead of
overwriting each other and a reader never sees a half-written file. Reading is tolerant:
an entry that cannot be read is skipped, kept in the file as it is, and reported once
(`problems`); an unreadable file is set aside as `operations.json.bad-<time>`. Nothing
here raises on I/O: a full disk must not stop anyone during an incident (`error` says
what went wrong). No Textual.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import msgspec

from vpstui.i18n import _
from vpstui.os_reasons import os_reason

__all__ = ["OPS_FILE", "Kind", "Operation", "OperationLedger", "State"]

OPS_FILE = "operations.json"
Kind = Literal["create", "delete", "restore"]
State = Literal["sending", "unknown", "following"]
KINDS: frozenset[str] = frozenset({"create", "delete", "restore"})
STATES: frozenset[str] = frozenset({"sending", "unknown", "following"})


def _random_hex(size: int) -> str:
    """`size` random bytes as hex (`secrets` is imported when first needed: not at start)."""
    import secrets

    return secrets.token_hex(size)


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """One operation and the evidence a later re-check needs.

    `sent_at` is when the request left, by the API's clock when its `Date` header was
    known (`clock_known`), else by ours; `known_before` the ids of the server's manual
    backups read just before a create; `status_before` the server's status before a
    restore.
    """

    kind: Kind
    host: str
    server_id: int
    server_name: str
    backup_id: int | None
    started_at: str  # ISO 8601, UTC
    id: str = msgspec.field(default_factory=lambda: _random_hex(8))
    state: State = "sending"
    description: str | None = None
    known_before: list[int] | None = None
    status_before: str | None = None
    sent_at: str | None = None
    clock_known: bool = False

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)


def _parse(item: Any) -> Operation:
    """An entry from the file; raises ValueError (or TypeError) for anything unreadable."""
    operation = msgspec.convert(item, Operation)
    if operation.kind not in KINDS or operation.state not in STATES:
        raise ValueError(
            _("unknown kind or state {kind!r}/{state!r}").format(
                kind=operation.kind, state=operation.state
            )
        )
    for stamp in (operation.started_at, operation.sent_at):
        if stamp is not None and datetime.fromisoformat(stamp).tzinfo is None:
            raise ValueError(_("time without a time zone: {stamp!r}").format(stamp=stamp))
    return operation


class OperationLedger:
    """The operations of every vpstui on this state directory; `host` picks this API's."""

    def __init__(self, path: Path, host: str) -> None:
        self.path = path
        self.host = host
        self.operations: list[Operation] = []
        #: Why the last read or write failed (None: it worked).
        self.error: str | None = None
        #: Entries that could not be read, one line each; `take_problems` hands them out once.
        self.problems: list[str] = []
        self._reported: set[str] = set()

    @classmethod
    def load(cls, path: Path, host: str) -> OperationLedger:
        """Read the file (missing: empty). Never raises; see `error` and `problems`."""
        ledger = cls(path, host)
        ledger.reload()
        return ledger

    # -- reading -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the file afresh (under the lock)."""
        with self._locked():
            self._read()

    def pending(self, *states: State) -> list[Operation]:
        """This host's operations (in these states; all when none given)."""
        return [
            op
            for op in self.operations
            if op.host == self.host and (not states or op.state in states)
        ]

    def take_problems(self) -> list[str]:
        """Problems not yet reported (each entry is reported once per process)."""
        fresh = [p for p in self.problems if p not in self._reported]
        self._reported.update(fresh)
        return fresh

    # -- changing ----------------------------------------------------------------------------

    def add(self, operation: Operation) -> None:
        """Write `operation` (before its request leaves)."""
        self._change(lambda ops: [*ops, operation])

    def update(self, operation: Operation) -> None:
        """Replace the entry with `operation`'s id (added if another process removed it)."""
        self._change(lambda ops: [*(op for op in ops if op.id != operation.id), operation])

    def settle(self, operation_id: str) -> None:
        """Remove the entry `operation_id`: nothing about it is left to follow or check."""
        self._change(lambda ops: [op for op in ops if op.id != operation_id])

    def finish(self, kind: Kind, *, server_id: int, backup_id: int | None = None) -> bool:
        """Remove this host's followed `kind` operations on a server (and backup, if given)."""
        found = [
            op
            for op in self.pending("following")
            if op.kind == kind
            and op.server_id == server_id
            and (backup_id is None or op.backup_id == backup_id)
        ]
        gone = {op.id for op in found}
        if gone:
            self._change(lambda ops: [op for op in ops if op.id not in gone])
        return bool(gone)

    # -- the file ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the advisory lock on the side file (no lock if it cannot be made)."""
        fd = -1
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = self.path.with_name(self.path.name + ".lock")
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            self.error = _("Could not lock {path}: {why}").format(
                path=self.path, why=os_reason(exc)
            )
        try:
            yield
        finally:
            if fd >= 0:
                os.close(fd)  # closing releases the lock

    def _read(self) -> list[Any]:
        """Load the file into `operations`; returns its raw items (kept as they are)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            self.operations = []
            return []
        except OSError as exc:
            self.error = _("Could not read {path}: {why}").format(
                path=self.path, why=os_reason(exc)
            )
            return []
        with os.fdopen(fd, "rb") as file:
            data = file.read()
        import json  # only when there is a file: most starts have none

        try:
            raw = json.loads(data) if data.strip() else []
            if not isinstance(raw, list):
                raise ValueError(_("not a list"))
        except (ValueError, UnicodeDecodeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.bad-{int(time.time())}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            self._problem(
                _("{path} could not be read ({why}); set aside as {aside}.").format(
                    path=self.path, why=exc, aside=aside
                )
            )
            self.operations = []
            return []
        operations: list[Operation] = []
        for item in raw:
            try:
                operations.append(_parse(item))
            except (ValueError, TypeError, msgspec.ValidationError) as exc:
                which = item.get("id") if isinstance(item, dict) else None
                if isinstance(which, str):
                    said = _("Skipped entry {which} of {path} that cannot be read: {why}")
                else:
                    said = _("Skipped an entry of {path} that cannot be read: {why}")
                self._problem(said.format(which=repr(which), path=self.path, why=exc))
        self.operations = operations
        return raw

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def _change(self, change: Callable[[list[Operation]], list[Operation]]) -> None:
        """Under the lock: read afresh, apply `change`, write atomically."""
        with self._locked():
            raw = self._read()
            unreadable = []
            for item in raw:
                try:
                    _parse(item)
                except (ValueError, TypeError, msgspec.ValidationError):
                    unreadable.append(item)  # another version's entry: keep it as it is
            self.operations = change(self.operations)
            data = [msgspec.to_builtins(op) for op in self.operations] + unreadable
            import json

            self._write(json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def _write(self, text: str) -> None:
        directory = self.path.parent
        temp = directory / f".{self.path.name}.{os.getpid()}.{_random_hex(4)}.tmp"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(text.encode("utf-8"))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.path)
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            self.error = _("Could not write {path}: {why}").format(
                path=self.path, why=os_reason(exc)
            )
        else:
            self.error = None
