"""The local record of destructive actions: every create, delete and restore the user
confirmed, as JSON lines, so that after an incident the user can say exactly what was done.

    {"time": "2025-01-16T15:45:02Z", "host": "admin.vps.org", "action": "delete",
     "server_id": 12345, "server": "web-server-01", "backup_id": 499,
     "outcome": "succeeded", "message": "Backup 499 deleted."}

`outcome` is one of `OUTCOMES`: a request is logged as "attempted" just before it is
sent, then once more with what came of it. The file lives in the platform's user state
directory (`~/.local/state/vpstui/audit.jsonl` on Linux) or `$VPSTUI_STATE_DIR`, is
created readable by its owner only (0600) in a private directory and never through a
symlink (`vpstui.statefiles`), holds control and bidi characters only as JSON escapes, and
never holds the token: every value is redacted again here, whatever the caller passed.
It is written in English whatever the language in use (`vpstui.i18n`): a message may be
given as a Lazy message or an `ApiError`, and is rendered in English here.
No Textual here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from vpstui import i18n
from vpstui.api.secret import redact
from vpstui.os_reasons import os_reason
from vpstui.statefiles import open_private

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

    Goes through `vpstui.statefiles.open_private`: the directory is checked (0700, ours),
    a symlink is refused rather than followed, and a file others can read is tightened to
    0600. Raises `OSError` (an `UnsafeStateError` for a refused path).
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = open_private(path, flags)
    try:
        os.write(fd, data.encode("utf-8"))
    finally:
        os.close(fd)


#: Characters a terminal or an editor would act on rather than show: C0/C1 controls, DEL,
#: and the bidi and zero-width formatting marks (Trojan Source). Audit lines carry them as
#: JSON escapes (\u202e), so `cat audit.jsonl` shows them inert and JSON readers get them back.
_UNSAFE_IN_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)


def _escape_unsafe(line: str) -> str:
    return _UNSAFE_IN_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


class AuditLog:
    """Appends one JSON line per event to `path`. `secrets` are redacted from every value.

    Writing never raises: a failure is kept in `error` (the UI says so once) so that a
    full disk cannot stop the user from acting during an incident. (A plain class: a
    dataclass costs a millisecond of start-up to build, issue 13.)
    """

    def __init__(self, path: Path, host: str, secrets: list[str] | None = None) -> None:
        self.path = path
        self.host = host
        self.secrets: list[str] = [] if secrets is None else secrets
        self.error: str | None = None

    def __repr__(self) -> str:  # never the secrets
        return f"AuditLog(path={self.path!r}, host={self.host!r}, error={self.error!r})"

    def record(
        self,
        action: Action,
        outcome: Outcome,
        *,
        server_id: int | None,
        server: str | None = None,
        backup_id: int | None = None,
        message: object = None,
        when: datetime | None = None,
    ) -> bool:
        """Append one event; returns False (and sets `error`) if it could not be written.

        `message` (text, a Lazy message or an exception such as `ApiError`) is written in
        English, whatever the language in use."""
        import json  # not at start: only a destructive action writes here

        moment = (when or datetime.now(UTC)).astimezone(UTC)
        entry: dict[str, Any] = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "host": self.host,
            "action": action,
            "server_id": server_id,
            "server": server,
            "backup_id": backup_id,
            "outcome": outcome,
            "message": None if message is None else _english(message),
        }
        for key, value in entry.items():
            if isinstance(value, str):
                entry[key] = redact_text(value, self.secrets)
        line = _escape_unsafe(json.dumps(entry, ensure_ascii=False))
        try:
            write_private(self.path, line + "\n", append=True)
        except OSError as exc:
            self.error = i18n._("Could not write the audit log {path}: {why}.").format(
                path=self.path, why=os_reason(exc)
            )
            return False
        return True


def _english(message: object) -> str:
    """`message` as English text: a Lazy message, or anything whose `str()` reads in the
    language in use (an `ApiError` carrying one)."""
    if i18n.current() == i18n.DEFAULT:
        return str(message)
    if isinstance(message, i18n.Lazy):
        return i18n.english(message)
    with i18n.speaking(i18n.DEFAULT):
        return str(message)


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Every event in an audit log (for tests and for reading it back)."""
    if not path.exists():
        return []
    import json

    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
