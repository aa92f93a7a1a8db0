"""The keys a dialog's footer offers follow what the keys do (seen in tmux): `esc Cancel`
is dimmed while Esc is refused, and shown as on while it still does something (stops a
batch of deletes, stops waiting for a safety backup); the quit question's `y` says what
its button says."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Static

from vpstui import i18n
from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import DeleteDialog, RestoreDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog
from vpstui.ui.dialogs.quit import QuitDialog
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.widgets.footer import KeysFooter

from .test_dialogs import footer_key, note_text
from .test_main_screen import main_of, settle, wait_until
from .test_marks import finished_rows, mark
from .test_quit import ReleasedDeletes, demo_app, start_a_held_delete
from .test_restore_safety import open_restore

AppFactory = Callable[..., VpsApp]
HELD = re.compile(r"^/api/v1/(backups/\d+|servers/\d+/restore)/$")


class Held(httpx.AsyncBaseTransport):
    """Passes requests on; a DELETE of a backup or a restore POST waits for `gate` (a
    request in flight) while it is closed, and gets a 409 if `refuse` is set by then."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = 0
        self.refuse = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in ("DELETE", "POST") and HELD.search(request.url.path):
            self.waiting += 1
            await self.gate.wait()
            if self.refuse:
                return httpx.Response(409, json={"detail": "Backup is locked."})
        return await self.inner.handle_async_request(request)


@pytest.fixture
def held(transport: SwitchableTransport) -> Held:
    wrapper = Held(transport.inner)
    transport.inner = wrapper
    return wrapper


def esc_on(app: VpsApp) -> bool:
    """Whether the dialog's footer shows `esc` as on (it is always shown), both as the
    screen's bindings say and as last painted (the footer repaints when told)."""
    said = footer_key(app, "cancel").enabled
    painted = app.screen.query_one(KeysFooter)._drawn or ()
    (drawn,) = [key for key in painted if key.action == "cancel"]
    assert drawn.enabled == said, "the footer was not told the keys changed"
    return said


async def send_a_held_delete(app: VpsApp, pilot: Pilot[None], held: Held) -> None:
    """Open the delete dialog on a finished backup (esc on) and send it: it waits at
    `held`'s closed gate."""
    await settle(app, pilot)
    main = main_of(app)
    (target,) = finished_rows(main, 1)
    main.table.move_cursor_to(target.id)
    await pilot.press("delete")
    await wait_until(pilot, lambda: isinstance(app.screen, DeleteDialog))
    assert esc_on(app)
    held.gate.clear()
    await pilot.press("y")
    await wait_until(pilot, lambda: held.waiting == 1)


async def test_esc_is_dimmed_while_a_delete_is_in_flight(make_app: AppFactory, held: Held) -> None:
    """The footer showed `esc Cancel` as on while Esc was refused ("Request in flight…").
    It is dimmed then; Esc (and n) still say why; on again once a failure gives the
    controls back."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await send_a_held_delete(app, pilot, held)
        await pilot.pause()
        assert not esc_on(app), "esc is refused while the delete is in flight"
        for key in ("escape", "n"):
            app.screen.show_note(None)  # type: ignore[attr-defined]
            await pilot.press(key)
            await pilot.pause()
            assert "Request in flight" in note_text(app), key
            assert isinstance(app.screen, DeleteDialog)
        held.gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_esc_is_on_again_when_a_refused_delete_gives_the_controls_back(
    make_app: AppFactory, held: Held
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await send_a_held_delete(app, pilot, held)
        dialog = app.screen
        assert isinstance(dialog, DeleteDialog)
        held.refuse = True
        await pilot.pause()
        assert not esc_on(app)
        held.gate.set()
        await wait_until(pilot, lambda: not dialog.in_flight)
        await pilot.pause()
        assert esc_on(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_esc_stops_a_batch_of_deletes_then_is_dimmed(
    make_app: AppFactory, held: Held
) -> None:
    """During a batch Esc stops after the current delete (on); asked once, it has nothing
    left to do until the batch ends (dimmed); then it closes (on)."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await mark(app, pilot, finished_rows(main_of(app), 2))
        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
        dialog = app.screen
        assert isinstance(dialog, MultiDeleteDialog)
        held.gate.clear()
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: held.waiting == 1)
        await pilot.pause()
        assert esc_on(app), "esc stops the batch"
        await pilot.press("escape")
        await pilot.pause()
        assert "Stopping" in note_text(app)
        assert not esc_on(app), "asked once, esc has nothing left to do"
        held.gate.set()
        await wait_until(pilot, lambda: dialog.close_only)
        await pilot.pause()
        assert esc_on(app)


