"""Notifications and `vpstui watch`: which changes become events (only what the API
showed), the notify command (stdin JSON, bounded, failures said once), the watcher's
requests per tick, and the command's JSON lines and clean stop — on a fake clock.

The command tests reuse the scripting tests' fixtures, imported by name (hence F811).
"""
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from vpstui.api import Backup, VpsClient
from vpstui.clock import FakeClock
from vpstui.commands import run_command
from vpstui.commands.session import Runtime
from vpstui.config import ConfigError, load_settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.notify import (
    Event,
    Notifier,
    OverdueWatch,
    UnreachableWatch,
    backup_changes,
    parse_notify_command,
)
from vpstui.summary import summarize
from vpstui.watching import Watcher

from .test_scripting import (
    TOKEN,
    audit_path,  # noqa: F401
    backend,  # noqa: F401
    clock,  # noqa: F401
    isolated,  # noqa: F401
    make_runtime,  # noqa: F401
    server_named,
    sleeper,  # noqa: F401
)

NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)


def backup(id: int, status: str = "completed", server: int = 1, age_h: float = 1) -> Backup:
    return Backup(
        id=id,
        server_id=server,
        server_name=f"s{server}",
        backup_type="manual",
        status=status,
        size_mb=512.0,
        created_at=NOW - timedelta(hours=age_h),
        expires_at=None,
        description=None,
    )


# --- which changes are news -------------------------------------------------------------------


def test_finished_after_being_seen_in_progress() -> None:
    before = {1: backup(1, "in_progress"), 2: backup(2, "in_progress"), 3: backup(3)}
    now = [backup(1), backup(2, "failed"), backup(3)]
    events = backup_changes(before, now, NOW, context={"profile": "prod"})
    assert [(e.event, e.backup_id) for e in events] == [
        ("backup_completed", 1),
        ("backup_failed", 2),
    ]
    assert events[0].profile == "prod" and events[0].size_mb == 512.0
    assert events[0].time == "2025-01-16T16:00:00Z"


def test_new_and_already_finished_counts_but_history_and_unfinished_do_not() -> None:
    before = {1: backup(1)}
    now = [backup(1), backup(2), backup(3, "in_progress"), backup(4, "failed")]
    events = backup_changes(before, now, NOW, known_since_start={1, 4})
    assert [(e.event, e.backup_id) for e in events] == [("backup_completed", 2)]


def test_unknown_and_vanished_backups_claim_nothing() -> None:
    """A backup that disappeared (expired? deleted?) or ended in a status we do not know
    is not announced as anything."""
    before = {1: backup(1, "in_progress"), 2: backup(2, "in_progress")}
    assert backup_changes(before, [backup(1, "cancelled")], NOW) == []


def test_overdue_is_said_once_per_episode() -> None:
    watch = OverdueWatch()
    fresh = summarize([backup(1, age_h=1)], NOW, 36)
    stale = summarize([backup(1, age_h=40)], NOW, 36)
    assert watch.update(fresh, NOW) == []
    first = watch.update(stale, NOW)
    assert [e.event for e in first] == ["server_overdue"]
    assert "from the last 40 h" in first[0].message and "Already" not in first[0].message
    assert watch.update(stale, NOW) == []
    assert watch.update(fresh, NOW) == []
    assert len(watch.update(stale, NOW)) == 1


def test_unreachable_only_after_it_lasted() -> None:
    watch = UnreachableWatch(after=300)
    assert watch.update(False, NOW, "timed out") is None
    assert watch.update(False, NOW + timedelta(seconds=299)) is None
    event = watch.update(False, NOW + timedelta(seconds=301), "timed out")
    assert event is not None and event.event == "api_unreachable"
    assert "301 s" in event.message and "timed out" in event.message
    assert watch.update(False, NOW + timedelta(seconds=900)) is None  # said once
    assert watch.update(True, NOW + timedelta(seconds=901)) is None
    assert watch.update(False, NOW + timedelta(seconds=902)) is None  # a new episode


