"""Quitting, or being ended by SIGHUP/SIGTERM, while a request waits for its answer
(issue 11): the app asks first, and what is in flight is recorded as unknown in the audit
log and the ledger, to be re-checked at the next start."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from vpstui.api import RetryPolicy, VpsClient
from vpstui.audit import read_entries
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.operations import in_flight
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import DeleteDialog
from vpstui.ui.dialogs.quit import QuitDialog

from .test_main_screen import main_of, settle, wait_until


class HeldDeletes(httpx.AsyncBaseTransport):
    """Passes requests to the backend, but a DELETE reaches it and then never answers."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "DELETE":
            await asyncio.Event().wait()  # the answer never comes
        return response


def demo_app(transport: httpx.AsyncBaseTransport, clock: FakeClock, tmp_path: Path) -> VpsApp:
    """The demo account on web-server-01 through `transport`, one try a request, its
    audit log and ledger in `tmp_path`."""
    api = VpsClient(
        token="t", base_url=DEMO_BASE_URL, transport=transport, retry=RetryPolicy(attempts=1)
    )
    return VpsApp(
        Settings(demo=True, server="web-server-01"),
        api,
        clock=clock,
        tick_seconds=0.1,
        audit_path=tmp_path / "audit.jsonl",
        ops_path=tmp_path / "operations.json",
    )


@pytest.fixture
def held_app(clock: FakeClock, backend: DemoBackend, tmp_path: Path) -> Callable[[], VpsApp]:
    return lambda: demo_app(HeldDeletes(backend.transport()), clock, tmp_path)


async def start_a_held_delete(app: VpsApp, pilot: object) -> int:
    await settle(app, pilot)
    main = main_of(app)
    target = next(b for b in main.table.backups.values() if b.is_manual and b.is_completed)
    main.table.move_cursor_to(target.id)
    await pilot.press("delete")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, DeleteDialog))
    await pilot.press("y")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: bool(in_flight()))
    return target.id


async def test_ctrl_q_with_a_delete_in_flight_asks_and_records_it(
    held_app: Callable[[], VpsApp], backend: DemoBackend, tmp_path: Path
) -> None:
    app = held_app()
    async with app.run_test(size=(120, 35)) as pilot:
        backup_id = await start_a_held_delete(app, pilot)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        question = str(app.screen.query_one("#question").render())
        assert "A delete (web-server-01) is in flight; quit anyway?" in question
        assert "It will be checked next time." in question
        await pilot.press("escape")  # stay
        await wait_until(pilot, lambda: isinstance(app.screen, DeleteDialog))
        assert in_flight()
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        await pilot.press("y")
        await pilot.pause(0.2)
    assert backend.count("DELETE") == 1
    audit = [(e["outcome"], e["message"]) for e in read_entries(tmp_path / "audit.jsonl")]
    assert [outcome for outcome, _ in audit] == ["attempted", "unknown"]
    assert "quit while waiting for the answer" in (audit[-1][1] or "")
    [entry] = json.loads((tmp_path / "operations.json").read_text())
    assert (entry["kind"], entry["state"], entry["backup_id"]) == ("delete", "unknown", backup_id)
    assert in_flight() == []


async def test_sighup_records_what_is_in_flight_and_exits(
    held_app: Callable[[], VpsApp], tmp_path: Path
) -> None:
    """A dropped SSH session (SIGHUP to this process) while the delete waits: recorded."""
    app = held_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await start_a_held_delete(app, pilot)
        signal.raise_signal(signal.SIGHUP)
        await pilot.pause(0.2)
    assert app.return_code == 128 + signal.SIGHUP
    # The guard that ends a process whose terminal is gone is for a real terminal only:
    # here it would end the test run itself (tests/e2e/test_hangup_tmux.py covers it).
    assert "vpstui-end-anyway" not in [thread.name for thread in threading.enumerate()]
    audit = [(e["outcome"], e["message"]) for e in read_entries(tmp_path / "audit.jsonl")]
    assert audit[-1][0] == "unknown" and "ended by SIGHUP" in (audit[-1][1] or "")
    [entry] = json.loads((tmp_path / "operations.json").read_text())
    assert entry["state"] == "unknown"


