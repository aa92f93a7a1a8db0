"""Pilot tests of marks (`space`) and deleting the marked backups in one dialog."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import httpx
import pytest
from textual.widgets import Button, Input, Static

from vpstui import i18n
from vpstui.api.models import Backup
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog
from vpstui.ui.screens.help import HelpScreen
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.widgets.status_bar import ScopeBar

from .test_dialogs import flat
from .test_main_screen import main_of, settle, wait_until

AppFactory = Callable[..., VpsApp]
DELETE_PATH = re.compile(r"/api/v1/backups/(\d+)/$")


class GatedDeletes(httpx.AsyncBaseTransport):
    """Passes requests on; a DELETE of a backup in `refuse` gets a 409, and while `gate` is
    set, DELETEs wait for it to open (a delete in flight)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refuse: set[int] = set()
        #: DELETEs of these get a 500 and are not passed on (the backup stays).
        self.broken: set[int] = set()
        self.gate: asyncio.Event | None = None
        self.deleted: list[int] = []
        self.waiting = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        match = DELETE_PATH.search(request.url.path)
        if request.method == "DELETE" and match:
            backup_id = int(match.group(1))
            self.deleted.append(backup_id)
            if self.gate is not None:
                self.waiting += 1
                await self.gate.wait()
            if backup_id in self.broken:
                return httpx.Response(500, text="<title>Oops</title>")
            if backup_id in self.refuse:
                return httpx.Response(409, json={"detail": "Backup is locked by a support case."})
        return await self.inner.handle_async_request(request)


@pytest.fixture
def gated(transport: SwitchableTransport) -> GatedDeletes:
    wrapper = GatedDeletes(transport.inner)
    transport.inner = wrapper
    return wrapper


def finished_rows(screen: MainScreen, count: int) -> list[Backup]:
    """The first `count` finished backups in table order."""
    table = screen.table
    rows = [table.backups[bid] for bid in table.visible_ids]
    finished = [b for b in rows if not b.in_progress]
    assert len(finished) >= count
    return finished[:count]


async def mark(app: VpsApp, pilot: object, backups: list[Backup]) -> None:
    screen = main_of(app)
    for backup in backups:
        assert screen.table.move_cursor_to(backup.id)
        await pilot.press("space")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def scope_text(app: VpsApp) -> str:
    return str(main_of(app).query_one(ScopeBar).render())


async def test_space_marks_and_unmarks_and_the_scope_line_counts(make_app: AppFactory) -> None:
    """space marks the row under the cursor (a "*" left of its id) and moves on; the scope
    line says "2 marked"; space on a marked row unmarks it."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        first, second = finished_rows(screen, 2)
        await mark(app, pilot, [first, second])
        assert list(screen.marked) == [first.id, second.id]
        assert "2 marked" in scope_text(app)
        row = screen.table.visible_ids.index(first.id) + 1 - round(screen.table.scroll_y)
        assert screen.table.render_line(row).text.startswith("*")
        screen.table.move_cursor_to(first.id)
        await pilot.press("space")
        await pilot.pause()
        assert list(screen.marked) == [second.id]
        assert "1 marked" in scope_text(app)
        assert not screen.table.render_line(row).text.startswith("*")


async def test_an_in_progress_backup_cannot_be_marked(make_app: AppFactory) -> None:
    """space on a backup still being made says why and marks nothing."""
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"x", "enter")  # start one: in progress
        await settle(app, pilot)
        screen = main_of(app)
        running = screen.table.cursor_backup
        assert running is not None and running.in_progress
        await pilot.press("space")
        await pilot.pause()
        assert screen.marked == {}
        assert any("only finished backups" in str(n.message) for n in app._notifications)


async def test_delete_with_marks_asks_for_the_typed_count_and_deletes_each_once(
    make_app: AppFactory, backend: DemoBackend, gated: GatedDeletes
) -> None:
    """Delete with 2 marks: one dialog lists both with the total size; the wrong count
    sends nothing; "2" deletes them once each, in the order marked; rows and marks go."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        first, second = finished_rows(screen, 2)
        await mark(app, pilot, [second, first])
        await pilot.press("delete")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MultiDeleteDialog)
        listing = str(dialog.query_one("#listing", Static).render())
        assert f"#{first.id}" in listing and f"#{second.id}" in listing
        assert "Total:" in listing and "in 2 backups" in listing
        assert "Type 2 to delete 2 backups" in str(dialog.query_one("#count-prompt").render())
        confirm = dialog.query_one("#confirm", Button)
        assert confirm.disabled
        await pilot.press("1", "enter")
        await pilot.pause()
        assert gated.deleted == [] and isinstance(app.screen, MultiDeleteDialog)
        await pilot.press("backspace", "2")
        await pilot.pause()
        assert not confirm.disabled
        await pilot.press("enter")
        await wait_until(pilot, lambda: dialog.close_only)
        assert gated.deleted == [second.id, first.id]
        assert backend.count("DELETE") == 2
        assert dialog.states == ["deleted", "deleted"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert screen.marked == {}
        assert first.id not in screen.table.backups and second.id not in screen.table.backups
        assert "marked" not in scope_text(app)


async def test_a_failure_midway_stops_and_lists_what_was_not_deleted(
    make_app: AppFactory, gated: GatedDeletes
) -> None:
    """The second of three DELETEs is refused (409): the first is deleted, the third never
    sent; the dialog lists what was and was not deleted; only the deleted one is unmarked."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        one, two, three = finished_rows(screen, 3)
        gated.refuse = {two.id}
        await mark(app, pilot, [one, two, three])
        await pilot.press("delete")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MultiDeleteDialog)
        await pilot.press("3", "enter")
        await wait_until(pilot, lambda: dialog.close_only)
        assert gated.deleted == [one.id, two.id]
        assert dialog.states == ["deleted", "failed", "not sent"]
        listing = str(dialog.query_one("#listing", Static).render())
        assert "locked by a support case" in listing
        error = str(dialog.query_one("#dialog-error", Static).render())
        assert "Deleted 1 of 3" in error and f"#{two.id}, #{three.id}" in error
        await pilot.press("escape")
        await settle(app, pilot)
        assert list(screen.marked) == [two.id, three.id]
        assert one.id not in screen.table.backups


async def test_escape_while_deleting_stops_after_the_current_delete(
    make_app: AppFactory, gated: GatedDeletes
) -> None:
    """Esc during the first DELETE: that one completes (never cancelled), the rest are not
    sent, and the dialog stays to say so."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        one, two = finished_rows(screen, 2)
        await mark(app, pilot, [one, two])
        await pilot.press("delete")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MultiDeleteDialog)
        gated.gate = asyncio.Event()
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: gated.waiting == 1)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MultiDeleteDialog)
        assert "Stopping" in str(dialog.query_one("#dialog-note", Static).render())
        gated.gate.set()
        await wait_until(pilot, lambda: dialog.close_only)
        assert gated.deleted == [one.id]
        assert dialog.states == ["deleted", "not sent"]
        assert dialog.query_one("#confirm-count", Input).display is False


