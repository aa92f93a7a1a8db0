"""The local record of destructive actions: every create, delete and restore the user
confirmed, as JSON lines, so that after an incident the user can say exactly what was done.

    {"time": "2025-01-16T15:45:02Z", "host": "admin.vps.org", "action": "delete",
     "server_id": 12345, "server": "web-server-01", "backup_id": 499,
     "outcome": "succeeded", "message": "Backup 499 deleted."}

`outcome` is one of `OUTCOMES`: a request is logged as "attempted" just before it is
sent, then once more with what came of it. The file lives in the platform's user state
directory (`~/.local/state/vpstui/audit.jsonl` on Linux) or `$VPSTUI_STATE_DIR`, is
created readable by its owner only (0600), and never holds the token: messages are
redacted again here, whatever the caller passed. No Textual here.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from vpstui.api.secret import redact

__all__ = [
    "ENV_STATE_DIR",
    "OUTCOMES",
    "AuditLog",
    "default_audit_path",
    "read_entries",
    "redact_text",
    "state_dir",
    "write_private",
]

ENV_STATE_DIR = "VPSTUI_STATE_DIR"
AUDIT_FILE = "audit.jsonl"

Action = Literal["create", "delete", "restore"]
Outcome = Literal[
    "attempted", "succeeded", "failed", "unknown", "gone", "verified_done", "verified_not_done"
]
#: What each outcome means, for the README and `--help`.
OUTCOMES: dict[str, str] = {
    "attempted": "the request is about to be sent",
    "succeeded": "the API accepted it",
    "failed": "the API refused it or could not be reached before sending; nothing changed",
    "unknown": "the answer was lost after sending: it may or may not have taken effect",
    "gone": "delete: the backup was already deleted (404)",
    "verified_done": "after an unknown outcome, re-reading showed it did take effect",
    "verified_not_done": "after an unknown outcome, re-reading showed it did not",
}


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`$VPSTUI_STATE_DIR`, or the platform's user state directory for vpstui."""
    env = os.environ if environ is None else environ
    override = env.get(ENV_STATE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_state_path

    return user_state_path("vpstui", appauthor=False)


def default_audit_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the audit log is written."""
    return state_dir(environ) / AUDIT_FILE


def redact_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, and any piece of one of 8 characters or more, replaced by
    `***` (see `vpstui.api.secret.redact`)."""
    return redact(text, secrets)


def write_private(path: Path, data: str, *, append: bool = False) -> None:
    """Write `data` to `path`, creating it (and its directory) readable by the owner only.

    An existing file that others can read is tightened to 0600 first.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        if os.fstat(fd).st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            os.fchmod(fd, 0o600)
        os.write(fd, data.encode("utf-8"))
    finally:
        os.close(fd)


@dataclass
class AuditLog:
    """Appends one JSON line per event to `path`. `secrets` are redacted from every value.

    Writing never raises: a failure is kept in `error` (the UI says so once) so that a
    full disk cannot stop the user from acting during an incident.
    """

    path: Path
    host: str
    secrets: list[str] = field(default_factory=list, repr=False)
    error: str | None = None

    def record(
        self,
        action: Action,
        outcome: Outcome,
        *,
        server_id: int | None,
        server: str | None = None,
        backup_id: int | None = None,
        message: str | None = None,
        when: datetime | None = None,
    ) -> bool:
        """Append one event; returns False (and sets `error`) if it could not be written."""
        moment = (when or datetime.now(UTC)).astimezone(UTC)
        entry: dict[str, Any] = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host": self.host,
            "action": action,
            "server_id": server_id,
            "server": server,
            "backup_id": backup_id,
            "outcome": outcome,
            "message": message,
        }
        line = json.dumps(entry, ensure_ascii=False)
        line = redact_text(line, self.secrets)
        try:
            write_private(self.path, line + "\n", append=True)
        except OSError as exc:
            self.error = f"Could not write the audit log {self.path}: {exc.strerror or exc}."
            return False
        return True


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every event in an audit log (for tests and for reading it back)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
