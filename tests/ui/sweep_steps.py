"""The steps of the zh-CN sweep (test_zh_sweep.py): each opens the screens and states
one group of keys reaches and reads every one of them (`Sweep.look`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Select

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.asgi import CREATE_MESSAGE
from vpstui.demo.faults import SwitchableTransport
from vpstui.operations import in_flight
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import CreateDialog, DeleteDialog, DetailsDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog
from vpstui.ui.dialogs.quit import QuitDialog
from vpstui.ui.screens.help import HelpScreen
from vpstui.ui.screens.main import MainScreen

from .sweep import Seen
from .test_main_screen import main_of, settle, wait_until

#: What the failing API says in its error bodies here (shown as the API sent it).
API_ERRORS = ("Service temporarily unavailable", "Invalid token.")
#: The demo API's `message` on a create and a restore (VPS-API.md: shown as sent).
API_MESSAGES = (
    CREATE_MESSAGE,
    "Restore of backup #",
    " has started. The server will be unavailable for a few minutes.",
)


class Holding(httpx.AsyncBaseTransport):
    """Passes requests on; while `hold_deletes`, a DELETE reaches the backend and its
    answer never comes (a request in flight for the quit question)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold_deletes = False
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "DELETE" and self.hold_deletes:
            await self.release.wait()
        return response


def api_text(backend: DemoBackend) -> list[str]:
    """What the API sends that is shown as sent, longest first (so a name inside a
    description goes with the description)."""
    state = backend.state
    texts = {s.name for s in state.servers.values()}
    texts |= {s.hostname for s in state.servers.values() if s.hostname}
    texts |= {b.description for b in state.backups.values() if b.description}
    texts |= {*API_ERRORS, *API_MESSAGES}
    return sorted(texts, key=len, reverse=True)


class Sweep:
    """Presses keys (remembering which), waits on the app, reads the screen."""

    def __init__(self, app: VpsApp, pilot: Pilot[Any], seen: Seen, size: tuple[int, int]) -> None:
        self.app, self.pilot, self.seen, self.size = app, pilot, seen, size
        self.pressed: set[str] = set()

    async def press(self, *keys: str) -> None:
        self.pressed.update(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str, field: str | None = None) -> None:
        """Text typed into a field (not keys the app binds); `field` is what the field
        holds then, if more than `text` (both are the user's words, shown as typed)."""
        self.seen.api_text = sorted({*self.seen.api_text, text, field or text}, key=len)[::-1]
        await self.pilot.press(*text)
        await self.pilot.pause()

    async def look(self, state: str) -> list[str]:
        await self.pilot.pause()
        return self.seen.look(self.app, f"{self.size[0]}x{self.size[1]} {state}")

    async def until(self, predicate: Callable[[], bool], seconds: float = 5.0) -> None:
        await wait_until(self.pilot, predicate, seconds)

    async def settle(self) -> None:
        await settle(self.app, self.pilot)

    def main(self) -> MainScreen:
        return main_of(self.app)

    def cursor_to(self, pick: Callable[[Any], bool]) -> Any:
        table = self.main().table
        target = next(b for b in table.backups.values() if pick(b))
        table.move_cursor_to(target.id)
        return target


async def sweep_main_screen(s: Sweep, clock: FakeClock) -> None:
    await s.settle()
    await s.look("main screen")
    for key in ("i", "i", "t", "t", "t", "o", "O"):
        await s.press(key)
        await s.look(f"after {key}")
    for key in ("j", "k", "down", "up", "pagedown", "pageup", "ctrl+f", "ctrl+b"):
        await s.press(key)
    for key in ("G", "g", "end", "home", "tab", "shift+tab"):
        await s.press(key)
        await s.look(f"after {key}")
    # the filter
    await s.press("slash")
    await s.look("filter open")
    await s.type("pre")
    await s.look("filter typed")
    await s.type("zzz", "prezzz")
    await s.look("filter matches nothing")
    await s.press("escape")
    await s.look("filter cleared")
    await s.press("slash")
    await s.type("web")
    await s.press("enter")
    await s.look("filter kept, table focused")
    await s.press("escape")
    # the server picker
    await s.press("s")
    await s.look("server picker")
    await s.type("xyz")
    await s.look("picker matches nothing")
    s.app.screen.query_one("#server-search", Input).value = ""
    await s.press("down", "up")
    await s.press("escape")
    await s.look("picker left")
    await s.press("s")
    await s.type("web-server-01")
    await s.press("enter")
    await s.settle()
    await s.look("one server")


