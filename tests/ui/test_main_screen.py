"""Pilot tests of the main screen against the in-process simulated backend.

Time is a FakeClock shared by the app and the backend: a test moves it forward and
lets the app's short tick notice, so nothing sleeps waiting for a backup to finish.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from textual import events
from textual.widgets import Input
from textual.worker import WorkerCancelled

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.first_run import FirstRunScreen
from vpstui.ui.screens.help import HelpScreen
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.footer import KeysFooter

AppFactory = Callable[..., VpsApp]


async def finish_short_workers(app: VpsApp) -> None:
    """Wait for the app's workers, except those following a restore: they run until the
    (fake) clock moves on, as a real follow-up runs for minutes."""
    short = [w for w in app.workers if not w.group.startswith("follow-")]
    if short:
        await app.workers.wait_for_complete(short)


async def settle(app: VpsApp, pilot: object) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(50):
        with contextlib.suppress(WorkerCancelled):  # a load replaced by the next: expected
            await finish_short_workers(app)
        await pilot.pause()  # type: ignore[attr-defined]
        main = app.main
        if main is None or not main.backups_loading:
            break


async def wait_until(pilot: object, predicate: Callable[[], bool], seconds: float = 3.0) -> None:
    """Let the app run until `predicate()` holds (bounded); the tick is what we wait for."""
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    raise AssertionError("condition not met in time")


def main_of(app: VpsApp) -> MainScreen:
    screen = app.main
    assert screen is not None
    return screen


def list_requests(backend: DemoBackend) -> list[dict[str, str]]:
    return [r.query for r in backend.requests if r.method == "GET" and r.path == "/api/v1/backups/"]


# --- loading and the table -------------------------------------------------------------------


async def test_opens_on_all_servers_with_every_backup_newest_first(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """The first screen lists every backup of the account, newest first, and says DEMO."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        assert table.row_count == len(backend.state.backups)
        created = [table.backups[i].created_at for i in table.visible_ids]
        assert created == sorted(created, reverse=True)  # type: ignore[type-var]
        assert "server_id" not in list_requests(backend)[0]
        assert "DEMO" in str(app.screen.query_one("#status-bar").render())
        assert "All servers · 121 backups" in str(app.screen.query_one("#scope-bar").render())


async def test_server_flag_preselects_by_name(make_app: AppFactory, backend: DemoBackend) -> None:
    """--server NAME scopes the table (and the API request) to that server."""
    app = make_app(server="db-primary")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        assert {b.server_name for b in table.backups.values()} == {"db-primary"}
        assert list_requests(backend)[-1].get("server_id") == "12391"


