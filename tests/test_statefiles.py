"""State files (issue 11): the state directory is private, files in it are never reached
through a symlink, and audit lines carry no raw control or bidi characters."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vpstui.audit import AuditLog, read_entries, write_private
from vpstui.crash import write_report
from vpstui.statefiles import UnsafeStateError, ensure_state_dir, open_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_missing_state_dir_is_created_private(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "vpstui"
    old = os.umask(0o022)
    try:
        assert ensure_state_dir(target) == target
    finally:
        os.umask(old)
    assert target.is_dir() and mode(target) == 0o700


@pytest.mark.parametrize("bits", [0o770, 0o707, 0o777, 0o1777])
def test_a_group_or_world_writable_state_dir_is_refused(tmp_path: Path, bits: int) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(bits)
    with pytest.raises(UnsafeStateError, match=r"writable by other users.*chmod 700"):
        ensure_state_dir(state)
    log = AuditLog(state / "audit.jsonl", host="h")
    assert not log.record("delete", "attempted", server_id=1)
    assert log.error is not None and "writable by other users" in log.error
    assert not (state / "audit.jsonl").exists()


def test_a_state_dir_owned_by_someone_else_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)  # as if another user ran vpstui
    with pytest.raises(UnsafeStateError, match="owned by another user"):
        ensure_state_dir(state)
    with pytest.raises(UnsafeStateError):
        write_private(state / "operations.json", "[]")


def test_a_state_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("")
    with pytest.raises(UnsafeStateError, match="not a directory"):
        ensure_state_dir(tmp_path / "state")


@pytest.mark.parametrize("name", ["audit.jsonl", "operations.json"])
def test_a_state_file_that_is_a_symlink_is_refused_not_followed(tmp_path: Path, name: str) -> None:
    """audit.jsonl / operations.json as a symlink to another file: the target is neither
    written nor chmod-ed."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    (state / name).symlink_to(victim)
    with pytest.raises(UnsafeStateError, match="symbolic link"):
        write_private(state / name, "{}\n", append=name.endswith(".jsonl"))
    log = AuditLog(state / name, host="h")
    assert not log.record("create", "attempted", server_id=1)
    assert log.error is not None and "symbolic link" in log.error
    assert victim.read_text() == "precious\n"
    assert mode(victim) == 0o644


def test_open_private_returns_a_0600_descriptor(tmp_path: Path) -> None:
    path = tmp_path / "state" / "operations.json.tmp"
    fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    try:
        os.write(fd, b"[]")
    finally:
        os.close(fd)
    assert path.read_bytes() == b"[]" and mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_a_crash_report_is_not_written_through_an_unsafe_dir(tmp_path: Path) -> None:
    crashes = tmp_path / "crashes"
    crashes.mkdir()
    crashes.chmod(0o777)
    assert write_report(RuntimeError("boom"), [], directory=crashes) is None
    assert list(crashes.iterdir()) == []


HOSTILE = "a\x1b]52;c;aGk=\x07b\x85c\u202ed\u2066e\x9bf\x00g\x7fh\u2028i"
BANNED = {chr(c) for c in range(0x20)} - {"\n"} | {chr(c) for c in range(0x7F, 0xA0)}
BANNED |= set("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e")
BANNED |= set("\u2066\u2067\u2068\u2069")


def test_audit_lines_escape_control_and_bidi_characters(tmp_path: Path) -> None:
    """C0/C1 controls and bidi overrides are written as JSON escapes: `cat audit.jsonl`
    cannot drive the terminal or reorder text, and reading it back gives the original."""
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path, host="h")
    assert log.record("create", "failed", server_id=1, server=HOSTILE, message=HOSTILE)
    raw = path.read_text("utf-8")
    assert not BANNED & set(raw), sorted(BANNED & set(raw))
    assert raw.endswith("\n") and raw.count("\n") == 1
    entry = read_entries(path)[0]
    assert entry["server"] == HOSTILE and entry["message"] == HOSTILE


@pytest.fixture
def unsafe_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "shared"
    state.mkdir()
    state.chmod(0o777)
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(state))
    monkeypatch.setenv("VPS_API_TOKEN", "tok-STATE-0123456789")
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("VPSTUI_CONFIG", str(tmp_path / "config.toml"))
    return state


def test_the_tui_refuses_to_start_on_an_unsafe_state_dir(
    unsafe_state: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vpstui import cli

    started: list[object] = []
    monkeypatch.setattr(cli, "run_app", lambda *a, **k: started.append(a) or 0)
    assert cli.main(["--api-url", "http://127.0.0.1:9"]) == 2
    assert started == []
    assert "writable by other users" in capsys.readouterr().err


def test_a_destructive_script_refuses_an_unsafe_state_dir_before_sending(
    unsafe_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vpstui.commands import run_command

    code = run_command(["--api-url", "http://127.0.0.1:9", "backups", "delete", "5", "--yes"])
    assert code == 2
    err = capsys.readouterr().err
    assert "writable by other users" in err and "nothing was sent" in err


def test_a_crash_report_holds_no_raw_control_or_bidi_characters(tmp_path: Path) -> None:
    """`cat crash-….txt` cannot drive the terminal: an exception message full of escape
    sequences is written with them escaped (the report is still one traceback per line)."""
    error = RuntimeError(f"api said {HOSTILE}")
    path = write_report(error, [], directory=tmp_path / "crashes")
    assert path is not None
    text = path.read_text("utf-8")
    assert "RuntimeError: api said a\\u001b]52;c;aGk=\\u0007b" in text
    assert not (BANNED - {"\t"}) & set(text), sorted((BANNED - {"\t"}) & set(text))


def test_reading_a_state_file_through_a_symlink_is_refused_too(tmp_path: Path) -> None:
    """For the ledger's reads: `open_private(path, os.O_RDONLY)` refuses a planted link."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    forged = tmp_path / "forged.json"
    forged.write_text("[]")
    (state / "operations.json").symlink_to(forged)
    with pytest.raises(UnsafeStateError, match="symbolic link"):
        open_private(state / "operations.json", os.O_RDONLY)
    (state / "real.json").write_text("[]")
    fd = open_private(state / "real.json", os.O_RDONLY)
    try:
        assert os.read(fd, 10) == b"[]"
    finally:
        os.close(fd)