async def sweep_help(s: Sweep) -> None:
    for opener, closer in (
        ("question_mark", "escape"),
        ("f1", "q"),
        ("question_mark", "question_mark"),
        ("f1", "f1"),
        ("question_mark", "enter"),
    ):
        await s.press(opener)
        await s.until(lambda: isinstance(s.app.screen, HelpScreen))
        await s.look("help")
        s.app.screen.query_one(VerticalScroll).scroll_end(animate=False)
        await s.look("help scrolled to its end")
        await s.press(closer)
        await s.until(lambda: isinstance(s.app.screen, MainScreen))


async def sweep_details_and_copies(s: Sweep) -> None:
    for closer in ("enter", "q", "escape"):
        s.cursor_to(lambda b: b.is_manual and b.is_completed)
        await s.press("enter")
        await s.until(lambda: isinstance(s.app.screen, DetailsDialog))
        await s.settle()
        await s.look("details")
        if closer == "enter":
            for key in ("c", "C"):
                await s.press(key)
                await s.look(f"details after {key}")
        await s.press(closer)
        await s.until(lambda: isinstance(s.app.screen, MainScreen))
    for key in ("c", "C", "I"):
        await s.press(key)
        await s.look(f"main after {key}")
    s.app.clear_notifications()


async def sweep_create_and_delete(s: Sweep, clock: FakeClock) -> None:
    s.main().set_scope(None, None)  # all servers: the dialog asks which server
    await s.settle()
    await s.press("n")
    await s.until(lambda: isinstance(s.app.screen, CreateDialog))
    await s.settle()
    await s.look("create, no server chosen")
    s.app.screen.query_one(Select).focus()
    await s.press("enter")
    await s.look("create, the server list open")
    await s.press("down", "enter")
    await s.settle()
    await s.look("create, db-primary chosen: quota full")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    await scope_to(s, "web-server-01")
    await s.press("n")
    await s.until(lambda: isinstance(s.app.screen, CreateDialog))
    await s.settle()
    await s.look("create")
    await s.type("x")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    await s.press("n")
    await s.until(lambda: isinstance(s.app.screen, CreateDialog))
    await s.settle()
    await s.press("enter")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    await s.settle()
    await s.look("created: toast, a backup in progress")
    s.cursor_to(lambda b: b.in_progress)
    await s.press("enter")
    await s.until(lambda: isinstance(s.app.screen, DetailsDialog))
    await s.settle()
    await s.look("details of a backup in progress")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    s.cursor_to(lambda b: b.in_progress)
    for key in ("space", "delete"):
        await s.press(key)
        await s.settle()
        await s.look(f"{key} on a backup in progress")
        if not isinstance(s.app.screen, MainScreen):
            await s.press("escape")
    s.cursor_to(lambda b: b.in_progress)
    await s.press("R")
    await s.look("R on a backup in progress: toast")
    clock.advance(60)  # the demo finishes a manual backup after 20 s
    await s.until(lambda: not any(b.in_progress for b in s.main().table.backups.values()))
    await s.settle()
    await s.look("the backup completed")
    s.app.clear_notifications()
    for opener, closer in (("delete", "n"), ("ctrl+d", "escape"), ("delete", "y")):
        s.cursor_to(lambda b: b.is_manual and b.is_completed)
        await s.press(opener)
        await s.until(lambda: isinstance(s.app.screen, DeleteDialog))
        await s.settle()
        await s.look("delete")
        await s.press(closer)
        await s.until(lambda: isinstance(s.app.screen, MainScreen))
        await s.settle()
    await s.look("deleted: toast")
    s.app.clear_notifications()