async def test_picker_type_to_search_and_enter_scopes_the_table(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """s, a few letters and Enter switch to that server; the request carries server_id."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("s", *"mail", "enter")
        await settle(app, pilot)
        main = main_of(app)
        assert main.scope == (13210, None)
        assert {b.server_id for b in main.table.backups.values()} == {13210}
        assert list_requests(backend)[-1]["server_id"] == "13210"
        assert app.focused is main.table


async def test_keys_typed_right_after_s_land_in_the_search(make_app: AppFactory) -> None:
    """Type-ahead over a slow link: `s` and the letters arrive together; none is lost."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        app.post_message(events.Key("s", "s"))
        for ch in "db-rep":
            app.post_message(events.Key(ch, ch))
        await pilot.pause()
        assert app.screen.query_one("#server-search", Input).value == "db-rep"
        await pilot.press("enter")
        await settle(app, pilot)
        assert main_of(app).scope == (12392, None)


async def test_escape_leaves_the_picker_for_the_table(make_app: AppFactory) -> None:
    """Esc clears the search, a second Esc goes back to the table (not into the list)."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("s", "d", "escape", "escape")
        await pilot.pause()
        assert app.focused is main_of(app).table


async def test_filter_matching_nothing_says_so(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        table = main_of(app).table
        assert table.row_count == 0
        assert "No backups match “zzzz”" in table.render_line(1).text


async def test_t_cycles_type_filter_sent_to_the_api(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """t: all → manual → automatic → all, each sent as backup_type."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        table = main_of(app).table
        assert list_requests(backend)[-1]["backup_type"] == "manual"
        assert {b.backup_type for b in table.backups.values()} == {"manual"}
        await pilot.press("t")
        await settle(app, pilot)
        assert list_requests(backend)[-1]["backup_type"] == "automatic"
        await pilot.press("t")
        await settle(app, pilot)
        assert "backup_type" not in list_requests(backend)[-1]


async def test_slash_filters_rows_and_escape_clears(make_app: AppFactory) -> None:
    """/ narrows rows by text without a request; Esc brings every row back."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        everything = table.row_count
        await pilot.press("slash", *"php")
        await pilot.pause()
        assert 0 < table.row_count < everything
        assert all("php" in (table.backups[i].description or "").lower() for i in table.visible_ids)
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == everything


def footer_actions(app: VpsApp) -> list[str]:
    """The actions of the keys the main screen's footer last drew."""
    return [key.action for key in main_of(app).query_one(KeysFooter)._drawn or ()]


async def test_the_footer_offers_esc_while_there_is_something_to_back_out_of(
    make_app: AppFactory,
) -> None:
    """Typing in the filter, the footer said only "f1 Help": nothing about leaving it.
    esc is offered while the filter is open (typing or not), and not when it has nothing
    to do."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert "escape" not in footer_actions(app)
        await pilot.press("slash", *"php")
        await pilot.pause()
        assert "escape" in footer_actions(app)
        await pilot.press("enter")  # to the rows, the filter still applied
        await pilot.pause()
        assert "escape" in footer_actions(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert "escape" not in footer_actions(app)
        assert "create" in footer_actions(app), "control: the footer was drawn"


async def test_sort_by_key_and_header_click(make_app: AppFactory) -> None:
    """o moves the sort to the next column; clicking a header sorts by it."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        await pilot.press("o")
        assert table.sort_column == "expires"
        x = next(x for x in range(120) if table.column_at(x) == "size")
        await pilot.click(BackupTable, offset=(x, 0))
        assert table.sort_column == "size"
        sizes = [table.backups[i].size_mb for i in table.visible_ids]
        known = [s for s in sizes if s is not None]
        assert known == sorted(known, reverse=True)


# --- live refresh ----------------------------------------------------------------------------


async def test_polling_turns_in_progress_into_completed_and_notifies(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """While a backup runs the list is re-fetched every poll interval, without a key press."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        assert table.backups[2521].in_progress
        before = len([q for q in list_requests(backend) if "page" not in q])
        clock.advance(120)
        await wait_until(pilot, lambda: table.backups[2521].is_completed)
        await settle(app, pilot)
        first_pages = [q for q in list_requests(backend) if "page" not in q]
        assert len(first_pages) == before + 1  # one list request per tick, plus its pages
        messages = [n.message for n in app._notifications]
        assert any("2521" in m and "completed" in m for m in messages)


async def test_no_requests_while_idle_between_slow_refreshes(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """With nothing in progress, nothing is fetched until the idle refresh is due."""
    app = make_app(idle_refresh=60.0)
    async with app.run_test(size=(120, 35)) as pilot:
        clock.advance(300)  # let the seeded backups finish
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        count = len(backend.requests)
        clock.advance(30)
        await pilot.pause(0.1)
        assert len(backend.requests) == count
        clock.advance(31)
        await wait_until(pilot, lambda: len(backend.requests) >= count + 2)
        await settle(app, pilot)
        new = [(r.path, r.query) for r in backend.requests[count:]]
        assert new == [("/api/v1/backups/", {}), ("/api/v1/backups/", {"page": "2"})]


async def test_cursor_stays_on_its_backup_when_rows_arrive(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """A new row above a scrolled view moves neither the cursor off its backup nor that
    backup on screen (a view at the top shows the new row instead: see test_newcomer)."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        await pilot.press("pagedown", "pagedown", "down")
        assert round(table.scroll_y) > 0
        chosen = table.cursor_backup
        assert chosen is not None
        screen_y = (table.cursor_row or 0) - round(table.scroll_y)
        backend.state.add_backup(
            12345, description="made elsewhere", created_at=backend.clock.now()
        )
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.cursor_backup is not None and table.cursor_backup.id == chosen.id
        assert (table.cursor_row or 0) - round(table.scroll_y) == screen_y
        assert any(b.description == "made elsewhere" for b in table.backups.values())


async def test_failed_refresh_keeps_rows_marks_stale_and_recovers(
    make_app: AppFactory, transport: SwitchableTransport, clock: FakeClock
) -> None:
    """A dropped connection keeps the table, says why and when it retries; then recovers."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        rows = main.table.row_count
        transport.fault = httpx.ConnectError("Connection refused")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert main.table.row_count == rows
        banner = main.query_one("#stale-banner")
        assert banner.display
        text = str(banner.render())
        assert "refused" in text and "Retrying in" in text
        assert "stale" in str(main.query_one("#status-bar").render())
        transport.fault = None
        clock.advance(60)
        await wait_until(pilot, lambda: main.connection.error is None)
        await settle(app, pilot)
        assert not banner.display
        assert main.connection.error is None


# --- screens ---------------------------------------------------------------------------------


async def test_help_lists_keys(make_app: AppFactory) -> None:
    """? opens the help screen; Esc closes it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_rejected_token_shows_explanation_and_stays_open(
    make_app: AppFactory, transport: SwitchableTransport
) -> None:
    """A 401 on start shows how to provide a token; the app keeps running until q."""
    transport.fault = lambda request: httpx.Response(401, json={"detail": "Invalid token."})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert "rejected" in str(app.screen.query_one("#explain").render())
        await pilot.press("q")
    assert app.return_code == 0


async def test_no_token_shows_first_run_screen() -> None:
    """Without a token (on a terminal) the app explains how to provide one."""
    from vpstui.config import Settings

    app = VpsApp(Settings(), None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        text = str(app.screen.query_one("#explain").render())
        assert "VPS_API_TOKEN" in text and "--demo" in text


async def test_the_first_run_screen_names_the_config_file_read(tmp_path: Path) -> None:
    """The config file it names is the one the settings came from (`--config`,
    `VPSTUI_CONFIG`), not the platform default."""
    from vpstui.config import Settings

    mine = tmp_path / "somewhere" / "vpstui.toml"
    app = VpsApp(Settings(config_path=mine), None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#explain").render()).replace("\n", "")
        assert str(mine) in text


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_table_fits_and_description_gives_way(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    """At 80x24 the table shows every column but the description first; nothing overflows."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        assert table.region.right <= size[0]
        header = table.render_line(0).text
        for label in ("ID", "Server", "Type", "Status", "Size", "Created", "Expires"):
            assert label in header
