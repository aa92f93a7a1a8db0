"""Faults while reading: the app keeps the last good rows, marks them stale with a readable
reason, never shows a traceback, and recovers by itself once the fault stops.

Every test loads the seeded account first, then switches a fault on in the backend
(`FaultyBackend.faults`), refreshes, checks what the user sees, switches it off and
checks the recovery.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Static

from tests.faults.driver import (
    SIZE,
    assert_healthy,
    flat,
    main_of,
    notes,
    screen_text,
    settle,
    wait_until,
)
from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.fault_answers import HUGE_PAGE
from vpstui.demo.faults import FaultyBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.first_run import FirstRunScreen

AppFactory = Callable[..., VpsApp]
BACKUPS = "/api/v1/backups/"

#: fault → what the stale banner says (a part of it).
STALE_REASONS: dict[str, str] = {
    "http_500": "the API had an error (500): Server Error (500)",
    "http_502": "the API had an error (502): Bad gateway",
    "http_503": "the API had an error (503): Service temporarily unavailable",
    "http_504": "the API had an error (504): Gateway timeout",
    "rate_limited": "rate limiting requests (429). Retry in 7 s.",
    "slow": "timed out while waiting for the answer",
    "refused": "the connection was refused",
    "reset": "the connection to demo.invalid was reset",
    "malformed_json": "an answer that is not valid JSON",
    "truncated_json": "a truncated answer",
    "html_200": "an HTML page instead of JSON",
    "html_502": "the API had an error (502): 502 Bad Gateway",
    "unauthorized": "The API rejected the token (401): Invalid token.",
    "forbidden": "The token is not allowed to list backups (403)",
}


def banner(app: VpsApp) -> str:
    """The stale banner's text, or "" when it is hidden."""
    widget = app.screen.query_one("#stale-banner", Static)
    return str(widget.render()) if widget.display else ""


@pytest.mark.parametrize("fault", list(STALE_REASONS))
async def test_list_fault_keeps_rows_marks_stale_and_recovers(
    fault: str, make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """Under each fault a refresh keeps every row, says "stale" and why; ctrl+r after the
    fault stops brings live data back without a restart."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        shown = main.table.row_count
        assert shown == len(backend.state.backups)

        faulty.faults.set(fault, path=BACKUPS, method="GET")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert_healthy(app)
        assert main.table.row_count == shown
        assert "web-server-01" in screen_text(app)
        assert "⚠ stale" in screen_text(app)
        assert STALE_REASONS[fault] in " ".join(banner(app).split())
        assert "Showing data from" in banner(app)

        faulty.faults.clear()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert_healthy(app)
        assert banner(app) == ""
        assert "● live" in screen_text(app)
        assert main.table.row_count == shown


async def test_recovers_on_the_next_poll_without_a_key(
    make_app: AppFactory, faulty: FaultyBackend, clock: FakeClock
) -> None:
    """A failed poll is retried with backoff by itself: no key press is needed to recover."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        faulty.faults.set("http_503", path=BACKUPS)
        clock.advance(61)  # the idle refresh falls due
        await wait_until(pilot, lambda: main.connection.error is not None, "the failed poll")
        assert "Retrying in" in banner(app)
        faulty.faults.clear()
        clock.advance(130)  # past the longest backoff
        await wait_until(pilot, lambda: main.connection.error is None, "the recovery")
        await settle(app, pilot)
        assert banner(app) == ""
        assert_healthy(app)


async def test_rate_limit_waits_at_least_retry_after(
    make_app: AppFactory, faulty: FaultyBackend, clock: FakeClock
) -> None:
    """429 with Retry-After: the next automatic try is not before the API said."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        faulty.faults.set("rate_limited", path=BACKUPS, seconds=30)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        retry_at = main.connection.retry_at
        assert retry_at is not None
        assert (retry_at - clock.now()).total_seconds() >= 30
        assert "Retry in 30 s" in " ".join(banner(app).split())


async def test_latency_below_the_timeout_just_loads(
    make_app: AppFactory, faulty: FaultyBackend
) -> None:
    """A slow but working API (0.1 s per request) loads normally, never marked stale."""
    faulty.faults.set("latency", seconds=0.1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert_healthy(app)
        assert main_of(app).table.row_count > 0
        assert banner(app) == ""


async def test_401_mid_session_keeps_rows_and_says_token_rejected(
    make_app: AppFactory, faulty: FaultyBackend
) -> None:
    """A token revoked mid-session: rows stay, the banner says the token was rejected
    (the first-run screen is only for a 401 before anything loaded)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        faulty.faults.set("unauthorized")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert not isinstance(app.screen, FirstRunScreen)
        assert "rejected the token (401)" in " ".join(banner(app).split())
        assert main_of(app).table.row_count > 0


async def test_401_before_any_data_explains_the_token(
    make_app: AppFactory, faulty: FaultyBackend
) -> None:
    """A 401 on the very first request opens the screen that explains token sources."""
    faulty.faults.set("unauthorized")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert "rejected the token" in flat(app)
        assert_healthy(app)


async def test_selected_server_vanished_offers_all_servers(
    make_app: AppFactory, faulty: FaultyBackend
) -> None:
    """The selected server answers 404: its rows stay, marked stale, the message says it no
    longer exists, and Esc goes back to All servers."""
    app = make_app(server="12345")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        rows = main.table.row_count
        assert rows > 0
        faulty.faults.set("not_found", server_id=12345)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert main.table.row_count == rows
        said = " ".join(banner(app).split())
        assert "no longer exists (404)" in said and "Esc" in said
        assert any("no longer exists" in note for note in notes(app))
        await pilot.press("escape")
        await settle(app, pilot)
        assert main.scope == (None, None)
        assert banner(app) == ""
        assert {b.server_id for b in main.table.backups.values()} != {12345}
        assert_healthy(app)


async def test_bad_items_are_skipped_and_counted(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """Missing, extra and wrongly typed fields (`size_mb: "big"`, `id: null`): readable items
    are shown (unknown values as "—"), unreadable ones are counted and said."""
    faulty.faults.set("bad_items")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert_healthy(app)
        main = main_of(app)
        total = len(backend.state.backups)
        skipped = main.connection.skipped
        assert skipped > 0
        assert main.table.row_count == total - skipped
        assert any("could not be read" in note for note in notes(app))
        assert f"{skipped} unreadable" in screen_text(app)


async def test_duplicate_ids_across_pages_are_shown_once(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """An item repeated on a later page appears once, and the user is told."""
    faulty.faults.set("duplicate_ids")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert_healthy(app)
        assert main_of(app).table.row_count == len(backend.state.backups)
        assert any("listed twice" in note for note in notes(app))


async def test_next_link_loop_stops_and_says_so(
    make_app: AppFactory, faulty: FaultyBackend
) -> None:
    """A `next` link back to page 1 is not followed forever: one pass, and a warning."""
    faulty.faults.set("next_loop")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert_healthy(app)
        assert faulty.count("GET", BACKUPS) <= 3
        assert main_of(app).table.row_count > 0
        assert any("pointed back to a page already read" in note for note in notes(app))


async def test_page_of_10000_items_loads(make_app: AppFactory, faulty: FaultyBackend) -> None:
    """One page of 10,000 items loads and stays responsive (cursor keys still move)."""
    faulty.faults.set("huge_page", path=BACKUPS)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        assert main.table.row_count == HUGE_PAGE
        await pilot.press("G")
        await pilot.pause()
        assert main.table.cursor_row == HUGE_PAGE - 1
        assert_healthy(app)
