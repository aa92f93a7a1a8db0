"""`vpstui backups prune`: preview without a terminal, the typed count, oldest first, each
DELETE once and audited, a failure stopping the run with what was and was not deleted.

Reuses the scripting tests' fixtures (a seeded demo backend on a fake clock): F811."""
# ruff: noqa: F811

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from vpstui.audit import read_entries
from vpstui.commands.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from vpstui.commands.session import Runtime
from vpstui.demo import DemoBackend

from .test_scripting import (
    Intercept,
    audit_path,  # noqa: F401
    backend,  # noqa: F401
    clock,  # noqa: F401
    isolated,  # noqa: F401
    make_runtime,  # noqa: F401
    run,  # noqa: F401
    server_named,
    sleeper,  # noqa: F401
)


def manual_ids(backend: DemoBackend, name: str) -> list[int]:
    """The server's manual backups, oldest first."""
    server_id = server_named(backend, name)
    found = backend.state.list_backups(server_id, "manual")
    return [b.id for b in sorted(found, key=lambda b: (b.created_at, b.id))]


def deletes(backend: DemoBackend) -> list[str]:
    return [r.path for r in backend.requests if r.method == "DELETE"]


def test_without_a_terminal_it_only_previews(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    before = manual_ids(backend, "db-primary")
    assert len(before) == 10
    assert run("backups", "prune", "db-primary", "--keep", "7") == EXIT_OK
    err = capsys.readouterr().err
    assert "10; 3 would be deleted" in err and "Preview only: nothing was deleted" in err
    for backup_id in before[:3]:
        assert f"#{backup_id}" in err.split("Keep:")[0]
    assert deletes(backend) == [] and manual_ids(backend, "db-primary") == before


def test_yes_deletes_the_oldest_once_each_in_order_and_audits(
    run: Callable[..., int],
    backend: DemoBackend,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = manual_ids(backend, "db-primary")
    assert run("backups", "prune", "db-primary", "--keep", "7", "--yes", "--json") == EXIT_OK
    out, err = capsys.readouterr()
    assert deletes(backend) == [f"/api/v1/backups/{i}/" for i in before[:3]]
    assert manual_ids(backend, "db-primary") == before[3:]
    assert "[1/3] deleting" in err and "[3/3] deleting" in err
    body = json.loads(out[out.index("{") :])
    assert body["deleted"] == before[:3] and body["failed"] is None
    assert sorted(k["id"] for k in body["keep"]) == sorted(before[3:])
    assert {k["reason"] for k in body["keep"]} == {"one of the newest 7 completed"}
    entries = read_entries(audit_path)
    assert [(e["action"], e["outcome"], e["backup_id"]) for e in entries] == [
        (action, outcome, backup_id)
        for backup_id in before[:3]
        for action, outcome in (("delete", "attempted"), ("delete", "succeeded"))
    ]


def test_typed_count_confirms_and_a_wrong_one_sends_nothing(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts: list[str] = []

    def answer(text: str) -> Callable[[str], str]:
        def ask(prompt: str) -> str:
            prompts.append(prompt)
            return text

        return ask

    wrong = make_runtime(terminal=True, ask=answer("3 please"))
    assert run("backups", "prune", "db-primary", "--keep", "7", runtime=wrong) == EXIT_USAGE
    assert "Nothing was sent" in capsys.readouterr().err and deletes(backend) == []
    assert prompts == ["Type the number of backups to delete (3) to delete them: "]
    right = make_runtime(terminal=True, ask=answer(" 3 "))
    assert run("backups", "prune", "db-primary", "--keep", "7", runtime=right) == EXIT_OK
    assert len(deletes(backend)) == 3
    assert "Deleted 3 manual backups of db-primary" in capsys.readouterr().out


def test_a_failure_stops_the_run_and_says_what_was_and_was_not_deleted(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = manual_ids(backend, "db-primary")
    second = f"/api/v1/backups/{before[1]}/"

    def refuse_second(request: httpx.Request) -> httpx.Response | None:
        if request.method == "DELETE" and request.url.path == second:
            return httpx.Response(400, json={"detail": "Backup is locked."})
        return None

    runtime = make_runtime(Intercept(backend.transport(), refuse_second))
    code = run("backups", "prune", "db-primary", "--keep", "6", "--yes", runtime=runtime)
    assert code == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"Stopped at #{before[1]}" in err and "Backup is locked." in err
    assert f"Deleted: #{before[0]}." in err
    assert f"Not deleted: #{before[1]} (see above), #{before[2]}, #{before[3]}." in err
    assert deletes(backend) == [f"/api/v1/backups/{before[0]}/"]  # the refused one never arrived
    assert manual_ids(backend, "db-primary") == before[1:]


def test_nothing_to_prune_and_read_only(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("backups", "prune", "web-server-01", "--keep", "10") == EXIT_OK
    assert "Nothing to delete on web-server-01." in capsys.readouterr().out
    assert run("backups", "prune", "db-primary", "--keep", "1", "--yes", "--read-only") == 2
    assert "Read-only" in capsys.readouterr().err and deletes(backend) == []


def test_keep_must_be_a_count(run: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    assert run("backups", "prune", "db-primary", "--keep", "-1") == EXIT_USAGE
    assert "a number of backups" in capsys.readouterr().err
