"""A 10,000-backup account at 120x35 (issue 13): the insight panel shows facts so far
while pages arrive, and the picker's All servers line does not wrap."""

from __future__ import annotations

import asyncio
import re

import httpx

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
