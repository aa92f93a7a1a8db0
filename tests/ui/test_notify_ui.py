"""Pilot tests: the TUI hands its events to `notify_command` (a command that writes its
stdin to a file), never blocking, and says once when the command fails."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Checkbox

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.main import MainScreen

from .test_main_screen import main_of, settle, wait_until
from .test_restore_safety import MAIL, open_restore, step_through_the_restore

AppFactory = Callable[..., VpsApp]


def recorder(out: Path) -> tuple[str, ...]:
    """A notify_command that appends each event (its stdin) as one line to `out`."""
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read().strip() + '\\n')"
    return (sys.executable, "-c", script)


def events(out: Path) -> list[dict[str, Any]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines() if line.strip()]


def kinds(out: Path) -> list[str]:
    return [e["event"] for e in events(out)]


async def test_a_backup_seen_completing_is_handed_to_the_command(
    make_app: AppFactory, clock: FakeClock, tmp_path: Path
) -> None:
    """A backup polled from in progress to completed: one backup_completed event on the
    command's stdin, with the server, backup, size, profile fields and no token."""
    out = tmp_path / "events.jsonl"
    app = make_app(server="web-server-01", poll_interval=1.0, notify_command=recorder(out))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"nightly", "enter")
        await settle(app, pilot)
        created = main_of(app).table.cursor_backup
        assert created is not None and created.in_progress
        assert events(out) == []
        clock.advance(25)
        await wait_until(pilot, lambda: kinds(out) == ["backup_completed"], 10)
        event = events(out)[0]
        assert event["backup_id"] == created.id and event["server_name"] == "web-server-01"
        assert event["status"] == "completed" and event["size_mb"] is not None
        assert event["api_host"] == app.api.host
        assert "token" not in event


async def test_restore_accepted_then_ended_only_on_evidence(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """restore_accepted when the API accepted it; restore_ended once the follow-up saw the
    server go restoring → active."""
    backend.state.restore_status = "restoring"
    out = tmp_path / "events.jsonl"
    app = make_app(server="mail-relay", poll_interval=0.05, notify_command=recorder(out))
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await wait_until(pilot, lambda: kinds(out) == ["restore_accepted"], 10)
        accepted = events(out)[0]
        assert accepted["server_id"] == MAIL and accepted["backup_id"] == dialog.backup.id
        # Each clock step waits for the follow-up's read (a fixed pause could let the next
        # jump carry the clock past the restore before the follow-up saw it restoring).
        await step_through_the_restore(
            pilot, clock, backend, lambda: bool(main_of(app).follower.restoring)
        )
        await wait_until(pilot, lambda: not main_of(app).follower.restoring, 10)
        await wait_until(pilot, lambda: len(kinds(out)) == 2, 10)
        ended = events(out)[1]
        assert ended["event"] == "restore_ended" and ended["server_id"] == MAIL
        assert ended["status"] == "active"


async def test_a_restore_with_no_end_seen_sends_no_restore_ended(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """The documented API shows no `restoring` status: following sees no end, so only
    restore_accepted is handed on."""
    out = tmp_path / "events.jsonl"
    app = make_app(
        server="mail-relay", poll_interval=0.05, restore_follow=1.0, notify_command=recorder(out)
    )
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        for _ in range(4):
            clock.advance(2)
            await pilot.pause(0.3)
        await wait_until(pilot, lambda: not main_of(app).follower.restoring, 10)
        await wait_until(pilot, lambda: kinds(out) == ["restore_accepted"], 5)
        await pilot.pause(0.3)
        assert kinds(out) == ["restore_accepted"]


async def test_a_failing_command_is_said_once_and_blocks_nothing(
    make_app: AppFactory, clock: FakeClock, tmp_path: Path
) -> None:
    app = make_app(
        server="web-server-01",
        poll_interval=1.0,
        notify_command=(sys.executable, "-c", "import sys; sys.exit(3)"),
    )
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        for text in ("a", "b"):
            await pilot.press("n", *text, "enter")
            await settle(app, pilot)
        clock.advance(25)
        screen = main_of(app)
        await wait_until(pilot, lambda: screen.table.in_progress == 0, 10)
        notifier = screen.notifier
        assert notifier is not None
        await wait_until(pilot, lambda: notifier.failed >= 2, 10)
        said = [n for n in app._notifications if n.title == "notify_command"]
        assert len(said) == 1
