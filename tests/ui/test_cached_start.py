"""Rows in the first frame from the listing cache (issue 13): the last session's listing
is shown marked "cached", dimmed, with no create/delete/restore on its rows, until the
live listing replaces it; then the live listing is kept for the next start."""

from __future__ import annotations

import asyncio
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from vpstui.api import VpsClient
from vpstui.api.models import Backup
from vpstui.cache import ListingCache
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.delete import DeleteDialog
from vpstui.ui.widgets.columns import COLUMNS, column_widths

from .conftest import TICK
from .test_main_screen import main_of, settle, wait_until

API = "http://127.0.0.1:8765"
TOKEN = "cache-test-token-123"


class HeldTransport(httpx.AsyncBaseTransport):
    """Holds every request until `release` is set (a slow network at start)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.release.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture(autouse=True)
def directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VPSTUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _app(
    backend: DemoBackend, clock: FakeClock, **settings: object
) -> tuple[VpsApp, HeldTransport]:
    held = HeldTransport(backend.transport())
    api = VpsClient(token=TOKEN, base_url=API, transport=held)
    options: dict[str, object] = {"api_url": API, "poll_interval": 5.0, **settings}
    return VpsApp(Settings(**options), api, clock=clock, tick_seconds=TICK), held  # type: ignore[arg-type]


def _seed_cache(backend: DemoBackend, clock: FakeClock, directory: Path) -> list[Backup]:
    """A cache saved 4 minutes ago: the live backups but one, plus one since deleted."""
    live = sorted(backend.state.backups.values(), key=lambda b: b.id)
    rows = [
        Backup(b.id, b.server_id, "old-name", b.backup_type, b.status, None, b.created_at,
               b.expires_at, b.description)
        for b in live[:-1]
    ]  # fmt: skip
    gone = Backup(999_999, rows[0].server_id, "old-name", "manual", "completed", 1.0,
                  clock.now(), None, "deleted since")  # fmt: skip
    ListingCache("127.0.0.1:8765", None, directory).save(
        (None, None), [*rows, gone], clock.now() - timedelta(minutes=4)
    )
    return [*rows, gone]


def _cache_the_live_listing(
    backend: DemoBackend, clock: FakeClock, directory: Path
) -> list[Backup]:
    """A cache of the live listing as it is now (the same servers, by name), saved now."""
    names = {server.id: server.name for server in backend.state.servers.values()}
    live = [
        Backup(b.id, b.server_id, names[b.server_id], b.backup_type, b.status, None,
               b.created_at, b.expires_at, b.description)
        for b in sorted(backend.state.backups.values(), key=lambda b: b.id)
    ]  # fmt: skip
    ListingCache("127.0.0.1:8765", None, directory).save((None, None), live, clock.now())
    return live


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


def _corrupt(directory: Path) -> None:
    directory.mkdir(parents=True)
    ListingCache("127.0.0.1:8765", None, directory).path.write_bytes(b"\x00garbage{")


async def test_cached_rows_in_the_first_frame_until_live_ones_replace_them(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    cached = _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        main = main_of(app)
        table = main.table
        assert set(table.backups) == {b.id for b in cached}  # before any answer
        assert table.has_class("-cached")
        header = str(main._status_bar.render())
        assert "cached 4m ago" in header
        await pilot.press("delete")
        assert not isinstance(app.screen, DeleteDialog)  # no delete on a cached row
        await pilot.press("n")
        assert app.screen is main  # nor a create before the API has answered
        held.release.set()
        await settle(app, pilot)
        live = set(backend.state.backups)
        assert set(table.backups) == live and 999_999 not in table.backups
        assert not table.has_class("-cached") and main.connection.cached_at is None
        assert "cached" not in str(main._status_bar.render())
        await pilot.press("delete")
        assert isinstance(app.screen, DeleteDialog)
        await app.workers.wait_for_complete()
    kept = ListingCache("127.0.0.1:8765", None, directories)
    found = kept.load((None, None))
    assert found is not None and {b.id for b in found.backups} == live
    assert stat.S_IMODE(kept.path.stat().st_mode) == 0o600
    assert TOKEN not in kept.path.read_text()


async def test_no_cache_shows_and_keeps_nothing(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    _seed_cache(backend, clock, directories)
    before = _files(directories)
    app, held = _app(backend, clock, cache=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert not main_of(app).table.backups
        held.release.set()
        await settle(app, pilot)
        assert main_of(app).table.backups
        await app.workers.wait_for_complete()
    assert _files(directories) == before


async def test_a_corrupt_cache_is_a_note_not_a_crash(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    _corrupt(directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("listing cache is unreadable" in n for n in notes), notes
        held.release.set()
        await settle(app, pilot)
        await wait_until(pilot, lambda: bool(main_of(app).table.backups))


class FrameWatch:
    """Counts the requests sent by the time the app draws its first frame, and the rows
    that frame had."""

    def __init__(self, app: VpsApp, held: HeldTransport) -> None:
        self.sent: list[str] = []
        self.at_first_frame: tuple[int, int] | None = None  # (requests sent, rows)
        inner = held.handle_async_request
        display = app._display

        async def handle(request: httpx.Request) -> httpx.Response:
            self.sent.append(request.url.path)
            return await inner(request)

        def first_frame(screen: object, renderable: object) -> None:
            display(screen, renderable)  # type: ignore[arg-type]
            if renderable is not None and self.at_first_frame is None:
                main = app.main
                rows = main.table.row_count if main is not None else 0
                self.at_first_frame = (len(self.sent), rows)

        held.handle_async_request = handle  # type: ignore[method-assign]
        app._display = first_frame  # type: ignore[method-assign]


async def test_with_cached_rows_the_requests_leave_after_the_first_frame(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """The cached rows are the first frame, drawn before any request is sent (so building
    the HTTPS client is no part of it); the live listing still follows at once."""
    cached = _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    watch = FrameWatch(app, held)
    held.release.set()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert watch.at_first_frame == (0, len(cached))
        assert app.prefetch is None  # no head start: the cache is the head start
        assert "/api/v1/servers/" in watch.sent and "/api/v1/backups/" in watch.sent
        main = main_of(app)
        assert set(main.table.backups) == set(backend.state.backups)
        assert not main.cached_ids and main.connection.cached_at is None
        await app.workers.wait_for_complete()


async def test_control_without_a_cache_the_requests_leave_before_the_first_frame(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """Control for the test above: with nothing cached, the head start sends the first
    requests while the screen is built, before its first frame."""
    app, held = _app(backend, clock)
    watch = FrameWatch(app, held)
    held.release.set()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert watch.at_first_frame is not None and watch.at_first_frame[0] >= 1
        assert app.prefetch is not None
        await app.workers.wait_for_complete()


async def test_a_deferred_load_gives_way_to_one_asked_for_after_it(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """A load held back until the screen is drawn does not start if another load was
    asked for meanwhile (it would cancel that newer one: the loads share one worker group)."""
    _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    held.release.set()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        deferred: list[Any] = []
        fetched: list[tuple[object, bool]] = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(main, "call_after_refresh", lambda *call: deferred.append(call))
            patch.setattr(
                main,
                "_fetch_backups",
                lambda scope, progressive: fetched.append((scope, progressive)),
            )
            main.load_backups(progressive=True, after_refresh=True)
            assert fetched == [] and len(deferred) == 1  # held back
            main.load_backups()  # asked for before the held-back one started
            assert fetched == [(main.scope, False)]
            callback, *args = deferred[0]
            callback(*args)  # the screen has been drawn: the held-back load is stale
            assert fetched == [(main.scope, False)]
            main.load_backups(progressive=True, after_refresh=True)
            callback, *args = deferred[1]
            callback(*args)  # nothing asked for since: it starts
            assert fetched == [(main.scope, False), (main.scope, True)]
        await app.workers.wait_for_complete()


def picker_facts(main: Any) -> list[str]:
    """The server picker's lines of facts ("◷ 40 backups · 636.1 GiB"), as drawn."""
    from textual.widgets import OptionList

    options = main.picker.query_one(OptionList)
    lines = []
    for index in range(options.option_count):
        prompt = str(options.get_option_at_index(index).prompt)
        lines += [line for line in prompt.splitlines()[1:] if "backup" in line]
    return lines


