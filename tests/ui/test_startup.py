"""The main screen's first requests get a head start (`vpstui.loading`, issue 4):
they leave before the screen is built, the first page is in the first frame, and nothing
is asked twice."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events

from vpstui.api import VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.main import MainScreen

from .conftest import TICK
from .test_main_screen import settle

AppFactory = Any


def list_requests(backend: DemoBackend, path: str) -> list[dict[str, str]]:
    return [r.query for r in backend.requests if r.method == "GET" and r.path == path]


async def test_rows_are_there_before_the_first_paint(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the main screen finishes mounting (before its first frame), the first page of
    backups is already in the table: the requests left while it was being built."""
    seen: dict[str, Any] = {}
    original = MainScreen.on_mount

    def on_mount(self: MainScreen) -> None:
        seen["requests_left"] = self.app.prefetch is not None
        original(self)
        seen["rows"] = self.table.row_count

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    app: VpsApp = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert seen["requests_left"]
        assert seen["rows"] > 0
        assert app.main is not None and app.main.table.row_count >= seen["rows"]


async def test_control_without_the_head_start_the_first_paint_has_no_rows(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control: with the head start switched off, the same probe sees an empty table, so
    the test above measures the prefetch and not the speed of the in-process backend."""
    seen: dict[str, int] = {}
    original = MainScreen.on_mount

    def on_mount(self: MainScreen) -> None:
        original(self)
        seen["rows"] = self.table.row_count

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    monkeypatch.setattr(VpsApp, "on_load", lambda self: None)
    app: VpsApp = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert seen["rows"] == 0
        assert app.main is not None and app.main.table.row_count > 0


async def test_each_first_request_is_made_once(make_app: AppFactory, backend: DemoBackend) -> None:
    """The screen takes the head start over: one server list, one first page, no repeat."""
    app: VpsApp = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert len(list_requests(backend, "/api/v1/servers/")) == 1
        first_pages = [q for q in list_requests(backend, "/api/v1/backups/") if "page" not in q]
        assert len(first_pages) == 1
        assert app.prefetch is not None
        assert app.prefetch.take_servers() is None, "handed out once"


async def test_a_server_id_is_fetched_for_that_server_only(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """`--server ID`: the head start asks for that server's backups, and nothing else."""
    server_id = next(iter(backend.state.servers))
    app: VpsApp = make_app(server=str(server_id))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        queries = list_requests(backend, "/api/v1/backups/")
        assert queries and all(q.get("server_id") == str(server_id) for q in queries)
        assert app.main is not None and app.main.scope == (server_id, None)
        assert {b.server_id for b in app.main.table.backups.values()} == {server_id}


async def test_on_first_frame_is_called_once_after_the_first_frame(
    clock: FakeClock, backend: DemoBackend
) -> None:
    """`on_first_frame` (the CLI turns the garbage collector back on there) runs once,
    after the app has drawn its first frame, not before."""
    frames: list[int] = []
    calls: list[int] = []
    api = VpsClient(token="t", base_url=DEMO_BASE_URL, transport=backend.transport())
    app = VpsApp(
        Settings(demo=True),
        api,
        clock=clock,
        tick_seconds=TICK,
        on_first_frame=lambda: calls.append(len(frames)),
    )
    display = app._display

    def counted(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append(1)

    app._display = counted  # type: ignore[method-assign]
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.pause()
    assert len(calls) == 1 and calls[0] >= 1, (calls, len(frames))


async def test_the_first_resume_does_not_restyle_what_mount_just_styled(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual restyles a screen's every node when it becomes active; right after the main
    screen mounted (every widget styled then) that is skipped. A later resume that asks
    for it (as `switch_screen` back to it would) restyles as usual."""
    restyles: list[bool] = []
    original = MainScreen.update_node_styles

    def update_node_styles(self: MainScreen, animate: bool = True) -> None:
        restyles.append(animate)
        original(self, animate)

    monkeypatch.setattr(MainScreen, "update_node_styles", update_node_styles)
    app: VpsApp = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert restyles == []
        main = app.main
        assert main is not None and app.screen is main
        main.post_message(events.ScreenResume())
        await pilot.pause()
        assert restyles == [False]
