"""Operations started from vpstui that outlive a session, and the incident summary.

A dropped SSH connection must not lose track of a restore: creates and restores started
from the app are written to `operations.json` in the state directory (0600) and followed
again when vpstui next starts against the same API host. Writing never raises (a full
disk must not stop anyone during an incident); `error` says what went wrong. No Textual.
"""

from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime
from pathlib import Path
from typing import Literal

import msgspec

from vpstui.audit import write_private
from vpstui.format import absolute_time, safe_text

__all__ = ["Incident", "Operation", "OperationLedger", "who_am_i"]

OPS_FILE = "operations.json"
Kind = Literal["create", "restore"]


class Operation(msgspec.Struct, frozen=True):
    """A create (followed until its backup completes) or a restore (until the server is back)."""

    kind: Kind
    host: str
    server_id: int
    server_name: str
    backup_id: int | None
    started_at: str  # ISO 8601, UTC


class OperationLedger(msgspec.Struct):
    """The operations still being followed, kept on disk for the next session."""

    path: Path
    host: str
    operations: list[Operation] = msgspec.field(default_factory=list)
    error: str | None = None

    @classmethod
    def load(cls, path: Path, host: str) -> OperationLedger:
        """Read the file (a missing or unreadable one is an empty ledger, with `error` set
        when it exists but cannot be read)."""
        ledger = cls(path, host)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return ledger
        except (OSError, ValueError) as exc:
            ledger.error = f"Could not read {path}: {exc}"
            return ledger
        for item in raw if isinstance(raw, list) else []:
            try:
                ledger.operations.append(Operation(**item))
            except TypeError:
                continue  # an entry from another version: skip it
        return ledger

    def pending(self) -> list[Operation]:
        """Operations of this API host."""
        return [op for op in self.operations if op.host == self.host]

    def add(self, operation: Operation) -> None:
        self.operations.append(operation)
        self._save()

    def finish(self, kind: Kind, *, server_id: int, backup_id: int | None = None) -> bool:
        """Forget operations of `kind` on this server (and backup, for creates)."""
        keep = [
            op
            for op in self.operations
            if not (
                op.host == self.host
                and op.kind == kind
                and op.server_id == server_id
                and (backup_id is None or op.backup_id == backup_id)
            )
        ]
        if len(keep) == len(self.operations):
            return False
        self.operations = keep
        self._save()
        return True

    def _save(self) -> None:
        data = json.dumps([msgspec.structs.asdict(op) for op in self.operations], indent=1)
        try:
            write_private(self.path, data + "\n")
        except OSError as exc:
            self.error = f"Could not write {self.path}: {exc.strerror or exc}"
        else:
            self.error = None


def who_am_i() -> str:
    """ "user@host" of whoever runs vpstui, for the incident summary."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


class Incident(msgspec.Struct, frozen=True):
    """What the on-call engineer pastes into the incident channel after a restore."""

    server_id: int
    server_name: str
    backup_id: int
    backup_created_at: datetime | None
    started_at: datetime
    finished_at: datetime | None
    final_status: str | None
    operator: str
    safety_backup_id: int | None = None
    #: Why no safety backup was taken ("unticked", "quota full"); None: not known.
    no_safety: str | None = None

    def summary(self) -> str:
        lines = [
            f"Restore of {safe_text(self.server_name, 80)} (server id {self.server_id})",
            f"  from backup #{self.backup_id}, created {absolute_time(self.backup_created_at)}",
        ]
        if self.safety_backup_id is not None:
            lines.append(f"  safety backup taken first: #{self.safety_backup_id}")
        elif self.no_safety is not None:
            lines.append(f"  safety backup: none ({safe_text(self.no_safety, 40)})")
        lines.append(f"  started  {absolute_time(self.started_at)}")
        if self.finished_at is not None:
            status = safe_text(self.final_status or "unknown", 30)
            lines.append(f"  finished {absolute_time(self.finished_at)} (server {status})")
        else:
            lines.append("  finished: not yet")
        lines.append(f"  run by {safe_text(self.operator, 80)} with vpstui")
        return "\n".join(lines)
