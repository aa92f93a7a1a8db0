"""A refresh that gets no answer is visible at once (issue 12, item 2).

The API hangs: the transport holds the request until the test fires its read timeout.
The fake clock says how long it has waited, and the client's sleep between tries waits
on the test too, so nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
import random

import httpx

from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp

from .conftest import TICK
from .test_main_screen import main_of, settle, wait_until


class LongestWait(random.Random):
    """Backoff without jitter: every wait is the longest the policy allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


class HangingApi(httpx.AsyncBaseTransport):
    """Backup list requests hang while `hanging`; `time_out()` fires their read timeout."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hanging = False
        self.fire = asyncio.Event()
        self.gate = asyncio.Event()  # the client's sleep between tries waits for this
        self.sleeps: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.hanging and request.url.path == "/api/v1/backups/":
            await self.fire.wait()
            self.fire.clear()
            raise httpx.ReadTimeout("timed out", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.gate.wait()


def header(app: VpsApp) -> str:
    return str(app.screen.query_one("#status-bar").render())


async def test_no_answer_is_shown_with_the_retry_countdown_and_ctrl_r_still_works(
    clock: FakeClock, transport: SwitchableTransport
) -> None:
    """12 s without an answer: the header says so while the rows stay; the read timeout
    fires: "retrying 2/3 in 4 s", counting down; ctrl+r asks again at once and recovers."""
    api_side = HangingApi(transport)
    api = VpsClient(
        token="t",
        base_url=DEMO_BASE_URL,
        transport=api_side,
        retry=RetryPolicy(attempts=3, base_delay=4.0, max_delay=4.0, rng=LongestWait()),
        sleep=api_side.sleep,
    )
    settings = Settings(demo=True, poll_interval=5.0, idle_refresh=60.0)
    app = VpsApp(settings, api, clock=clock, tick_seconds=TICK, slow_after=10.0)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        rows = table.row_count
        assert rows > 0 and "● live" in header(app)

        api_side.hanging = True
        await pilot.press("ctrl+r")
        await pilot.pause()
        clock.advance(5)
        await pilot.pause(0.3)
        assert "no answer" not in header(app)  # 5 s is not slow yet: just "refreshing…"
        assert "refreshing" in header(app)

        clock.advance(7)
        await wait_until(pilot, lambda: "no answer for 12 s, still waiting" in header(app))
        assert "◌ waiting" in header(app) and "ctrl+r" in header(app)
        assert table.row_count == rows  # the rows stay

        api_side.fire.set()  # the read timeout fires: a retry follows in 4 s
        await wait_until(pilot, lambda: "no answer for 12 s, retrying 2/3 in 4 s" in header(app))
        assert api_side.sleeps == [4.0]
        clock.advance(1)
        await wait_until(pilot, lambda: "retrying 2/3 in 3 s" in header(app))
        assert table.row_count == rows

        api_side.hanging = False
        await pilot.press("ctrl+r")  # no waiting for the countdown: ask again now
        await wait_until(pilot, lambda: "● live" in header(app))
        await settle(app, pilot)
        assert "no answer" not in header(app) and "waiting" not in header(app)
        assert table.row_count == rows