async def test_quit_with_nothing_in_flight_just_quits(held_app: Callable[[], VpsApp]) -> None:
    app = held_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause(0.1)
    assert app.return_code == 0


class ReleasedDeletes(httpx.AsyncBaseTransport):
    """A DELETE reaches the backend; its answer comes when `answer` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.answer = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "DELETE":
            await self.answer.wait()
        return response


async def test_an_answer_while_the_quit_question_is_open_closes_the_right_dialog(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> None:
    """The delete is answered while the quit question is over its dialog. Textual closes
    the top screen, whichever it is: the question went away, the delete dialog stayed
    with a backup already gone, and closing it crashed the app. Now the question stays,
    says nothing is waiting any more, and the delete dialog closes (with its outcome)
    once the question is answered."""
    transport = ReleasedDeletes(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        backup_id = await start_a_held_delete(app, pilot)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        quit_dialog = app.screen
        transport.answer.set()
        await wait_until(pilot, lambda: not in_flight())
        await wait_until(
            pilot,
            lambda: "Nothing is waiting" in str(quit_dialog.query_one("#question").render()),
        )
        assert app.screen is quit_dialog, "the question stays where the user put it"
        assert str(quit_dialog.query_one("#confirm").label) == "Quit"  # type: ignore[attr-defined]
        # The delete dialog under it no longer offers Cancel and Delete (seen in tmux).
        under = app.screen_stack[-2]
        assert not [b for b in under.query("#dialog-buttons Button") if b.display]
        assert "Answered" in str(under.query_one("#dialog-note").render())
        await pilot.press("escape")  # stay
        main = main_of(app)
        await wait_until(pilot, lambda: app.screen is main)
        await settle(app, pilot)
        assert backup_id not in main.table.backups
        assert len(app.screen_stack) == 1 and app.is_running
    assert backend.count("DELETE") == 1
    audit = [e["outcome"] for e in read_entries(tmp_path / "audit.jsonl")]
    assert audit == ["attempted", "succeeded"]


async def test_quit_from_the_palette_asks_as_ctrl_q_does(
    held_app: Callable[[], VpsApp], tmp_path: Path
) -> None:
    """The palette's Quit called `exit` directly: with a delete in flight the app quit at
    once and recorded it as unknown, though nobody had been asked."""
    app = held_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await start_a_held_delete(app, pilot)
        (quit_command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Quit"]
        app.call_later(quit_command.callback)
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        assert app.is_running
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.is_running and in_flight()


class HeldGets(httpx.AsyncBaseTransport):
    """Once `hold` is set, GETs wait for `release` (a create re-reading the quota)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold = False
        self.release = asyncio.Event()
        self.posts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and self.hold:
            await self.release.wait()
        if request.method == "POST":
            self.posts += 1
        return await self.inner.handle_async_request(request)


async def test_quitting_while_a_dialog_prepares_its_request_asks_first(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> None:
    """A create re-reads the quota before it sends; a restore waits for its safety
    backup. Nothing is in flight then, and ctrl+q quit at once, silently dropping what
    the user had confirmed (seen in tmux). It asks, naming the dialog at work."""
    from vpstui.ui.dialogs import CreateDialog

    transport = HeldGets(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
        await settle(app, pilot)
        transport.hold = True
        await pilot.press(*"before upgrade", "enter")
        await wait_until(pilot, lambda: getattr(app.screen, "in_flight", False))
        assert not in_flight(), "nothing sent yet: the quota is being read"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        question = str(app.screen.query_one("#question").render())
        assert "Create a manual backup: still at work; quit anyway?" in question, question
        await pilot.press("escape")  # stay
        transport.hold = False
        transport.release.set()
        await settle(app, pilot)
        assert app.is_running and transport.posts == 1