async def test_help_and_palette_list_the_mark_keys(make_app: AppFactory) -> None:
    """The help screen lists space; the palette offers marking, deleting the marked
    backups and clearing marks, and "Clear marks" clears them."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        await mark(app, pilot, finished_rows(screen, 1))
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Mark / unmark backup", "Delete marked backups", "Clear marks"} <= set(commands)
        assert "(space)" in commands["Mark / unmark backup"].help
        commands["Clear marks"].callback()
        await pilot.pause()
        assert screen.marked == {} and "marked" not in scope_text(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "space Mark / unmark a backup; del then deletes all marked" in flat(app)


async def test_read_only_marks_nothing(make_app: AppFactory) -> None:
    """Marks are for deleting: read-only says why and marks nothing."""
    app = make_app(read_only=True, read_only_reason="--read-only")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        await mark(app, pilot, finished_rows(screen, 1))
        assert screen.marked == {}
        assert any(n.title == "Read-only" for n in app._notifications)


async def test_the_dialog_in_zh_cn_keeps_the_typed_count_in_digits(
    make_app: AppFactory, gated: GatedDeletes
) -> None:
    """In zh-CN the dialog speaks Chinese; the count to type is still the digit."""
    i18n.use("zh-CN")
    try:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = main_of(app)
            first, second = finished_rows(screen, 2)
            await mark(app, pilot, [first, second])
            assert "已标记 2 个" in scope_text(app)
            await pilot.press("delete")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, MultiDeleteDialog)
            assert "输入 2 以删除 2 个备份" in flat(app)
            await pilot.press("2", "enter")
            await wait_until(pilot, lambda: dialog.close_only)
            assert gated.deleted == [first.id, second.id]
            assert "已删除 2 个，共 2 个备份。" in flat(app)
    finally:
        i18n.use("en")


async def test_a_lost_answer_is_rechecked_and_said_as_the_api_showed(
    make_app: AppFactory, gated: GatedDeletes
) -> None:
    """A 500 on the first DELETE: the answer counts as lost, the API is re-read (the backup
    is still there), so it is listed as not deleted, and the run stops before the next."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = main_of(app)
        one, two = finished_rows(screen, 2)
        gated.broken = {one.id}
        await mark(app, pilot, [one, two])
        await pilot.press("delete")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MultiDeleteDialog)
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: dialog.close_only, 5)
        assert gated.deleted == [one.id]
        assert dialog.states == ["failed", "not sent"]
        assert dialog.deleted_ids == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert list(screen.marked) == [one.id, two.id]
        assert one.id in screen.table.backups


async def test_the_quit_question_names_the_next_delete_of_the_batch(
    make_app: AppFactory, gated: GatedDeletes
) -> None:
    """ctrl+q during a batch of deletes: when the first is answered the next is sent, and
    the question must name it, not say that nothing is waiting (seen in tmux)."""
    from vpstui.ui.dialogs.quit import QuitDialog

    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        one, two = finished_rows(main_of(app), 2)
        await mark(app, pilot, [one, two])
        await pilot.press("delete")
        await pilot.pause()
        first = gated.gate = asyncio.Event()
        await pilot.press("2", "enter")
        await wait_until(pilot, lambda: gated.waiting == 1)
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, QuitDialog))
        question = app.screen
        gated.gate = asyncio.Event()  # the second DELETE waits
        first.set()
        await wait_until(pilot, lambda: gated.waiting == 2)
        await pilot.pause(0.7)  # the question looks twice a second
        text = str(question.query_one("#question").render())
        assert "Nothing is waiting" not in text and "in flight" in text, text
        gated.gate.set()
        await wait_until(pilot, lambda: "Nothing is waiting" in str(
            question.query_one("#question").render()))  # fmt: skip
        await pilot.press("escape")
        await settle(app, pilot)
        assert gated.deleted == [one.id, two.id]
