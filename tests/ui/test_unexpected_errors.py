"""The TUI after an unexpected failure (issue 12, finding 5): a `next` link with a NUL
character, or a token that cannot go in a header, used to kill the loading worker and
leave "◌ connecting · refreshing…" on screen forever. Now the client raises an `ApiError`
and the screen shows its usual error state."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.faults.driver import SIZE, flat, screen_text, wait_until
from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL
from vpstui.ui.app import VpsApp

SERVERS = {"count": 1, "next": None, "results": [{"id": 1, "name": "web-01", "status": "active"}]}
NUL_PAGE = {"count": 9, "next": f"{DEMO_BASE_URL}/api/v1/backups/?page=2\x00", "results": []}


def answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/api/v1/servers"):
        return httpx.Response(200, json=SERVERS)
    return httpx.Response(200, json=NUL_PAGE)


def app_with(token: str, handler: Callable[[httpx.Request], httpx.Response]) -> VpsApp:
    api = VpsClient(
        token=token,
        base_url=DEMO_BASE_URL,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=1),
    )
    settings = Settings(demo=True, poll_interval=5.0, idle_refresh=60.0)
    return VpsApp(settings, api, clock=FakeClock(), tick_seconds=0.1)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("tok-FINE-0123456789", "next-page link is not a valid URL"),
        ("tok-\udcff-0123456789", "API token cannot be sent"),
    ],
    ids=["nul-next-link", "undecodable-token"],
)
async def test_the_screen_says_what_went_wrong_instead_of_connecting_forever(
    token: str, expected: str
) -> None:
    app = app_with(token, answer)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: expected in flat(app), f"the error {expected!r}")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "connecting" not in text, text
        assert app._exception is None