async def test_esc_stops_waiting_for_the_safety_backup_then_is_dimmed_for_the_restore(
    make_app: AppFactory, held: Held, clock: FakeClock
) -> None:
    """While the safety backup is made, Esc stops waiting (on); once the restore itself
    is on its way, it is refused (dimmed) and says why."""
    app = make_app(server="mail-relay", poll_interval=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        assert dialog.query_one("#safety", Checkbox).value
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        await pilot.pause()
        assert esc_on(app), "esc stops waiting for the safety backup"
        assert key_said(app, "escape") == "Stop waiting"  # as the note says, not "Cancel"
        held.gate.clear()
        before = held.waiting
        clock.advance(60)  # the demo completes a manual backup after 20 s
        await wait_until(pilot, lambda: held.waiting > before)  # the restore is sent
        await pilot.pause()
        assert not esc_on(app), "the restore is on its way: esc is refused"
        assert key_said(app, "escape") == "Cancel"
        dialog.show_note(None)
        await pilot.press("escape")
        await pilot.pause()
        assert "Request in flight" in note_text(app)
        assert isinstance(app.screen, RestoreDialog)
        held.gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


@pytest.mark.parametrize(
    ("language", "anyway", "plain", "stay", "titles"),
    [
        ("en", "Quit anyway", "Quit", "Stay", ("Quit while a request is in flight?", "Quit?")),
        ("zh-CN", "仍然退出", "退出", "留下", ("有请求正在进行，要退出吗？", "要退出吗？")),
    ],
)
async def test_the_quit_questions_y_follows_its_button(
    clock: FakeClock,
    backend: DemoBackend,
    tmp_path: Path,
    language: str,
    anyway: str,
    plain: str,
    stay: str,
    titles: tuple[str, str],
) -> None:
    """Once nothing waits any more the question says so and its button becomes "Quit",
    but the footer still said `y Quit anyway`, and the title still spoke of a request in
    flight. The footer says `y Quit` too, and y quits; the title asks "Quit?". Its esc
    says "Stay", as the button it presses (it said "Cancel")."""
    transport = ReleasedDeletes(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    i18n.use(language)
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await start_a_held_delete(app, pilot)
            await pilot.press("ctrl+q")
            await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
            question = app.screen
            assert isinstance(question, QuitDialog)
            await pilot.pause()
            title = question.query_one("#dialog-title", Static)
            assert (y_said(app), key_said(app, "escape")) == (anyway, stay)
            assert str(title.render()) == titles[0]
            transport.answer.set()
            confirm = question.query_one("#confirm", Button)
            await wait_until(pilot, lambda: str(confirm.label) == plain)  # nothing waits
            await pilot.pause()
            assert (y_said(app), key_said(app, "escape")) == (plain, stay)
            assert str(title.render()) == titles[1]
            await pilot.press("y")
            await wait_until(pilot, lambda: not app.is_running)
    finally:
        i18n.use("en")
    assert app.return_code == 0


def key_said(app: VpsApp, key: str) -> str:
    """What the footer says `key` does, as the bindings say and as last painted (one)."""
    footer = app.screen.query_one(KeysFooter)
    (said,) = [shown.description for shown in footer.shown_keys() if shown.key == key]
    (painted,) = [shown.description for shown in footer._drawn or () if shown.key == key]
    assert painted == said, "the footer was not told the keys changed"
    return said


def y_said(app: VpsApp) -> str:
    return key_said(app, "y")
