"""Scripting subcommands (`vpstui backups …`, `vpstui restore …`): output, confirmation,
exactly-once sending, the audit log, --wait on a fake clock, and exit codes.

Most tests run the command in-process against a seeded `DemoBackend` on a `FakeClock`
through `Runtime` (the test's `sleep` moves the clock: nothing sleeps) and count the
requests the backend saw. A few go through `cli.main` with `--demo`, and one runs
`python -m vpstui` in a real subprocess.
"""

from __future__ import annotations

import builtins
import csv
import io
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from vpstui import cli
from vpstui.api import RetryPolicy, VpsClient
from vpstui.audit import read_entries
from vpstui.clock import FakeClock
from vpstui.commands import command_index, run_command
from vpstui.commands.exits import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_NOT_REPORTED,
    EXIT_OK,
    EXIT_TIMED_OUT,
    EXIT_UNKNOWN,
    EXIT_USAGE,
)
from vpstui.commands.output import JSON_FIELDS
from vpstui.commands.session import Runtime
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState

REPO = Path(__file__).resolve().parents[1]
TOKEN = "script-test-token-0123456789"
ISO_Z = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


class FakeSleep:
    """`sleep` for the runtime: records each delay and moves the shared clock instead."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.clock.advance(seconds)


class Intercept(httpx.AsyncBaseTransport):
    """Passes requests to the backend, except those `answer` handles (it returns a response,
    raises, or returns None to pass on). `after_forward` runs once the backend answered."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        answer: Callable[[httpx.Request], httpx.Response | None] | None = None,
        lose_answer_to: str | None = None,
    ) -> None:
        self.inner = inner
        self.answer = answer
        self.lose_answer_to = lose_answer_to

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.answer is not None:
            canned = self.answer(request)
            if canned is not None:
                return canned
        response = await self.inner.handle_async_request(request)
        if request.method == self.lose_answer_to:
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user config, token or state directory leaks in or out."""
    for name in ("VPS_API_TOKEN", "VPS_API_URL", "VPSTUI_CONFIG", "VPSTUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(state=DemoState.seeded(clock))


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.jsonl"


@pytest.fixture
def sleeper(clock: FakeClock) -> FakeSleep:
    return FakeSleep(clock)


@pytest.fixture
def make_runtime(
    backend: DemoBackend, clock: FakeClock, sleeper: FakeSleep, audit_path: Path
) -> Callable[..., Runtime]:
    """A `Runtime` on the backend (through `transport` when given); no terminal unless told."""

    def factory(
        transport: httpx.AsyncBaseTransport | None = None, terminal: bool = False, **extra: object
    ) -> Runtime:
        def connect(settings: Settings, timeout: float | None) -> VpsClient:
            return VpsClient(
                token=TOKEN,
                base_url=DEMO_BASE_URL,
                transport=transport or backend.transport(),
                retry=RetryPolicy(attempts=1),
            )

        options: dict[str, object] = {
            "connect": connect,
            "clock": clock,
            "sleep": sleeper,
            "audit_path": audit_path,
            "is_terminal": lambda: terminal,
        }
        options.update(extra)
        return Runtime(**options)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def run(make_runtime: Callable[..., Runtime]) -> Callable[..., int]:
    """Run a subcommand on the backend: `run("backups", "list", "--json")`."""

    def runner(*argv: str, runtime: Runtime | None = None) -> int:
        return run_command([*argv, "--demo"], runtime=runtime or make_runtime())

    return runner


def server_named(backend: DemoBackend, name: str) -> int:
    return next(s.id for s in backend.state.servers.values() if s.name == name)


def completed_backup(backend: DemoBackend, server_id: int, backup_type: str = "manual") -> int:
    return max(
        b.id for b in backend.state.list_backups(server_id, backup_type) if b.status == "completed"
    )


def sent(backend: DemoBackend) -> int:
    """How many requests that change something reached the backend."""
    return backend.count("POST") + backend.count("DELETE")


# --- list -------------------------------------------------------------------------------------


def test_list_table_through_main_is_aligned_newest_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`vpstui backups list --demo`: a header, aligned columns, human sizes, UTC times."""
    assert cli.main(["backups", "list", "--demo"]) == EXIT_OK
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID", "SERVER", "TYPE", "STATUS", "SIZE", "CREATED", "EXPIRES", "DESCRIPTION",
    ]  # fmt: skip
    created = lines[0].index("CREATED")
    stamps = [line[created : created + 20] for line in lines[1:]]
    assert all(s.endswith(" UTC") for s in stamps)
    assert stamps == sorted(stamps, reverse=True)
    assert "GiB" in out and err == ""


