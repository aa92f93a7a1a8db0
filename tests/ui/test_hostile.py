"""Hostile API strings stay inert text everywhere: table, details, dialogs, notifications,
the command palette and screenshots. Markup is shown literally, `[@click=...]` does
nothing when clicked, and escape sequences, controls and bidi overrides never reach the
terminal.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.driver import flat, main_of, notes, screen_text, settle
from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import DeleteDialog, DetailsDialog, RestoreDialog

AppFactory = Callable[..., VpsApp]
SIZE = (160, 40)
MARKUP = "[bold red]x[/]"
CLICK = "[@click=app.quit]quit[/]"
#: Characters that must never reach the terminal: ESC, BEL, NUL, backspace, RTL override.
FORBIDDEN = ("\x1b", "\x07", "\x00", "\x08", "\u202e", "\x9b")
HOSTILE = {
    "markup": MARKUP,
    "click": CLICK,
    "clear screen": "\x1b[2J\x1b[31mred",
    "osc52": "\x1b]52;c;ZXZpbA==\x07clip",
    "controls": "a\x00b\x07c\x08d\x9be",
    "rtl override": "\u202egnp.exe",
    "very long": "L" * 5000,
    "wide": "表情😀備份",
}
BACKUP = 2521  # web-server-02's manual backup in progress in the seeded account
WEB02 = 12346


def forbidden_on(text: str) -> list[str]:
    return [char for char in FORBIDDEN if char in text]


def hostile_account(backend: DemoBackend, text: str) -> None:
    """Put `text` in a backup's description, its server's name and status."""
    backend.state.backups[BACKUP].description = text
    backend.state.servers[WEB02].name = text


@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_hostile_strings_are_inert_in_table_and_dialogs(
    kind: str, make_app: AppFactory, backend: DemoBackend
) -> None:
    """Each hostile string is drawn literally (or defused) in the table and in the details,
    delete and restore dialogs; nothing forbidden reaches the screen or a screenshot."""
    hostile_account(backend, HOSTILE[kind])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        assert main.table.move_cursor_to(BACKUP)
        await pilot.pause()
        shown = [screen_text(app)]
        for key, dialog in (("enter", DetailsDialog), ("delete", DeleteDialog)):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, dialog)
            shown.append(screen_text(app))
            await pilot.press("escape")
            await pilot.pause()
        shown.append(app.export_screenshot())
        for text in shown:
            assert not forbidden_on(text), kind
        if kind in ("markup", "click"):
            assert HOSTILE[kind] in shown[0] and HOSTILE[kind] in shown[1]
        assert app.is_running


async def test_clicking_click_markup_fires_nothing(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """A description `[@click=app.quit]…` clicked in the table and in the details dialog
    does not quit the app."""
    hostile_account(backend, CLICK)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main_of(app).table.move_cursor_to(BACKUP)
        for _ in range(2):
            lines = screen_text(app).splitlines()
            row = next(i for i, line in enumerate(lines) if CLICK in line)
            await pilot.click(offset=(lines[row].index(CLICK) + 3, row))
            await pilot.pause()
            assert app.is_running
            await pilot.press("enter")  # now the details dialog
            await settle(app, pilot)
        assert app.is_running and app.return_code is None


async def test_notifications_show_api_text_literally(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """A backup finishing on a server named with markup raises a notification that shows the
    name as typed (Textual would otherwise parse it as markup)."""
    backend.state.servers[WEB02].name = f"{MARKUP}\x1b[2J"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        clock.advance(120)
        await pilot.pause(0.2)
        await settle(app, pilot)
        done = [note for note in notes(app) if str(BACKUP) in note and "completed" in note]
        assert done and MARKUP in done[0]
        assert not forbidden_on("".join(notes(app)))
        assert MARKUP in flat(app)  # the toast on screen
        assert not forbidden_on(screen_text(app))


async def test_restore_dialog_and_palette_show_names_literally(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """The restore dialog's headline and the command palette's server entries show a
    markup-like server name as typed."""
    name = "web[@click=app.quit]02[/]"
    backend.state.servers[WEB02].name = name
    done = next(
        b.id
        for b in backend.state.backups.values()
        if b.server_id == WEB02 and b.status == "completed"
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        main_of(app).table.move_cursor_to(done)
        await pilot.press("R")
        await settle(app, pilot)
        assert isinstance(app.screen, RestoreDialog)
        assert name in flat(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show server web")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert name in flat(app)
        assert app.is_running