@pytest.mark.parametrize(
    "value", ["notify-send vpstui", [], ["notify-send", 3], [""], {"cmd": "x"}]
)
def test_notify_command_must_be_an_argv_list(value: object) -> None:
    with pytest.raises(ValueError, match="list of strings"):
        parse_notify_command(value, "config.toml")


def test_notify_command_from_config_and_profile(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'notify_command = ["notify-send", "vpstui"]\n'
        '[profiles.prod]\nnotify_command = ["/usr/local/bin/page", "--team", "ops"]\n'
    )
    top = load_settings(config=str(config), demo=True, environ={})
    assert top.notify_command == ("notify-send", "vpstui")
    prod = load_settings(config=str(config), demo=True, profile="prod", environ={})
    assert prod.notify_command == ("/usr/local/bin/page", "--team", "ops")
    config.write_text('notify_command = "curl -d @- https://hooks.example"\n')
    with pytest.raises(ConfigError, match="list of strings"):
        load_settings(config=str(config), demo=True, environ={})


# --- the notify command --------------------------------------------------------------------


def event(n: int = 1) -> Event:
    return Event(event="backup_completed", time="2025-01-16T16:00:00Z", message=f"#{n} done")


async def test_notifier_hands_each_event_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read())"
    said: list[str] = []
    notifier = Notifier([sys.executable, "-c", script], report=said.append)
    for n in (1, 2, 3):
        notifier.send(event(n))
    await notifier.drain()
    await notifier.aclose()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["message"] for line in lines] == ["#1 done", "#2 done", "#3 done"]
    assert notifier.delivered == 3 and said == []


async def test_notifier_runs_the_command_outside_our_process_group(tmp_path: Path) -> None:
    """A terminal's Ctrl-C (SIGINT to the foreground group) must not reach a delivery."""
    out = tmp_path / "ids.txt"
    script = f"import os, sys; sys.stdin.read(); open({str(out)!r}, 'w').write(str(os.getpgid(0)))"
    notifier = Notifier([sys.executable, "-c", script], report=[].append)
    notifier.send(event())
    await notifier.drain()
    await notifier.aclose()
    assert notifier.delivered == 1
    assert int(out.read_text()) != os.getpgid(0)


async def test_notifier_failures_are_said_once_and_bounded(tmp_path: Path) -> None:
    said: list[str] = []
    failing = Notifier(
        [sys.executable, "-c", "import sys; sys.stderr.write('no route\\n' * 9999); sys.exit(4)"],
        report=said.append,
    )
    failing.send(event(1))
    failing.send(event(2))
    await failing.drain()
    await failing.aclose()
    assert failing.failed == 2 and len(said) == 1
    assert said[0].endswith("failed (exit 4): no route.")

    said.clear()
    slow = Notifier(
        [sys.executable, "-c", "import time; time.sleep(30)"], report=said.append, timeout=0.5
    )
    started = asyncio.get_running_loop().time()
    slow.send(event())
    await slow.drain()
    await slow.aclose()
    assert asyncio.get_running_loop().time() - started < 10
    assert len(said) == 1 and "did not finish within 0.5 s" in said[0]

    said.clear()
    missing = Notifier([str(tmp_path / "no-such-program")], report=said.append)
    missing.send(event())
    await missing.drain()
    await missing.aclose()
    assert "could not run" in said[0]


# --- the watcher ----------------------------------------------------------------------------


def watcher_on(backend: DemoBackend, clock: FakeClock, **options: object) -> Watcher:
    api = VpsClient(token=TOKEN, base_url=DEMO_BASE_URL, transport=backend.transport())
    settings: dict[str, object] = {
        "servers": None,
        "poll_interval": 5.0,
        "idle_refresh": 60.0,
        "stale_after_hours": 36.0,
        "unreachable_after": 300.0,
    }
    settings.update(options)
    return Watcher(api, clock, **settings)  # type: ignore[arg-type]


