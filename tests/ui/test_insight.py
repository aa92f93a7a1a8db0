"""The insight panel and the overdue-backup warnings, against the seeded demo account.

The demo's clock starts at 16:00 UTC; the automatic backups ran at 03:00 (13 h before),
except db-replica's, still running, so its newest completed backup is 37 h old.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import OptionList

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.summary import AccountOverview, ServerSummary
from vpstui.ui.app import VpsApp
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.insight import BARS, InsightPanel, age_text, meter, sparkline

from .test_main_screen import main_of, settle, wait_until
from .test_quit import HeldGets, demo_app

AppFactory = Callable[..., VpsApp]
DB_PRIMARY = 12391


def panel_text(app: VpsApp) -> str:
    return str(main_of(app).insight.render())


def picker_labels(app: VpsApp) -> dict[str, str]:
    options = main_of(app).picker.query_one(OptionList)
    labels = {}
    for index in range(options.option_count):
        option = options.get_option_at_index(index)
        labels[str(option.id)] = str(option.prompt)
    return labels


def overdue_notes(app: VpsApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Backups overdue"]


# --- drawing helpers --------------------------------------------------------------------------


def test_sparkline_meter_and_ages_read_without_colour() -> None:
    """Bars rise with the values (flat when only noise), the meter counts, ages are short."""
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == BARS
    assert sparkline([5, 1]) == "█▁"
    assert sparkline([1000, 1000.5, 1000.2]) == "▄▄▄"
    assert sparkline(list(range(30)), 10) == sparkline(list(range(20, 30)))
    assert sparkline([]) == ""
    assert meter(7) == "▰▰▰▰▰▰▰▱▱▱ 7/10"
    assert meter(10) == "▰" * 10 + " 10/10"
    assert [age_text(h) for h in (0.5, 37.9, 71, 100)] == ["30m", "37h", "71h", "4d"]


# --- the panel in the app ---------------------------------------------------------------------


async def test_insight_for_a_selected_server(make_app: AppFactory, backend: DemoBackend) -> None:
    """db-primary: its backup age, a size trend, the full manual quota and what expires soon."""
    now = backend.clock.now()
    expiring = sum(
        1
        for b in backend.state.backups.values()
        if b.server_id == DB_PRIMARY
        and b.expires_at is not None
        and b.expires_at - now <= timedelta(hours=48)
    )
    assert expiring > 0, "control: the seeded account has some"
    app = make_app(server="db-primary")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: "10/10" in panel_text(app))
        text = panel_text(app)
        assert "✓ newest completed backup 13h ago" in text
        assert any(bar in text for bar in BARS[:4]) and "█" in text  # the trend climbs
        assert "automatic" in text
        assert "▰▰▰▰▰▰▰▰▰▰ 10/10 full" in text
        assert f"{expiring} expire within 48 h" in text
        assert len(text.splitlines()) == 3


async def test_all_servers_overview_names_servers_needing_attention(
    make_app: AppFactory,
) -> None:
    """All servers: account totals, and db-replica (37 h, over the 36 h default) named;
    the picker marks it, and one notification says so."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: "servers" in panel_text(app))
        text = panel_text(app)
        assert "6 servers" in text and "121 backups" in text
        assert "⚠ 1 server has no completed backup from the last 36 h: db-replica 37h" in text
        assert "manual quota full (10/10): db-primary" in text
        labels = picker_labels(app)
        assert "⚠ newest backup 37h old" in labels["12392"]
        assert "⚠" not in labels["12391"] and "⚠" not in labels["all"]
        assert overdue_notes(app) == [
            "No completed backup from the last 36 h: db-replica (37h). Marked ⚠ in the server list."
        ]


async def test_overdue_warning_follows_the_setting_and_the_clock_once_per_server(
    make_app: AppFactory, clock: FakeClock
) -> None:
    """With a 14 h limit only db-replica is overdue at first; two hours later the others
    are too (after the next refresh): one more notification for them, none repeated."""
    app = make_app(stale_after_hours=14)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: bool(overdue_notes(app)))
        assert len(overdue_notes(app)) == 1 and "db-replica" in overdue_notes(app)[0]
        clock.advance(2 * 3600)  # 18:00: the 03:00 backups are 15 h old
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: len(overdue_notes(app)) == 2)
        second = overdue_notes(app)[1]
        assert "db-primary (15h)" in second and "db-replica" not in second
        assert "web-server-02" not in second  # its manual backup finished meanwhile
        assert "⚠ newest backup 15h old" in picker_labels(app)["12391"]
        assert "db-primary 15h" in panel_text(app)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert len(overdue_notes(app)) == 2  # no repeat on later refreshes


