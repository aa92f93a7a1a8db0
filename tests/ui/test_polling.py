"""Polling touches only what moves (issue 13): while backups run, a poll tick sends one
`?server_id=` list request per server with a backup in progress (capped by
`poll_requests`), merges the answer into the table in place, and the whole scope is
re-listed only at the idle refresh. Requests are counted at the demo backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.live import QUIET_TICKS

from .conftest import TICK
from .test_main_screen import main_of, settle, wait_until

POLL, IDLE = 5.0, 60.0
LIST = "/api/v1/backups/"


def _lists(backend: DemoBackend, since: int = 0) -> list[dict[str, str]]:
    return [r.query for r in backend.requests[since:] if r.method == "GET" and r.path == LIST]


@pytest.fixture
def account(clock: FakeClock) -> DemoState:
    """400 backups on 10 servers (20 pages of 20)."""
    state = DemoState.bulk(clock, total_backups=400, servers=10)
    state.create_seconds = 3 * POLL - 1  # completes just before the third poll tick
    return state


@pytest.fixture
def start(clock: FakeClock, account: DemoState) -> Callable[..., tuple[VpsApp, DemoBackend]]:
    def build(**settings: Any) -> tuple[VpsApp, DemoBackend]:
        backend = DemoBackend(state=account, page_size=20)
        api = VpsClient(
            token="t",
            base_url=DEMO_BASE_URL,
            transport=backend.transport(),
            retry=RetryPolicy(attempts=1),
        )
        options = {"demo": True, "poll_interval": POLL, "idle_refresh": IDLE, **settings}
        return VpsApp(Settings(**options), api, clock=clock, tick_seconds=TICK), backend

    return build


async def _tick(pilot: Pilot[Any], app: VpsApp, clock: FakeClock, seconds: float = POLL) -> None:
    """Move the clock and let the next tick do (and finish) its work."""
    main = main_of(app)
    ticks = main._ticks
    clock.advance(seconds)
    # a quiet screen looks every QUIET_TICKS ticks: wait for one of those
    await wait_until(pilot, lambda: main._ticks > ticks + QUIET_TICKS + 1)
    await settle(app, pilot)


async def test_a_tick_asks_only_for_the_server_with_a_backup_in_progress(
    start: Callable[..., tuple[VpsApp, DemoBackend]], account: DemoState, clock: FakeClock
) -> None:
    server_id = min(account.servers)
    running = account.create_manual_backup(server_id, "in progress")
    app, backend = start()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        assert len(table.backups) == 401 and len(_lists(backend)) == 21
        table.move_cursor_to(min(table.backups))
        cursor = table.cursor_row, table.cursor_backup
        per_tick = []
        for _ in range(3):
            before = len(backend.requests)
            await _tick(pilot, app, clock)
            per_tick.append(_lists(backend, before))
            assert len(backend.requests) == before + 1  # nothing else either
        wanted = {"server_id": str(server_id), "backup_type": "manual"}
        assert per_tick == [[wanted]] * 3
        assert table.backups[running.id].is_completed  # merged in place on the third tick
        assert (table.cursor_row, table.cursor_backup) == cursor and len(table.backups) == 401
        # nothing runs now: no request until the idle refresh re-lists the whole scope
        before = len(backend.requests)
        await _tick(pilot, app, clock, 30.0)
        assert len(backend.requests) == before
        await _tick(pilot, app, clock, 31.0)
        assert len(_lists(backend, before)) == 21


async def test_the_idle_refresh_relists_everything_even_while_polling(
    start: Callable[..., tuple[VpsApp, DemoBackend]], account: DemoState, clock: FakeClock
) -> None:
    account.create_seconds = 1_000.0
    account.create_manual_backup(min(account.servers), "long")
    app, backend = start(idle_refresh=12.0)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        counts = []
        for _ in range(3):
            before = len(backend.requests)
            await _tick(pilot, app, clock)
            counts.append(len(_lists(backend, before)))
        assert counts == [1, 1, 21]  # the third tick is 15 s after the first listing


async def test_requests_per_tick_are_capped_and_take_turns(
    start: Callable[..., tuple[VpsApp, DemoBackend]], account: DemoState, clock: FakeClock
) -> None:
    account.create_seconds = 1_000.0
    first, second, third = sorted(account.servers)[:3]
    for server_id in (first, second, third):
        account.create_manual_backup(server_id, "busy")
    app, backend = start(poll_requests=2)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        asked: list[list[str]] = []
        for _ in range(3):
            before = len(backend.requests)
            await _tick(pilot, app, clock)
            asked.append(sorted(q["server_id"] for q in _lists(backend, before)))
        assert all(len(ids) == 2 for ids in asked)
        assert {sid for ids in asked for sid in ids} == {str(first), str(second), str(third)}


async def test_a_watched_server_is_polled_and_picks_up_changes_made_elsewhere(
    start: Callable[..., tuple[VpsApp, DemoBackend]], account: DemoState, clock: FakeClock
) -> None:
    """`watch_server` (a create or restore started here) polls that server at once; a
    backup created elsewhere on it shows up, one deleted elsewhere goes; once nothing
    runs there, the server is no longer polled."""
    server_id = min(account.servers)
    account.create_seconds = 0.0
    gone = account.create_manual_backup(server_id, "deleted elsewhere later")
    app, backend = start()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        table = main.table
        assert gone.id in table.backups and not table.backups[gone.id].in_progress
        account.delete_backup(gone.id)
        account.create_seconds = 1.0
        new = account.create_manual_backup(server_id, "made elsewhere")
        main.watch_server(server_id)
        before = len(backend.requests)
        await _tick(pilot, app, clock)
        assert _lists(backend, before) == [{"server_id": str(server_id), "backup_type": "manual"}]
        assert new.id in table.backups and gone.id not in table.backups
        before = len(backend.requests)
        await _tick(pilot, app, clock)
        assert len(backend.requests) == before  # nothing runs there any more


async def test_a_failed_poll_keeps_the_rows_and_retries_the_poll(
    start: Callable[..., tuple[VpsApp, DemoBackend]], account: DemoState, clock: FakeClock
) -> None:
    account.create_seconds = 1_000.0
    server_id = min(account.servers)
    account.create_manual_backup(server_id, "busy")
    app, backend = start()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        server = account.servers.pop(server_id)  # the demo now fails its listing (500)
        before = len(backend.requests)
        await _tick(pilot, app, clock)
        assert [r.status for r in backend.requests[before:]] == [500]
        assert main.connection.error is not None and len(main.table.backups) == 401
        account.servers[server_id] = server
        before = len(backend.requests)
        await _tick(pilot, app, clock, 2 * POLL)  # after the backoff: the poll again
        assert _lists(backend, before) == [{"server_id": str(server_id), "backup_type": "manual"}]
        assert main.connection.error is None