async def test_watcher_polls_only_the_moving_servers_and_sees_them_complete(
    backend: DemoBackend, clock: FakeClock
) -> None:
    """The seeded account has backups in progress on two servers; one more starts on a
    third. Fast ticks ask only for the moving servers; whole-account looks come once a
    minute (and find the new backup); every completion is said once."""
    moving = {b.id for b in backend.state.backups.values() if b.status == "in_progress"}
    watcher = watcher_on(backend, clock)
    first = await watcher.tick()
    assert [e.event for e in first] == ["server_overdue"]  # db-replica, seeded overdue
    assert watcher.delay() == 5.0  # backups are in progress
    server_id = server_named(backend, "web-server-01")
    new = backend.state.create_manual_backup(server_id, "pre-deploy").id
    start, began = len(backend.requests), clock.now()
    said: list[Event] = []
    for _ in range(40):
        clock.advance(watcher.delay())
        said += await watcher.tick()
    assert sorted(e.backup_id for e in said if e.event == "backup_completed") == sorted(
        moving | {new}
    )
    lists = [r for r in backend.requests[start:] if r.path.startswith("/api/v1/backups")]
    whole = [r for r in lists if "server_id" not in r.query and "page" not in r.query]
    minutes = (clock.now() - began).total_seconds() / 60
    assert 1 <= len(whole) <= 1 + minutes  # the whole account at most once a minute
    assert max(watcher.requests) <= 3  # never more than the servers that move
    assert watcher.moving() == [] and watcher.delay() > 5.0


async def test_watcher_says_unreachable_once_it_lasted(
    backend: DemoBackend, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher = watcher_on(backend, clock, unreachable_after=120.0)
    await watcher.tick()

    async def down(*args: object, **kwargs: object) -> object:
        from vpstui.api import TransportError

        raise TransportError("Could not connect to the API.")

    monkeypatch.setattr(watcher.api, "list_backups", down)
    said: list[Event] = []
    for _ in range(4):
        clock.advance(60)
        said += await watcher.tick()
    assert [e.event for e in said] == ["api_unreachable"]
    assert "Could not connect" in said[0].message


# --- the command ----------------------------------------------------------------------------


class StopAfter:
    """The runtime's `sleep`: moves the clock, and after `ticks` sleeps stops the watch as
    SIGTERM would (by cancelling it)."""

    def __init__(self, clock: FakeClock, ticks: int, between: Callable[[], None]) -> None:
        self.clock, self.ticks, self.between = clock, ticks, between
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if len(self.delays) > self.ticks:
            raise asyncio.CancelledError
        self.clock.advance(seconds)
        self.between()


def test_watch_prints_json_lines_and_stops_cleanly(
    make_runtime: Callable[..., Runtime],
    backend: DemoBackend,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server_id = server_named(backend, "web-server-02")
    made: list[int] = []

    def start_one() -> None:
        if not made:
            made.append(backend.state.create_manual_backup(server_id, "from a runbook").id)

    stopper = StopAfter(clock, 10, start_one)
    code = run_command(
        ["watch", "--demo", "--server", "web-server-02"],
        runtime=make_runtime(sleep=stopper),
    )
    out, err = capsys.readouterr()
    assert code == 0
    events = [msgspec.json.decode(line) for line in out.splitlines()]
    seeded = [b.id for b in backend.state.backups.values() if b.description != "from a runbook"]
    completed = {e["backup_id"] for e in events if e["event"] == "backup_completed"}
    assert made[0] in completed and completed - {made[0]} <= set(seeded)
    assert all(e["server_name"] == "web-server-02" for e in events)
    assert {e["status"] for e in events} == {"completed"}
    assert TOKEN not in out + err
    assert "watching web-server-02" in err and "stopped watching" in err
    assert 5.0 in stopper.delays  # it polled fast while the backup ran
