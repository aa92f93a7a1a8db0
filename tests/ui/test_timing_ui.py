"""Pilot tests of time on what is running: elapsed in the table, details and header, and
an estimate only once vpstui has observed a backup of that server complete."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from textual.command import CommandPalette
from textual.widgets import Checkbox, Static

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.timing import DurationHistory, running_for
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.timed_details import TimedDetailsDialog
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.screens.timing import TimingActions
from vpstui.ui.widgets.status_bar import StatusBar

from .test_main_screen import main_of, settle, wait_until
from .test_restore_safety import open_restore

AppFactory = Callable[..., VpsApp]


@pytest.fixture
def durations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "durations.json"
    monkeypatch.setattr(TimingActions, "durations_file", path)
    return path


def private(path: Path) -> bool:
    """Readable and writable by its owner only."""
    return path.stat().st_mode & 0o077 == 0


def row_text(screen: MainScreen, backup_id: int) -> str:
    table = screen.table
    row = table.visible_ids.index(backup_id) + 1 - round(table.scroll_y)
    return table.render_line(row).text


async def start_backup(app: VpsApp, pilot: object, text: str) -> int:
    await pilot.press("n", *text, "enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    backup = main_of(app).table.cursor_backup
    assert backup is not None and backup.in_progress
    return backup.id


async def test_elapsed_ticks_with_the_clock_in_the_table_and_details(
    make_app: AppFactory, clock: FakeClock, durations: Path
) -> None:
    """A running backup's status cell says how long it has run, and moves on with the
    (fake) clock; its details have a Running row that moves on too; no history: no ETA."""
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        backup_id = await start_backup(app, pilot, "x")
        created = screen.table.backups[backup_id].created_at
        assert f" {running_for(created, clock.now())} " in row_text(screen, backup_id)
        clock.advance(7)
        await wait_until(pilot, lambda: "7s" in row_text(screen, backup_id))
        assert "left, est." not in row_text(screen, backup_id)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TimedDetailsDialog)
        field = dialog.query_one("#field-running", Static)
        assert "7s" in str(field.render()) and "est." not in str(field.render())
        clock.advance(5)
        await wait_until(pilot, lambda: "12s" in str(field.render()))


async def test_an_estimate_only_after_a_completion_was_observed(
    make_app: AppFactory, clock: FakeClock, durations: Path
) -> None:
    """The first backup of a server gets no estimate; vpstui watches it complete and keeps
    its duration (0600 file); the next backup of that server gets "… left, est."."""
    app = make_app(server="web-server-01", poll_interval=1.0)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        first = await start_backup(app, pilot, "one")
        assert screen.estimate(screen.table.backups[first], clock.now()) is None
        clock.advance(25)  # the demo completes a backup in 20 s
        await wait_until(pilot, lambda: screen.table.backups[first].is_completed, 5)
        await wait_until(pilot, durations.exists)
        assert private(durations)
        kept = DurationHistory.load(durations, app.api.host)
        server_id = screen.table.backups[first].server_id
        assert [o.backup_id for o in kept.durations(server_id)] == [first]
        second = await start_backup(app, pilot, "two")
        await wait_until(pilot, lambda: "1m left" in row_text(screen, second))


async def test_a_followed_restore_shows_its_elapsed_time_in_the_header(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock, durations: Path
) -> None:
    backend.state.restore_status = "restoring"
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        header = main_of(app).query_one(StatusBar)
        await wait_until(pilot, lambda: "restore accepted: mail-relay 0s" in str(header.render()))
        clock.advance(3)
        await wait_until(pilot, lambda: "mail-relay 3s" in str(header.render()))


class HeldRestores(httpx.AsyncBaseTransport):
    """Restore requests wait for `release` (`waiting` says one has arrived)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.waiting = False
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/restore/"):
            self.waiting = True
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_the_header_counts_a_restore_from_the_apis_answer_not_the_dialogs_close(
    make_app: AppFactory,
    backend: DemoBackend,
    clock: FakeClock,
    transport: SwitchableTransport,
    durations: Path,
) -> None:
    """The answer came while the command palette was over the dialog; the dialog closed
    7 s later, once on top again. The header said "restore accepted: mail-relay 0s" then:
    the time counted from the close. It counts from when the answer was received."""
    backend.state.restore_status = "restoring"
    held = HeldRestores(transport.inner)
    transport.inner = held
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: held.waiting)
        accepted = clock.now()
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        held.release.set()
        await wait_until(pilot, lambda: not dialog.in_flight)
        assert app.screen is not dialog and dialog.is_attached  # it waits to be on top
        clock.advance(7)
        await pilot.press("escape")  # the palette goes; the dialog closes itself
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        main = main_of(app)
        header = main.query_one(StatusBar)
        await wait_until(pilot, lambda: "restore accepted: mail-relay 7s" in str(header.render()))
        server_id = dialog.backup.server_id
        assert main.follower.started_at(server_id) == accepted
