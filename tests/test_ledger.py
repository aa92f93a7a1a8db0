"""The operations ledger (`operations.json`) survives anything (issue 11, part 2): atomic
writes under a lock, tolerant reads, merges between processes."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path
from typing import Any

import msgspec

from vpstui.operations import Operation, OperationLedger

HOST = "admin.vps.org"


def operation(server_id: int, kind: str = "create", **extra: Any) -> Operation:
    return Operation(
        kind=kind,  # type: ignore[arg-type]
        host=HOST,
        server_id=server_id,
        server_name=f"server-{server_id}",
        backup_id=None,
        started_at="2025-01-16T16:00:00+00:00",
        **extra,
    )


def test_a_garbage_entry_is_skipped_reported_once_and_kept(tmp_path: Path) -> None:
    """`"started_at": "garbage"` no longer crashes every start: the entry is skipped,
    reported once, and left in the file for whatever wrote it."""
    path = tmp_path / "operations.json"
    good = msgspec.to_builtins(operation(1))
    bad = dict(good, started_at="garbage", id="bad")
    path.write_text(json.dumps([bad, good]))
    ledger = OperationLedger.load(path, HOST)
    assert [op.server_id for op in ledger.pending()] == [1]
    problems = ledger.take_problems()
    assert len(problems) == 1 and "entry 'bad'" in problems[0] and "garbage" in problems[0]
    assert ledger.take_problems() == []  # once
    ledger.add(operation(2))
    ledger.reload()
    assert ledger.take_problems() == []  # still once, though read again
    on_disk = json.loads(path.read_text())
    assert {entry["server_id"] for entry in on_disk} == {1, 2}
    assert any(entry["started_at"] == "garbage" for entry in on_disk)


def test_a_file_that_is_not_json_is_set_aside_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "operations.json"
    path.write_text('[{"kind": "create", ')  # a torn write from an older version
    ledger = OperationLedger.load(path, HOST)
    assert ledger.pending() == []
    assert "set aside" in ledger.take_problems()[0]
    assert [p.name.startswith("operations.json.bad-") for p in tmp_path.iterdir()].count(True) == 1
    ledger.add(operation(3))
    assert [e["server_id"] for e in json.loads(path.read_text())] == [3]


def test_two_ledgers_on_one_file_merge_instead_of_overwriting(tmp_path: Path) -> None:
    """Each change is read-modify-write under the lock: two processes' creates both stay."""
    path = tmp_path / "operations.json"
    first = OperationLedger.load(path, HOST)
    second = OperationLedger.load(path, HOST)
    a, b = operation(1), operation(2)
    first.add(a)
    second.add(b)  # `second` never saw `a`; it must not drop it
    assert {op.server_id for op in OperationLedger.load(path, HOST).pending()} == {1, 2}
    first.settle(a.id)
    assert [op.server_id for op in OperationLedger.load(path, HOST).pending()] == [2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _add_many(path: str, worker: int, count: int) -> None:
    ledger = OperationLedger.load(Path(path), HOST)
    for n in range(count):
        ledger.add(operation(worker * 1000 + n))
        if ledger.error:
            raise SystemExit(ledger.error)


def _read_many(path: str, seconds: float, results: Any) -> None:
    import time

    empty = invalid = reads = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            text = Path(path).read_text()
        except FileNotFoundError:
            continue
        reads += 1
        if not text.strip():
            empty += 1
            continue
        try:
            json.loads(text)
        except ValueError:
            invalid += 1
    results.put((reads, empty, invalid))


def test_racing_processes_lose_nothing_and_never_show_a_torn_file(tmp_path: Path) -> None:
    """Three processes add 40 entries each while a fourth reads the file in a loop: every
    entry is there at the end, and no read saw an empty or invalid file."""
    path = tmp_path / "operations.json"
    OperationLedger.load(path, HOST).add(operation(0))
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    reader = context.Process(target=_read_many, args=(str(path), 3.0, results))
    writers = [context.Process(target=_add_many, args=(str(path), w, 40)) for w in (1, 2, 3)]
    reader.start()
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    reader.join(60)
    reads, empty, invalid = results.get(timeout=10)
    assert reads > 0, "control: the reader did read the file"
    assert (empty, invalid) == (0, 0)
    ids = {op.server_id for op in OperationLedger.load(path, HOST).pending()}
    assert ids == {0} | {w * 1000 + n for w in (1, 2, 3) for n in range(40)}
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_writing_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    path = tmp_path / "operations.json"
    os.symlink(target, path)
    ledger = OperationLedger(path, HOST)
    ledger.add(operation(5))
    assert target.read_text() == "do not touch"
    assert not path.is_symlink()


def test_only_this_hosts_operations_are_pending(tmp_path: Path) -> None:
    path = tmp_path / "operations.json"
    elsewhere = OperationLedger.load(path, "other.example")
    elsewhere.add(msgspec.structs.replace(operation(9), host="other.example"))
    ledger = OperationLedger.load(path, HOST)
    ledger.add(operation(1, state="following"))
    assert [op.server_id for op in ledger.pending()] == [1]
    assert [op.server_id for op in ledger.pending("sending")] == []