async def test_a_selected_overdue_server_says_so(make_app: AppFactory) -> None:
    """A server over the limit: the panel leads with ⚠ and the limit, in words."""
    app = make_app(server="db-replica")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: "⚠" in panel_text(app))
        assert "⚠ newest completed backup 37h ago, over the 36 h limit" in panel_text(app)


async def test_small_terminal_keeps_the_table_and_i_hides_the_panel(
    make_app: AppFactory,
) -> None:
    """At 80x24 the panel is one line and the table still shows its rows; `i` hides the
    panel (the table grows) and shows it again."""
    app = make_app(server="db-primary")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        await wait_until(pilot, lambda: "10/10" in panel_text(app))
        assert main.insight.size.height == 1
        assert len(panel_text(app).splitlines()) == 1
        assert "expire <48h" in panel_text(app)
        table = main.query_one(BackupTable)
        shown = table.size.height
        assert shown >= 18  # header + 17 rows of 24 lines
        await pilot.press("i")
        await pilot.pause()
        assert not main.insight.display
        assert table.size.height == shown + 1
        await pilot.press("i")
        await pilot.pause()
        assert main.insight.display and "10/10" in panel_text(app)


async def test_api_text_in_the_panel_is_inert() -> None:
    """Server names go through safe_text: markup shows literally, escapes lose their ESC."""
    hostile = "[@click=app.quit]evil[/]\x1b[2J\u202e"
    overview = AccountOverview(servers=1, attention=[ServerSummary(1, hostile)])

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield InsightPanel(id="insight")

    app = Host()
    async with app.run_test(size=(120, 10)) as pilot:
        panel = app.query_one(InsightPanel)
        panel.show_account(overview, FakeClock().now(), 36)
        await pilot.pause()
        text = str(panel.render())
        assert "[@click=app.quit]evil[/]" in text
        assert "\x1b" not in text and "\u202e" not in text
        panel.show_server(ServerSummary(1, hostile), hostile, FakeClock().now(), 36)
        await pilot.pause()
        assert "⚠ no completed backup" in str(panel.render())


async def test_panel_folds_to_one_line_when_the_terminal_shrinks(make_app: AppFactory) -> None:
    """Three lines at 120x35; resized to 80x24 it is one line, back at 120x35 three again."""
    app = make_app(server="db-primary")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: "10/10" in panel_text(app))
        assert len(panel_text(app).splitlines()) == 3
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: main_of(app).insight.size.height == 1)
        assert "10/10" in panel_text(app) and len(panel_text(app).splitlines()) == 1
        await pilot.resize_terminal(120, 35)
        await wait_until(pilot, lambda: len(panel_text(app).splitlines()) == 3)


async def test_a_confirmed_delete_takes_its_backup_out_of_the_facts_at_once(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> None:
    """Seen in tmux with a slow API: after a delete the header said 120 backups while the
    picker and the insight said 121 until the re-read had answered. The API's answer to
    the delete is enough: the server's facts follow the table at once."""
    transport = HeldGets(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        target = next(b for b in main.table.backups.values() if b.is_manual and b.is_completed)
        server = target.server_id
        before = main._summaries[server]
        main.table.move_cursor_to(target.id)
        await pilot.press("delete")
        await wait_until(pilot, lambda: app.screen is not main)
        transport.hold = True  # the re-read after the delete waits
        await pilot.press("y")
        await wait_until(pilot, lambda: target.id not in main.table.backups)
        await pilot.pause()
        after = main._summaries[server]
        rows = [b for b in main.table.backups.values() if b.server_id == server]
        assert (after.backups, after.manual) == (before.backups - 1, before.manual - 1)
        assert after.backups == len(rows)
        assert f"{len(rows)} backups" in str(main.query_one("#insight").render())
        # Said once: "Deleted" (a single delete went through the multi-delete's path
        # for a moment, which said "Backups deleted" too).
        titles = [n.title for n in app._notifications]
        assert titles.count("Deleted") == 1 and "Backups deleted" not in titles
        transport.release.set()
