"""A 10,000-backup account at 120x35 (issue 13): the insight panel shows facts so far
while pages arrive, and the picker's All servers line does not wrap."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from tests.faults.driver import screen_text
from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.ui.app import VpsApp

from .conftest import TICK
from .test_main_screen import main_of, settle, wait_until


class LaterPagesHeld(httpx.AsyncBaseTransport):
    """Answers the first pages at once and holds pages 3 and later until `release`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if int(request.url.params.get("page", "1")) >= 3:
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_facts_so_far_while_loading_and_an_unwrapped_all_servers_line(
    clock: FakeClock,
) -> None:
    state = DemoState.bulk(clock, total_backups=10_000, servers=250)
    held = LaterPagesHeld(DemoBackend(state=state, page_size=100).transport())
    api = VpsClient(
        token="t", base_url=DEMO_BASE_URL, transport=held, retry=RetryPolicy(attempts=1)
    )
    app = VpsApp(Settings(demo=True), api, clock=clock, tick_seconds=TICK)
    async with app.run_test(size=(120, 35)) as pilot:
        main = main_of(app)
        await wait_until(pilot, lambda: len(main.table.backups) >= 100)
        panel = str(main.insight.render())
        assert "Gathering" not in panel
        # page 1, and page 2 if it came 0.25 s later (rows are added in batches)
        assert re.search(r"So far (100|200) of 10,000 backups on \d+ servers", panel), panel
        held.release.set()
        await settle(app, pilot)
        await wait_until(pilot, lambda: len(main.table.backups) == 10_000)
        await wait_until(pilot, lambda: "10,000" in screen_text(app))
        lines = screen_text(app).splitlines()
        facts = next(line for line in lines if "10,000 · " in line)
        assert "TiB" in facts or "GiB" in facts, facts  # the size on the same line


def test_a_size_never_touches_the_created_column() -> None:
    """Sizes as wide as they come ("886.0 MiB", "1000.0 GiB") keep a blank between them
    and the Created column, at 120 and at 80 columns."""
    from datetime import UTC, datetime, timedelta

    from rich.style import Style

    from vpstui.api.models import Backup
    from vpstui.format import human_size
    from vpstui.ui.widgets.columns import COLUMN_KEYS, column_widths, render_row

    now = datetime(2025, 1, 16, tzinfo=UTC)
    for width in (120, 80):
        widths = column_widths(width, 14)
        size_at = COLUMN_KEYS.index("size")
        start = sum(w + 1 for w in widths[:size_at])  # every shown cell: a space, then it
        for size_mb in (886.0, 1000.0 * 1024, 0.5, 12_345_678.0):
            backup = Backup(
                id=123456,
                server_id=1,
                server_name="web-01",
                backup_type="manual",
                status="completed",
                size_mb=size_mb,
                created_at=now - timedelta(minutes=5),
                expires_at=None,
                description="x",
            )
            line = render_row(
                backup, widths, now, 0, lambda _: Style(), Style(), bold_styled=False, width=width
            ).text
            size_cell = line[start + 1 : start + 1 + widths[size_at]]
            assert size_cell.strip() == human_size(size_mb), (width, line)  # whole, not cut
            after = line[start + 1 + widths[size_at] :]
            assert after.startswith(" "), (width, size_mb, line)  # the blank before Created
            assert after.lstrip().startswith("5m ago"), (width, size_mb, line)


def test_batches_of_rows_come_less_often_as_the_table_grows() -> None:
    """Each batch costs the loop a little per row already in the table: a quarter second
    apart while the table is small, up to a second apart at 100,000 rows."""
    from vpstui.ui.batches import progress_every

    assert progress_every(0) == progress_every(10_000) == 0.25
    assert 0.25 < progress_every(20_000) < progress_every(30_000) < 1.0
    assert progress_every(100_000) == progress_every(1_000_000) == 1.0


async def test_a_fast_api_never_joins_more_than_a_batch_of_rows_at_once(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages that come faster than batches are posted are joined BATCH_MAX_ROWS at a time:
    a second's worth from a fast API (~50,000 rows joining 50,000) held the loop ~140 ms.
    Batches here are never due by time, so only the cap splits the listing."""
    from vpstui.ui import batches
    from vpstui.ui.messages import BackupsPageLoaded

    monkeypatch.setattr(batches, "PROGRESS_EVERY", 3600.0)
    monkeypatch.setattr(batches, "PROGRESS_MAX", 3600.0)
    monkeypatch.setattr(batches, "BATCH_MAX_ROWS", 1_000)
    state = DemoState.bulk(clock, total_backups=3_500, servers=50)
    backend = DemoBackend(state=state, page_size=100)
    api = VpsClient(
        token="t",
        base_url=DEMO_BASE_URL,
        transport=backend.transport(),
        retry=RetryPolicy(attempts=1),
    )
    app = VpsApp(Settings(demo=True), api, clock=clock, tick_seconds=TICK)
    batches: list[int] = []
    seen: set[int] = set()

    def hook(message: object) -> None:
        if isinstance(message, BackupsPageLoaded) and id(message) not in seen:
            seen.add(id(message))  # the hook sees it again as it bubbles to the app
            batches.append(len(message.items))

    async with app.run_test(size=(120, 35), message_hook=hook) as pilot:
        main = main_of(app)
        await wait_until(pilot, lambda: len(main.table.backups) == 3_500)
        await settle(app, pilot)
    assert batches[0] == 100  # the first page at once
    assert sum(batches) == 3_500
    assert max(batches) <= 1_000 and len(batches) >= 4, batches


async def test_rows_arriving_off_screen_are_announced_in_a_scrolled_header() -> None:
    """While pages load under a view scrolled down, rows that join above it leave the
    lines on screen as they were (no repaint of every line), but the header on screen
    says so ("↑ 3 new"); and a sort that leaves the same rows there shows its arrow."""
    from datetime import UTC, datetime, timedelta

    from textual.app import App, ComposeResult

    from vpstui.api.models import Backup
    from vpstui.ui.widgets.backup_table import BackupTable

    now = datetime(2025, 1, 16, tzinfo=UTC)

    def backup(i: int) -> Backup:
        return Backup(
            id=i,
            server_id=1,
            server_name="web-01",
            backup_type="automatic",
            status="completed",
            size_mb=float(i),
            created_at=now - timedelta(hours=1000 - i),
            expires_at=None,
            description=None,
        )

    class Holder(App[None]):
        def compose(self) -> ComposeResult:
            yield BackupTable(now=lambda: now)

    app = Holder()
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(BackupTable)
        table.set_backups(backup(i) for i in range(200))
        table.focus()
        await pilot.pause()
        table.move_cursor_to(50)  # far down: the view scrolls
        await pilot.pause()
        assert table.scroll_y > 0
        before = screen_text(app).splitlines()
        table.add_backups([backup(i) for i in range(900, 903)])  # the newest: at the top
        await pilot.pause()
        after = screen_text(app).splitlines()
        assert "↑ 3 new" in after[0], after[0]
        rows = [line[:-2] for line in after[1:]]  # (less the scrollbar, which moved)
        assert rows == [line[:-2] for line in before[1:]]  # the rows on screen stayed
        # Sizes grow with age here: biggest first is the same order, the same lines on
        # screen; only the header changes, and shows it.
        table.sort_by("size", reverse=True)
        await pilot.pause()
        assert "Size ▼" in screen_text(app).splitlines()[0], screen_text(app)