async def test_facts_from_the_cached_rows_marked_until_the_live_ones(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """While the live listing loads, the insight and the server picker show the cached rows'
    facts marked ◷ (not "Gathering…", nor the live rows counted so far), and no warning
    rests on them: the overdue server is announced once the live listing shows it."""
    cached = _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        main = main_of(app)
        await wait_until(pilot, lambda: str(main.insight.render()).startswith("◷"))
        facts = str(main.insight.render())
        servers = len({b.server_id for b in cached})
        assert f"{servers} servers" in facts and f"{len(cached)} backups" in facts
        assert "has no completed backup" in facts  # overdue in the cached rows too
        assert not [n for n in app._notifications if "No completed backup" in n.message]
        assert picker_facts(main) and all(line.startswith("◷") for line in picker_facts(main))
        held.release.set()
        await settle(app, pilot)
        await wait_until(pilot, lambda: not str(main.insight.render()).startswith("◷"))
        assert picker_facts(main) and not any("◷" in line for line in picker_facts(main))
        assert f"{len(backend.state.backups)} backups" in str(main.insight.render())
        overdue = [n for n in app._notifications if "No completed backup" in n.message]
        assert len(overdue) == 1 and "db-replica" in overdue[0].message
        await app.workers.wait_for_complete()


async def test_no_count_before_any_answer(backend: DemoBackend, clock: FakeClock) -> None:
    """With no cache and no answer yet, the line over the table names the scope but no
    count ("0 backups" would claim what the API has not said); the count comes with it."""
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        main = main_of(app)
        line = str(main._scope_bar.render())
        assert "All servers" in line and "backup" not in line
        held.release.set()
        await settle(app, pilot)
        total = len(backend.state.backups)
        assert f"{total} backups" in str(main._scope_bar.render())
        await app.workers.wait_for_complete()


async def test_the_server_column_is_sized_in_the_first_frame(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """The cached rows name the servers with backups, so the Server column has its width
    in the first frame, not the default one and then another when the server list comes."""
    live = _cache_the_live_listing(backend, clock, directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        table = main_of(app).table
        assert table.row_count == len(live), "the cached rows are shown"
        first = table._server_width
        assert first != COLUMNS[1].width, "control: the default width is not the fitted one"
        held.release.set()
        await settle(app, pilot)
        assert main_of(app).servers, "the server list arrived"
        assert table._server_width == first
        await app.workers.wait_for_complete()


async def test_the_first_frame_has_the_columns_of_the_tables_width(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """Sizing the Server column from the cached rows, before the table was laid out, laid
    the columns out for a width of 0: the first frame showed four columns and IDs cut to
    their first digits ("10299" for 102990…102999), right a frame later. The header, built
    then too, had dropped its " vpstui " badge for want of room."""
    _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    seen: list[tuple[list[int], list[int], str]] = []
    display = app._display

    def first_frame(screen: Any, update: Any) -> None:
        main = app.main
        if not seen and main is not None:
            table = main.table
            laid_out = column_widths(table._width, table._server_width)
            seen.append((list(table._widths), laid_out, str(main._status_bar.render())))
        display(screen, update)

    app._display = first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert seen, "the first frame was drawn"
        drawn, laid_out, header = seen[0]
        assert drawn == laid_out
        assert header.startswith(" vpstui "), header  # not laid out for a width of 0
        assert drawn[0] == COLUMNS[0].width and drawn[-1] > 0, "whole IDs and descriptions"
        held.release.set()
        await settle(app, pilot)
        await app.workers.wait_for_complete()


async def test_the_picker_finds_the_cached_rows_servers_before_the_server_list(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """Before the server list's answer, the picker's search said "No server matches" for a
    server whose rows were on screen, and Enter did nothing. It searches the cached rows'
    servers meanwhile, and picking one shows its rows."""
    live = _cache_the_live_listing(backend, clock, directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        main = main_of(app)
        await wait_until(pilot, lambda: str(main.insight.render()).startswith("◷"))
        target = next(b for b in live if b.server_name == "db-primary")
        await pilot.press("s", *"db-prim")
        await pilot.pause()
        assert any("db-primary" in line for line in picker_lines(main))
        assert not any("No server matches" in line for line in picker_lines(main))
        await pilot.press("enter")
        await pilot.pause()
        assert main.scope[0] == target.server_id
        held.release.set()
        await settle(app, pilot)
        assert not main.servers_from_cache  # the server list has replaced them
        await app.workers.wait_for_complete()


def picker_lines(main: Any) -> list[str]:
    from textual.widgets import OptionList

    options = main.picker.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_refusals_on_cached_rows_are_said_once_while_shown(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    """del, R, n on cached rows each say why nothing happens; three presses stacked three
    copies of the same toast, which stayed after the list went live."""
    _seed_cache(backend, clock, directories)
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("delete", "R", "n", "delete")
        await pilot.pause()
        said = [n.message for n in app._notifications if "from the cache" in n.message]
        assert said == ["These rows are from the cache; wait a moment for the live list."]
        held.release.set()
        await settle(app, pilot)
        await app.workers.wait_for_complete()


def test_the_header_says_loading_once_pages_have_come() -> None:
    """ "◌ connecting · loaded 2,540 of 3,000" read as if nothing had answered yet."""
    from vpstui.ui.widgets.status_bar import Connection, StatusBar

    bar = StatusBar()
    state = Connection(host="api.example", loading=True, loaded=0, expected=None)
    assert "connecting" in bar._line(state, None, None, set()).plain
    state = Connection(host="api.example", loading=True, loaded=2_540, expected=3_000)
    line = bar._line(state, None, None, set()).plain
    assert "◌ loading · loaded 2,540 of 3,000" in line and "connecting" not in line


def test_with_the_api_down_the_banner_says_how_old_the_cached_rows_are() -> None:
    """A warm start with the API down: the banner began with a blank where the age
    should be ("  Retrying in 5s"), though the rows on screen were the cache's."""
    from datetime import UTC, datetime

    from vpstui.ui.widgets.status_bar import Connection, StaleBanner

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    state = Connection(
        host="api.example",
        error="Could not connect to api.example.",
        retry_at=now + timedelta(seconds=5),
        cached_at=now - timedelta(minutes=8),
    )
    banner = StaleBanner()
    shown: list[str] = []
    banner.update = lambda text: shown.append(str(text))  # type: ignore[method-assign,assignment]
    banner.show(state, now)
    first = shown[-1].splitlines()[0]
    assert first.startswith("Showing cached data from 8m ago. Retrying in 5s"), first


async def test_gathering_facts_keeps_the_two_lines_the_facts_take(
    backend: DemoBackend, clock: FakeClock
) -> None:
    """ "Gathering backup facts…" took one line, an account's facts two (three with a
    warning): the table moved down a row when they came. The insight keeps two lines
    from the start, so a healthy account's facts move nothing."""
    app, held = _app(backend, clock)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        main = main_of(app)
        assert "Gathering" in str(main.insight.render())
        assert main.insight.region.height == 3  # two lines and the rule under them
        held.release.set()
        await settle(app, pilot)
        facts = str(main.insight.render())
        assert "Gathering" not in facts
        assert main.insight.region.height == 1 + max(2, len(facts.splitlines()))
        await app.workers.wait_for_complete()


async def test_without_a_cache_the_server_column_is_sized_by_the_first_page(
    backend: DemoBackend, clock: FakeClock
) -> None:
    """A cold start drew the Server column at its default width until the server list
    came, then narrowed it: every row shifted. The first page's names size it."""
    transport = HeldServers(backend.transport())
    api = VpsClient(token=TOKEN, base_url=API, transport=transport)
    app = VpsApp(Settings(api_url=API, poll_interval=5.0), api, clock=clock, tick_seconds=TICK)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 35)) as pilot:
        main = main_of(app)
        await wait_until(pilot, lambda: main.table.row_count > 0)
        await pilot.pause()
        assert not main.servers, "the server list has not come"
        first = main.table._server_width
        assert first != COLUMNS[1].width, "control: not the default width"
        transport.release.set()
        await settle(app, pilot)
        assert main.servers and main.table._server_width == first
        await app.workers.wait_for_complete()


class HeldServers(httpx.AsyncBaseTransport):
    """Holds the server list's requests until `release` is set; the rest go through."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "/servers" in request.url.path:
            await self.release.wait()
        return await self.inner.handle_async_request(request)
