"""What the backup table redraws, and where its cursor goes, as time and rows change.

Relative times move on with the clock, and only they: a look at the clock redraws the
table's lines whose words changed ("just now" → "1m ago"), not every line (idle CPU, issue
4: a full redraw every 5 s made an idle vpstui use 5-7 times a bare app's CPU). A poll
repaints the lines it changed; a listing loading in any page order keeps the cursor on top."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.strip import Strip

from vpstui.api.models import Backup
from vpstui.clock import FakeClock
from vpstui.ui.widgets.backup_table import BackupTable

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _backup(i: int, created: datetime) -> Backup:
    return Backup(
        id=i, server_id=1, server_name="web-1", backup_type="manual", status="completed",
        size_mb=100.0, created_at=created, expires_at=created + timedelta(days=30),
        description=f"backup {i}",
    )  # fmt: skip


def count_lines_drawn(table: BackupTable) -> list[int]:
    """The lines (`y`) the table draws from now on, in the order drawn."""
    drawn: list[int] = []
    render_line = table.render_line

    def counting(y: int) -> Strip:
        drawn.append(y)
        return render_line(y)

    table.render_line = counting  # type: ignore[method-assign]
    return drawn


class Table(App[None]):
    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield BackupTable(now=self.clock.now)


async def test_a_look_at_the_clock_redraws_only_lines_whose_words_changed() -> None:
    clock = FakeClock(T0)
    app = Table(clock)
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(BackupTable)
        fresh = _backup(1, T0 - timedelta(seconds=30))  # "just now" for 30 more seconds
        old = [_backup(i, T0 - timedelta(hours=i)) for i in range(2, 6)]  # "2h ago"…
        table.set_backups([fresh, *old])
        await pilot.pause()
        drawn = count_lines_drawn(table)

        clock.advance(5)
        table.refresh_times(clock.now())
        await pilot.pause()
        assert drawn == []  # the same words everywhere: nothing redrawn

        clock.advance(40)  # the fresh backup is now "1m ago"
        table.refresh_times(clock.now())
        await pilot.pause()
        fresh_line = table._order.index(1) + 1
        assert drawn == [fresh_line]
        assert "1m ago" in "".join(s.text for s in table.render_line(fresh_line))

        drawn.clear()
        table.refresh_times()  # without a time: every line
        await pilot.pause()
        assert len(drawn) >= 5


async def test_a_poll_that_changes_a_row_on_screen_redraws_that_line_and_the_header() -> None:
    """A refresh whose rows on screen stay in place, one of them changed (a backup that
    completed), repaints that line and the header, not every line: a whole repaint drops
    every cached line of the table (issue 4's poll figure: half its cost was freeing them)."""
    from vpstui.ui.widgets.rows import diff_rows

    clock = FakeClock(T0)
    app = Table(clock)
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(BackupTable)
        rows = [_backup(i, T0 - timedelta(hours=i)) for i in range(1, 40)]
        rows[2] = Backup(**{**_fields(rows[2]), "status": "in_progress", "size_mb": None})
        table.set_backups(rows)
        await pilot.pause()
        drawn = count_lines_drawn(table)
        done = Backup(**{**_fields(rows[2]), "status": "completed", "size_mb": 512.0})
        version, snapshot = table.snapshot()
        table.apply_diff(diff_rows(version, snapshot, [*rows[:2], done, *rows[3:]]))
        await pilot.pause()
        line = table._order.index(done.id) + 1
        assert sorted(set(drawn)) == [0, line]
        assert "completed" in "".join(s.text for s in table.render_line(line))

        drawn.clear()  # control: a row joining on screen moves the rows: every line
        version, snapshot = table.snapshot()
        newest = _backup(99, T0)
        table.apply_diff(diff_rows(version, snapshot, [newest, *rows[:2], done, *rows[3:]]))
        await pilot.pause()
        assert len(set(drawn)) > 5


def _fields(backup: Backup) -> dict[str, object]:
    import msgspec

    return msgspec.structs.asdict(backup)


async def test_while_a_listing_loads_the_cursor_stays_on_the_first_row() -> None:
    """Pages come in any order: the first page asked for held rows from the middle of the
    list (by creation time), and the cursor, put on its first row, was carried down as
    newer rows arrived above, and the view with it ("↑ 271 new" after every cold start).
    While a listing loads and nobody has moved the cursor, it stays on the first row."""
    clock = FakeClock(T0)
    for keep in (True, False):
        app = Table(clock)
        async with app.run_test(size=(120, 12)) as pilot:
            table = app.query_one(BackupTable)
            table.keep_cursor_on_top(keep)
            pages = [[_backup(i, T0 - timedelta(hours=i)) for i in range(n, n + 20)]
                     for n in (41, 1, 21, 61)]  # fmt: skip
            for page in pages:
                table.add_backups(page)
                await pilot.pause()
            newest = table.visible_ids[0]
            if keep:
                assert table.cursor_backup is not None and table.cursor_backup.id == newest
                assert round(table.scroll_y) == 0 and table.new_above == 0
                await pilot.press("down")  # the user moves it: it stays with its backup
                chosen = table.cursor_backup
                table.add_backups([_backup(0, T0)])
                await pilot.pause()
                assert table.cursor_backup is chosen
            else:  # control: following the first page's row moves the view
                assert table.cursor_backup is not None and table.cursor_backup.id == 41
                assert round(table.scroll_y) > 0