def test_list_json_shape_is_stable(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--json`: a list of objects with exactly the documented keys and types, newest first."""
    assert run("backups", "list", "--json") == EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert len(records) == len(backend.state.backups)
    for record in records:
        assert tuple(record) == JSON_FIELDS
        assert isinstance(record["id"], int) and isinstance(record["server_id"], int)
        assert isinstance(record["server_name"], str)
        assert record["backup_type"] in ("manual", "automatic")
        assert record["size_mb"] is None or isinstance(record["size_mb"], int | float)
        assert record["created_at"] is not None
        for key in ("created_at", "expires_at"):
            assert record[key] is None or re.match(ISO_Z, record[key])
        if record["backup_type"] == "manual":
            assert record["expires_at"] is None
    keys = [(r["created_at"], r["id"]) for r in records]
    assert keys == sorted(keys, reverse=True)


def test_list_csv_has_a_header_and_the_same_rows(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--csv`: the JSON keys as the header, then one row per backup, same order."""
    assert run("backups", "list", "--json") == EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert run("backups", "list", "--csv") == EXIT_OK
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == JSON_FIELDS
    assert [int(row[0]) for row in rows[1:]] == [r["id"] for r in records]


def test_list_by_server_name_or_id_and_type(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--server` takes an exact name or an id (same result); `--type` narrows it."""
    server_id = server_named(backend, "web-server-01")
    assert run("backups", "list", "--json", "--server", "web-server-01") == EXIT_OK
    by_name = json.loads(capsys.readouterr().out)
    assert run("backups", "list", "--json", "--server", str(server_id)) == EXIT_OK
    by_id = json.loads(capsys.readouterr().out)
    assert by_name == by_id and by_name
    assert {r["server_id"] for r in by_name} == {server_id}
    assert run("backups", "list", "--json", "--server", str(server_id), "--type", "manual") == 0
    manual = json.loads(capsys.readouterr().out)
    assert manual and {r["backup_type"] for r in manual} == {"manual"}
    assert len(manual) < len(by_id)


def test_unknown_server_is_exit_3_with_a_suggestion(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown name: exit 3, the reason on stderr (with a close name), nothing on stdout."""
    assert run("backups", "list", "--server", "web-server-1") == EXIT_NOT_FOUND
    out, err = capsys.readouterr()
    assert out == ""
    assert "No server has the id or name 'web-server-1'" in err
    assert "Did you mean" in err and "web-server-01" in err


def test_ambiguous_server_name_is_a_usage_error(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two servers with one name: exit 2, asking for the id, listing both."""
    from msgspec.structs import replace

    original = backend.state.servers[server_named(backend, "mail-relay")]
    backend.state.add_server(replace(original, id=99999))
    assert run("backups", "list", "--server", "mail-relay") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "2 servers are named 'mail-relay'" in err and "99999" in err


def test_server_list_forbidden_falls_back_to_the_backups(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A token that may not list servers (403) still finds a server by name, from backups."""

    def forbid(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/api/v1/servers/":
            return httpx.Response(403, json={"detail": "You do not have permission."})
        return None

    runtime = make_runtime(Intercept(backend.transport(), forbid))
    code = run("backups", "list", "--json", "--server", "db-replica", runtime=runtime)
    assert code == EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert {r["server_name"] for r in records} == {"db-replica"}


def test_unreadable_items_are_counted_on_stderr(
    run: Callable[..., int],
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Items the API sent that cannot be read are skipped, with a count on stderr."""
    good = {"id": 7, "server": {"id": 1, "name": "one"}, "backup_type": "manual",
            "status": "completed", "size_mb": 10, "created_at": "2025-01-16T03:00:00Z",
            "expires_at": None, "description": "ok"}  # fmt: skip
    page = {"count": 3, "next": None, "results": [good, {"id": None}, "nonsense"]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=page))
    assert run("backups", "list", "--json", runtime=make_runtime(transport)) == EXIT_OK
    out, err = capsys.readouterr()
    assert [r["id"] for r in json.loads(out)] == [7]
    assert "warning: 2 item(s) the API sent could not be read" in err


def test_hostile_text_is_inert_in_the_table_and_csv(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """Escape sequences and RTL overrides from the API never reach the terminal raw;
    a CSV cell a spreadsheet would run as a formula is defused; JSON keeps it exact."""
    server_id = server_named(backend, "web-server-01")
    hostile = '\x1b]52;c;ZXZpbA==\x07=HYPERLINK("x")\u202etxt.exe\x1b[2J'
    backend.state.add_backup(server_id, description=hostile)
    assert run("backups", "list", "--server", "web-server-01") == EXIT_OK
    table = capsys.readouterr().out
    assert "\x1b" not in table and "\u202e" not in table and "\x07" not in table
    backend.state.add_backup(server_id, description="=cmd|' /C calc'!A0")
    assert run("backups", "list", "--server", "web-server-01", "--csv") == EXIT_OK
    text = capsys.readouterr().out
    assert "\x1b" not in text
    assert "'=cmd|' /C calc'!A0" in next(csv.reader(io.StringIO(text.splitlines()[1])))
    assert run("backups", "list", "--server", "web-server-01", "--json") == EXIT_OK
    raw = capsys.readouterr().out
    assert raw.isascii() and "\x1b" not in raw
    assert hostile in {r["description"] for r in json.loads(raw)}


# --- create -----------------------------------------------------------------------------------


def test_create_sends_one_post_and_logs_it(
    run: Callable[..., int],
    backend: DemoBackend,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """create: one POST, the new id on stdout, "attempted" then "succeeded" in the audit log."""
    server_id = server_named(backend, "web-server-01")
    code = run("backups", "create", "web-server-01", "--description", "before deploy")
    assert code == EXIT_OK
    out = capsys.readouterr().out
    new = max(backend.state.backups)
    assert out.strip() == f"Created backup #{new} of web-server-01 (in progress)."
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert backend.state.backups[new].description == "before deploy"
    entries = read_entries(audit_path)
    assert [e["outcome"] for e in entries] == ["attempted", "succeeded"]
    assert {e["action"] for e in entries} == {"create"}
    assert entries[-1]["server_id"] == server_id and entries[-1]["backup_id"] == new


def test_create_wait_polls_on_the_fake_clock_until_completed(
    run: Callable[..., int],
    backend: DemoBackend,
    sleeper: FakeSleep,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--wait: polls the server's backups every poll interval (a fake sleep) until completed."""
    code = run("backups", "create", "web-server-01", "--wait", "--poll-interval", "5", "--json")
    assert code == EXIT_OK
    out, err = capsys.readouterr()
    record = json.loads(out)
    assert tuple(record) == JSON_FIELDS and record["status"] == "completed"
    assert record["size_mb"] is not None
    assert sleeper.delays == [5.0] * 4  # the demo takes 20 s to make a backup
    assert "in progress" in err and "completed" in err
    polls = [r for r in backend.requests if r.method == "GET" and "server_id" in r.query]
    assert all(r.query["server_id"] == str(record["server_id"]) for r in polls)
    assert backend.count("POST") == 1


def test_create_wait_gives_up_at_the_wait_timeout(
    run: Callable[..., int], sleeper: FakeSleep, capsys: pytest.CaptureFixture[str]
) -> None:
    """--wait-timeout shorter than the backup takes: exit 4, and it says it goes on."""
    code = run("backups", "create", "web-server-01", "--wait", "--wait-timeout", "12")
    assert code == EXIT_TIMED_OUT
    assert sum(sleeper.delays) == pytest.approx(12)
    err = capsys.readouterr().err
    assert "Gave up waiting after 12 s" in err and "goes on at the API" in err


def test_create_at_the_quota_sends_nothing(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """db-primary already has 10 manual backups: exit 1, no POST."""
    assert run("backups", "create", "db-primary") == EXIT_FAILED
    assert "10 of 10 manual backups" in capsys.readouterr().err
    assert sent(backend) == 0


def test_create_with_a_lost_answer_is_sent_once_and_rechecked(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The answer to the POST is lost: not resent; re-reading finds the backup; exit 0."""
    runtime = make_runtime(Intercept(backend.transport(), lose_answer_to="POST"))
    code = run("backups", "create", "web-server-01", "--description", "x", runtime=runtime)
    assert code == EXIT_OK
    out, err = capsys.readouterr()
    new = max(backend.state.backups)
    assert f"created after all — #{new}" in err
    assert f"Created backup #{new}" in out
    assert backend.count("POST") == 1
    outcomes = [e["outcome"] for e in read_entries(audit_path)]
    assert outcomes == ["attempted", "unknown", "verified_done"]


# --- delete -----------------------------------------------------------------------------------


def test_delete_with_yes_deletes_once_and_logs_it(
    run: Callable[..., int],
    backend: DemoBackend,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """delete --yes with no terminal: shows what it deletes, one DELETE, audit logged."""
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
    assert run("backups", "delete", str(backup_id), "--yes") == EXIT_OK
    out, err = capsys.readouterr()
    assert out.strip() == f"Deleted backup #{backup_id} of web-server-01."
    assert f"Delete backup #{backup_id} of web-server-01" in err and "cannot be undone" in err
    assert backup_id not in backend.state.backups
    assert backend.count("DELETE") == 1
    entries = read_entries(audit_path)
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("delete", "attempted"),
        ("delete", "succeeded"),
    ]
    assert entries[0]["backup_id"] == backup_id


def test_delete_without_terminal_or_yes_refuses_before_any_request(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not a terminal and no --yes: exit 2, says to pass --yes, not one request made."""
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
    assert run("backups", "delete", str(backup_id)) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "stdin is not a terminal" in err and "--yes" in err
    assert backend.requests == []
    assert backup_id in backend.state.backups


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """stdin is a terminal; `input()` answers from the returned list and records prompts."""
    answers: list[str] = []
    monkeypatch.setattr(sys, "stdin", FakeTty())
    monkeypatch.setattr(builtins, "input", lambda prompt="": answers.pop(0))
    return answers


def test_delete_on_a_terminal_asks_to_type_the_id(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    terminal: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a terminal: the prompt asks for the backup ID (on stderr); typing it deletes."""
    backup_id = completed_backup(backend, server_named(backend, "staging-app"))
    terminal.append(f" {backup_id} ")
    runtime = make_runtime(terminal=True, is_terminal=Runtime().is_terminal, ask=Runtime().ask)
    assert run("backups", "delete", str(backup_id), runtime=runtime) == EXIT_OK
    err = capsys.readouterr().err
    assert f"Type the backup ID ({backup_id}) to delete it:" in err
    assert backend.count("DELETE") == 1 and backup_id not in backend.state.backups


def test_delete_confirmation_takes_the_id_as_written_everywhere(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    terminal: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The ID is shown as "#2522" everywhere, so "#2522" typed at the prompt counts too."""
    backup_id = completed_backup(backend, server_named(backend, "staging-app"))
    terminal.append(f"#{backup_id}")
    runtime = make_runtime(terminal=True, is_terminal=Runtime().is_terminal, ask=Runtime().ask)
    assert run("backups", "delete", str(backup_id), runtime=runtime) == EXIT_OK
    assert backend.count("DELETE") == 1 and backup_id not in backend.state.backups


def test_create_wait_says_completed_once(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The last line names the backup once: "Backup #N of NAME is completed: SIZE, …"."""
    assert run("backups", "create", "web-server-01", "--wait") == EXIT_OK
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"Backup #\d+ of web-server-01 is completed: [\d.]+ [KMGT]iB, created .+ UTC\.", last
    ), last


def test_wrong_confirmation_aborts_with_nothing_sent(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    terminal: list[str],
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Typing anything but the ID: exit 2, no DELETE, nothing in the audit log."""
    backup_id = completed_backup(backend, server_named(backend, "staging-app"))
    terminal.append(str(backup_id + 1))
    runtime = make_runtime(is_terminal=Runtime().is_terminal, ask=Runtime().ask)
    assert run("backups", "delete", str(backup_id), runtime=runtime) == EXIT_USAGE
    assert "did not match" in capsys.readouterr().err
    assert sent(backend) == 0 and backup_id in backend.state.backups
    assert read_entries(audit_path) == []


def test_delete_of_an_unknown_backup_is_exit_3(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup id nobody has: exit 3 from the listing, no DELETE sent."""
    assert run("backups", "delete", "99999999", "--yes") == EXIT_NOT_FOUND
    assert "There is no backup #99999999" in capsys.readouterr().err
    assert sent(backend) == 0


def test_delete_of_an_in_progress_backup_sends_nothing(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup still being made cannot be deleted: exit 1 without sending."""
    busy = next(b.id for b in backend.state.backups.values() if b.status == "in_progress")
    assert run("backups", "delete", str(busy), "--yes") == EXIT_FAILED
    assert "still in progress" in capsys.readouterr().err
    assert sent(backend) == 0


def test_ctrl_c_at_the_question_is_130_and_sends_nothing(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C instead of an answer: exit 130, nothing sent."""

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    backup_id = completed_backup(backend, server_named(backend, "staging-app"))
    runtime = make_runtime(terminal=True, ask=interrupted)
    assert run("backups", "delete", str(backup_id), runtime=runtime) == EXIT_INTERRUPTED
    assert "interrupted" in capsys.readouterr().err
    assert sent(backend) == 0


# --- restore ----------------------------------------------------------------------------------


def test_restore_wait_exits_0_only_on_a_status_change_that_settled(
    run: Callable[..., int],
    backend: DemoBackend,
    sleeper: FakeSleep,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A backend that shows `restoring` (a demo option): --wait reads the server until its
    status changed and settled, then exits 0 naming what it saw."""
    backend.state.restore_status = "restoring"
    server_id = server_named(backend, "web-server-01")
    backup_id = completed_backup(backend, server_id, "automatic")
    code = run("restore", "web-server-01", str(backup_id), "--yes", "--wait", "--no-safety-backup")
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert "overwrites the server's disk" in err
    assert f"Restore web-server-01 (id {server_id}) from backup #{backup_id}: automatic" in err
    (line,) = [x for x in err.splitlines() if x.startswith("Restore web-server-01")]
    assert line.count("web-server-01") == 1, "the server is named once (it was twice)"
    assert out.strip() == (
        f"Restore of web-server-01 from backup #{backup_id} finished: active → restoring → active."
    )
    assert backend.count("POST", f"/api/v1/servers/{server_id}/restore/") == 1
    assert sum(sleeper.delays) >= 45  # the demo's restore takes 45 s
    outcomes = [(e["action"], e["outcome"]) for e in read_entries(audit_path)]
    assert outcomes == [("restore", "attempted"), ("restore", "succeeded")]


def test_restore_wait_says_so_when_the_api_shows_nothing(
    run: Callable[..., int],
    backend: DemoBackend,
    sleeper: FakeSleep,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The documented API (no restore status): --wait claims no end; it exits 6 with what
    is true once --wait-timeout has passed without any change."""
    server_id = server_named(backend, "web-server-01")
    backup_id = completed_backup(backend, server_id, "automatic")
    code = run(
        "restore", "web-server-01", str(backup_id),
        "--yes", "--wait", "--no-safety-backup", "--wait-timeout", "120",
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == EXIT_NOT_REPORTED, err
    assert out == ""
    assert (
        "Restore of web-server-01 accepted by the API at 16:00 UTC. VPS.org does not report "
        "restore progress: check the server." in err
    )
    assert "finished" not in err
    assert 120 <= sum(sleeper.delays) <= 125
    assert backend.count("POST") == 1


def test_restore_takes_a_safety_backup_first_and_keeps_the_ledger(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As in the TUI: a manual backup is created and must complete before the one restore;
    both are audited; the accepted restore stays in the ledger for the TUI to follow."""
    ops = tmp_path / "ops.json"
    server_id = server_named(backend, "db-replica")
    backup_id = completed_backup(backend, server_id, "automatic")
    runtime = make_runtime(ops_path=ops)
    assert run("restore", str(server_id), str(backup_id), "--yes", runtime=runtime) == EXIT_OK
    out, err = capsys.readouterr()
    assert "accepted by the API" in out and "finished" not in out
    assert "A manual backup is taken first" in err
    safety = [
        b for b in backend.state.backups.values()
        if b.description == f"Safety backup before restoring #{backup_id}"
    ]  # fmt: skip
    assert len(safety) == 1 and safety[0].status == "completed"
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert backend.count("POST", f"/api/v1/servers/{server_id}/restore/") == 1
    assert backend.state.servers[server_id].status == "active"  # as documented: no status
    outcomes = [(e["action"], e["outcome"]) for e in read_entries(audit_path)]
    assert outcomes == [
        ("create", "attempted"),
        ("create", "succeeded"),
        ("restore", "attempted"),
        ("restore", "succeeded"),
    ]
    ledger = json.loads(ops.read_text())
    assert [(op["kind"], op["state"], op["status_before"]) for op in ledger] == [
        ("restore", "following", "active")
    ]


def test_restore_no_safety_backup_flag_sends_only_the_restore(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    server_id = server_named(backend, "db-replica")
    backup_id = completed_backup(backend, server_id, "automatic")
    assert run("restore", str(server_id), str(backup_id), "--yes", "--no-safety-backup") == 0
    assert "No safety backup (--no-safety-backup)" in capsys.readouterr().err
    assert backend.count("POST") == 1


def test_restore_on_a_terminal_asks_for_the_server_name(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    terminal: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On a terminal the server's name must be typed; the wrong one sends nothing."""
    server_id = server_named(backend, "web-server-02")
    backup_id = completed_backup(backend, server_id, "automatic")
    runtime = make_runtime(is_terminal=Runtime().is_terminal, ask=Runtime().ask)
    terminal.append("web-server-01")
    assert run("restore", "web-server-02", str(backup_id), runtime=runtime) == EXIT_USAGE
    assert sent(backend) == 0
    terminal.append("web-server-02")
    flag = "--no-safety-backup"
    assert run("restore", "web-server-02", str(backup_id), flag, runtime=runtime) == EXIT_OK
    err = capsys.readouterr().err
    assert "Type the server name (web-server-02) to restore it:" in err
    assert backend.count("POST") == 1


def test_restore_from_another_servers_backup_is_not_found(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """The backup must be one of that server's: otherwise exit 3, nothing sent."""
    other = completed_backup(backend, server_named(backend, "db-primary"), "automatic")
    assert run("restore", "web-server-01", str(other), "--yes") == EXIT_NOT_FOUND
    assert f"There is no backup #{other} of web-server-01" in capsys.readouterr().err
    assert sent(backend) == 0


@pytest.mark.parametrize("shows_status", [False, True])
def test_restore_with_a_lost_answer_rechecks_the_server(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
    shows_status: bool,
) -> None:
    """The restore's answer is lost: not resent. Only a status change from the one before
    counts as started (exit 0, verified); as documented the status stays, so the outcome
    is unknown (exit 5) and said so."""
    if shows_status:
        backend.state.restore_status = "restoring"
    server_id = server_named(backend, "mail-relay")
    backup_id = completed_backup(backend, server_id, "automatic")
    runtime = make_runtime(Intercept(backend.transport(), lose_answer_to="POST"))
    argv = ("restore", "mail-relay", str(backup_id), "--yes", "--no-safety-backup")
    code = run(*argv, runtime=runtime)
    err = capsys.readouterr().err
    assert backend.count("POST") == 1
    outcomes = [e["outcome"] for e in read_entries(audit_path)]
    if shows_status:
        assert code == EXIT_OK
        assert "went from active to restoring after the request" in err
        assert outcomes == ["attempted", "unknown", "verified_done"]
    else:
        assert code == EXIT_UNKNOWN
        assert "whether the restore started cannot be read from the API" in err
        assert outcomes == ["attempted", "unknown"]


# --- errors, config, dispatch -----------------------------------------------------------------


def test_api_errors_go_to_stderr_with_exit_1(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rejected token and a 502: a readable line on stderr, exit 1, stdout empty."""
    backend.token = "another-token-entirely"
    assert run("backups", "list", "--json") == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("vpstui: The API rejected the token (401)")
    assert TOKEN not in err
    page = httpx.Response(502, text="<html><title>502 Bad Gateway</title></html>")
    transport = httpx.MockTransport(lambda request: page)
    assert run("backups", "list", runtime=make_runtime(transport)) == EXIT_FAILED
    assert "the API had an error (502): 502 Bad Gateway" in capsys.readouterr().err


def test_no_token_is_the_tuis_message_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --demo and without a token: the same explanation as the TUI, exit 2."""
    assert cli.main(["backups", "list"]) == EXIT_USAGE
    assert capsys.readouterr().err == cli.missing_token_message()


def test_usage_errors_are_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["backups", "list", "--demo", "--json", "--csv"]) == EXIT_USAGE
    assert cli.main(["backups", "frobnicate", "--demo"]) == EXIT_USAGE
    assert cli.main(["backups", "delete", "abc", "--demo"]) == EXIT_USAGE
    assert "not allowed with argument" in capsys.readouterr().err


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["restore", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "exit codes:" in out and "130" in out and "--yes" in out


@pytest.mark.parametrize(
    ("argv", "index"),
    [
        ([], None),
        (["--demo"], None),
        (["backups", "list"], 0),
        (["--demo", "restore", "web", "1"], 1),
        (["--api-url", "https://x", "backups", "list"], 2),
        (["--api-url=https://x", "backups"], 1),
        (["--server", "restore"], None),  # the TUI, opening on a server named "restore"
        (["--serv", "backups"], None),  # an abbreviated option still takes its value
        (["web-server-01"], None),
    ],
)
def test_first_positional_word_picks_a_command(argv: list[str], index: int | None) -> None:
    """Only `backups` / `restore` as the first positional argument leave the TUI."""
    assert command_index(argv, cli.build_parser()) == index


def test_python_m_vpstui_backups_list_json_in_a_subprocess(tmp_path: Path) -> None:
    """The real entry point: stdout is JSON only, and Textual is never imported."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "VPSTUI_STATE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "vpstui", "backups", "list", "--demo", "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert records and all(tuple(r) == JSON_FIELDS for r in records)
    code = (
        "import sys; from vpstui.cli import main; rc = main(['backups','list','--demo','--csv']);"
        "sys.stderr.write(str(any(m.split('.')[0] == 'textual' for m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stderr.strip().endswith("False"), done.stderr


def test_read_only_refuses_destructive_commands_but_lists(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """--read-only: create, delete and restore exit 2 before any request; list still works."""
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
    assert run("backups", "delete", str(backup_id), "--yes", "--read-only") == EXIT_USAGE
    assert run("backups", "create", "web-server-01", "--read-only") == EXIT_USAGE
    assert "Read-only" in capsys.readouterr().err
    assert backend.requests == []
    assert run("backups", "list", "--read-only", "--json") == EXIT_OK


SAMPLE = {"ID": "501", "BACKUP_ID": "501", "N": "3", "S": "5", "AGE": "30h"}
#: The README sections whose ```text blocks hold subcommand synopses.
SECTIONS = ("Scripting", "Monitoring check", "Notifications and `vpstui watch`")


def readme_scripting_commands() -> list[list[str]]:
    """The `vpstui backups|restore|check|watch …` lines of the README's subcommand sections."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for title in SECTIONS:
        section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
        blocks = re.findall(r"^```text\n(.*?)^```", section, flags=re.DOTALL | re.MULTILINE)
        for line in "\n".join(blocks).splitlines():
            words = shlex.split(line.split(" | ")[0], comments=True)
            if words[:1] == ["vpstui"]:
                # a synopsis: [--json|--csv] → --json; [--server X]... → --server X;
                # placeholders → sample values
                words = [w.rstrip(".").strip("[]").split("|")[0] for w in words[1:]]
                commands.append([SAMPLE.get(w, w) for w in words])
    return commands


def test_readme_scripting_commands_parse(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command the README's Scripting section shows parses, and its exit codes match."""
    from vpstui.commands.exits import EXIT_CODES
    from vpstui.commands.parser import build_command_parser

    commands = readme_scripting_commands()
    assert len(commands) >= 9
    assert {words[0] for words in commands} == {"backups", "restore", "check", "watch"}
    for words in commands:
        assert command_index(words, cli.build_parser()) == 0
        build_command_parser().parse_args(words)  # SystemExit (fails) on an unknown flag
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for code in EXIT_CODES:
        assert f"\n| {code} | " in text


def test_delete_answered_502_after_the_api_deleted_it_is_rechecked(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 12: the API deleted the backup but a gateway answered 502. Not "failed" with
    exit 1: the list is re-read, the backup is gone, exit 0, audited verified_done."""
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))

    class Gateway502(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = backend.transport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            if request.method == "DELETE":
                return httpx.Response(502, text="Bad gateway")
            return response

    runtime = make_runtime(Gateway502())
    assert run("backups", "delete", str(backup_id), "--yes", runtime=runtime) == EXIT_OK
    assert f"backup #{backup_id} is gone (deleted)" in capsys.readouterr().err
    assert backend.count("DELETE") == 1
    outcomes = [e["outcome"] for e in read_entries(audit_path)]
    assert outcomes == ["attempted", "unknown", "verified_done"]


def test_sigterm_while_a_delete_waits_records_it_and_exits_143(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A script killed (SIGTERM) after its DELETE reached the API: the audit log says
    unknown and why, the ledger keeps it for the next start, and the exit status says so."""
    import asyncio
    import signal

    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))

    class KilledWhileWaiting(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = backend.transport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            if request.method == "DELETE":
                signal.raise_signal(signal.SIGTERM)
                await asyncio.Event().wait()  # the answer never comes
            return response

    ops = tmp_path / "ops.json"
    runtime = make_runtime(KilledWhileWaiting(), ops_path=ops)
    code = run("backups", "delete", str(backup_id), "--yes", runtime=runtime)
    assert code == 128 + signal.SIGTERM
    assert "ended by SIGTERM" in capsys.readouterr().err
    audit = read_entries(audit_path)
    assert [e["outcome"] for e in audit] == ["attempted", "unknown"]
    assert "ended by SIGTERM" in audit[-1]["message"]
    assert [(e["kind"], e["state"]) for e in json.loads(ops.read_text())] == [("delete", "unknown")]


def test_list_table_follows_the_wording_guide(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The human table writes a server's id as everywhere else: "name (id 12345)"."""
    assert run("backups", "list", "--server", "web-server-01") == EXIT_OK
    out = capsys.readouterr().out
    assert "web-server-01 (id 12345)" in out and " GiB " in out and " UTC " in out