async def sweep_marks(s: Sweep) -> None:
    s.cursor_to(lambda b: b.is_completed)
    await s.press("space", "space")
    await s.look("two marked")
    await s.press("delete")
    await s.until(lambda: isinstance(s.app.screen, MultiDeleteDialog))
    await s.settle()
    await s.look("multi-delete")
    await s.type("3")
    await s.press("enter")
    await s.look("multi-delete, wrong count")
    s.app.screen.query_one("#confirm-count", Input).value = ""
    await s.type("2")
    await s.look("multi-delete, count typed")
    await s.press("enter")
    dialog = s.app.screen
    assert isinstance(dialog, MultiDeleteDialog)
    await s.until(lambda: dialog.close_only)
    assert any("已删除" in line for line in await s.look("multi-delete done"))
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    await s.settle()
    await s.look("after multi-delete")
    s.app.clear_notifications()


async def scope_to(s: Sweep, name: str) -> None:
    main = s.main()
    server = next(server for server in main.servers if server.name == name)
    main.set_scope(server.id, None)
    await s.settle()


async def sweep_palette(s: Sweep) -> None:
    await s.press("ctrl+p")
    await s.until(lambda: CommandPalette.is_open(s.app))  # type: ignore[arg-type]
    await s.pilot.pause(0.3)
    assert any("搜索命令…" in line for line in await s.look("palette"))
    await s.type("web")
    await s.pilot.pause(0.3)
    await s.look("palette, a query")
    await s.type("zzzz", "webzzzz")
    await s.pilot.pause(0.8)  # Textual says "no matches" after half a second
    shown = await s.look("palette, no match")
    assert any("没有匹配的命令" in line for line in shown), shown
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))


async def sweep_stale(s: Sweep, transport: SwitchableTransport, clock: FakeClock) -> None:
    main = s.main()
    faults: list[Any] = [
        httpx.ConnectError("Connection refused"),
        lambda request: httpx.Response(503, json={"detail": API_ERRORS[0]}),
    ]
    for fault, key in zip(faults, ("ctrl+r", "f5"), strict=True):
        transport.fault = fault
        await s.press(key)
        await s.settle()
        await s.until(lambda: main.connection.error is not None)
        await s.look(f"stale after {key}")
    main.table.move_cursor_to(next(b.id for b in main.table.backups.values() if b.is_manual))
    await s.press("delete")
    await s.until(lambda: isinstance(s.app.screen, DeleteDialog))
    await s.press("y")
    await s.until(lambda: not s.app.screen.in_flight)  # type: ignore[attr-defined]
    await s.look("delete failed (503)")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    transport.fault = None
    clock.advance(120)
    await s.until(lambda: main.connection.error is None)
    await s.settle()
    await s.look("recovered")
    await s.press("ctrl+c")  # Textual's "how to quit" hint
    assert any("退出 vpstui" in line for line in await s.look("after ctrl+c"))
    s.app.clear_notifications()


async def sweep_quit(s: Sweep, holding: Holding) -> None:
    holding.hold_deletes = True
    await scope_to(s, "web-server-01")
    s.cursor_to(lambda b: b.is_manual and b.is_completed)
    await s.press("delete")
    await s.until(lambda: isinstance(s.app.screen, DeleteDialog))
    await s.press("y")
    await s.until(lambda: bool(in_flight()))
    await s.look("delete in flight")
    await s.press("ctrl+q")
    await s.until(lambda: isinstance(s.app.screen, QuitDialog))
    assert any("仍要退出吗" in line for line in await s.look("quit question"))
    await s.press("n")
    await s.until(lambda: isinstance(s.app.screen, DeleteDialog))
    await s.press("escape")  # refused while the request is in flight
    await s.look("delete in flight, esc refused")
    holding.release.set()
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    await s.settle()
    await s.look("held delete answered")
    await s.press("q")  # nothing in flight: quits at once
