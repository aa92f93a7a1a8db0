"""The audit log: one JSON line per event, 0600, never the token; `vpstui --audit-log`."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vpstui.audit import AuditLog, default_audit_path, read_entries, write_private

TOKEN = "audit-token-5f4dcc3b5aa765d6"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_entries_have_every_field_and_the_file_is_private(tmp_path: Path) -> None:
    """Each event is a JSON line with time, host, action, server, backup, outcome and message;
    the file is created 0600 in a 0700 directory."""
    path = tmp_path / "state" / "audit.jsonl"
    log = AuditLog(path, host="admin.vps.org", secrets=[TOKEN])
    when = datetime(2025, 1, 16, 15, 45, 2, tzinfo=UTC)
    assert log.record(
        "delete", "attempted", server_id=12345, server="web-01", backup_id=499, when=when
    )
    assert log.record("delete", "succeeded", server_id=12345, backup_id=499, message="deleted")
    first, second = read_entries(path)
    assert first == {
        "time": "2025-01-16T15:45:02Z",
        "host": "admin.vps.org",
        "action": "delete",
        "server_id": 12345,
        "server": "web-01",
        "backup_id": 499,
        "outcome": "attempted",
        "message": None,
    }
    assert second["outcome"] == "succeeded"
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_token_in_a_message_is_redacted(tmp_path: Path) -> None:
    """An API that echoes the token cannot get it into the audit log."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, host="h", secrets=[TOKEN])
    log.record("create", "failed", server_id=1, message=f"bad header Bearer {TOKEN}")
    assert TOKEN not in path.read_text()
    assert "***" in read_entries(path)[0]["message"]


def test_hostile_strings_stay_one_json_line(tmp_path: Path) -> None:
    """Newlines and escapes in API strings cannot forge extra entries."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, host="h")
    log.record("create", "failed", server_id=1, server='x"}\n{"forged": 1', message="\x1b[2J")
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["server"] == 'x"}\n{"forged": 1'


def test_existing_readable_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    write_private(path, "{}\n", append=True)
    assert mode(path) == 0o600


def test_unwritable_log_is_reported_not_raised(tmp_path: Path) -> None:
    """A full disk or a read-only home must not stop the user from acting."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    log = AuditLog(blocker / "audit.jsonl", host="h")
    assert not log.record("restore", "attempted", server_id=1)
    assert log.error is not None and "Could not write the audit log" in log.error


def test_state_dir_override(tmp_path: Path) -> None:
    assert default_audit_path({"VPSTUI_STATE_DIR": str(tmp_path)}) == tmp_path / "audit.jsonl"
    assert default_audit_path({}).name == "audit.jsonl"


@pytest.mark.parametrize("flag", ["--audit-log"])
def test_cli_prints_the_audit_log_path(flag: str, tmp_path: Path) -> None:
    """`vpstui --audit-log` prints the path and exits 0 (no token needed)."""
    env = {"VPSTUI_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "vpstui", flag], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "audit.jsonl")
