"""Pilot tests of whole flows through the app: create, delete, restore, palette, fallbacks."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from textual.widgets import Checkbox

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import CreateDialog, DeleteDialog, RestoreDialog
from vpstui.ui.screens.main import MainScreen

from .test_main_screen import main_of, settle, wait_until

AppFactory = Callable[..., VpsApp]


async def test_create_selects_the_new_row_and_polls_it_to_completion(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """n on a server, a description, Enter: one POST, the new row is selected and completes."""
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        assert isinstance(app.screen, CreateDialog)
        await settle(app, pilot)
        await pilot.press(*"before upgrade", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert backend.count("POST", "/api/v1/backups/") == 1
        table = main_of(app).table
        new = table.cursor_backup
        assert new is not None and new.description == "before upgrade" and new.in_progress
        clock.advance(60)
        await wait_until(pilot, lambda: table.backups[new.id].is_completed)
        await settle(app, pilot)
        assert table.cursor_backup is not None and table.cursor_backup.id == new.id


async def test_delete_with_y_removes_the_row(make_app: AppFactory, backend: DemoBackend) -> None:
    """Delete, then y: exactly one DELETE and the row disappears; Enter alone cancels."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        await pilot.press("down")
        target = table.cursor_backup
        assert target is not None and not target.in_progress
        await pilot.press("delete")
        assert isinstance(app.screen, DeleteDialog)
        await pilot.press("enter")  # Cancel has focus
        await settle(app, pilot)
        assert backend.count("DELETE") == 0
        await pilot.press("ctrl+d")
        await pilot.press("y")
        await settle(app, pilot)
        assert backend.count("DELETE") == 1
        assert target.id not in table.backups
        assert target.id not in backend.state.backups


async def start_restore(app: VpsApp, pilot: object, backend: DemoBackend) -> None:
    """R on mail-relay's selected backup, no safety backup, the exact name: one POST."""
    await settle(app, pilot)
    await pilot.press("R")  # type: ignore[attr-defined]
    assert isinstance(app.screen, RestoreDialog)
    await settle(app, pilot)
    app.screen.query_one("#safety", Checkbox).value = False  # see the safety tests
    await pilot.press(*"mail-rela", "enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert backend.count("POST", "/api/v1/servers/") == 0  # not the exact name yet
    await pilot.press("y", "enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert backend.count("POST", "/api/v1/servers/13210/restore/") == 1
    assert isinstance(app.screen, MainScreen)


async def test_restore_end_is_announced_only_after_a_status_change_settled(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """A backend that shows `restoring` (a demo option): the follow-up sees active →
    restoring → active settle on two reads, then says "finished" with the bell."""
    backend.state.restore_status = "restoring"
    app = make_app(server="mail-relay")
    bells: list[bool] = []
    async with app.run_test(size=(120, 35)) as pilot:
        app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
        await start_restore(app, pilot, backend)
        assert backend.state.servers[13210].status == "restoring"
        bar = app.screen.query_one("#status-bar")
        await wait_until(pilot, lambda: "restore accepted: mail-relay" in str(bar.render()))
        main = main_of(app)
        clock.advance(6)  # one read while restoring
        await wait_until(pilot, lambda: main.server(13210).status == "restoring")  # type: ignore[union-attr]
        clock.advance(60)  # the demo's restore took 45 s: active again, seen once
        await wait_until(pilot, lambda: main.server(13210).status == "active")  # type: ignore[union-attr]
        await pilot.pause(0.3)
        assert not bells, "one read of the settled status is not yet an end"
        clock.advance(6)
        await wait_until(pilot, lambda: bool(bells))
        await settle(app, pilot)
        done = [n.message for n in app._notifications if n.title == "Restore done"]
        assert done and "active → restoring → active" in done[0]
        assert "restore accepted" not in str(app.screen.query_one("#status-bar").render())
        await pilot.press("I")
        assert "finished" in app.clipboard and "not reported" not in app.clipboard


async def test_restore_without_a_status_says_only_that_the_api_accepted_it(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """The documented API (the demo's default): the server stays `active`. No bell, no
    "done": after the follow window the app says what is true, and so does `I`."""
    app = make_app(server="mail-relay", restore_follow=60.0)
    bells: list[bool] = []
    async with app.run_test(size=(120, 35)) as pilot:
        app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
        await start_restore(app, pilot, backend)
        assert backend.state.servers[13210].status == "active"
        main = main_of(app)
        for _ in range(14):  # reads every 5 s, past the restore's 45 s and the 60 s window
            clock.advance(5)
            await pilot.pause(0.15)
        await wait_until(pilot, lambda: not main.follower.restoring)
        await settle(app, pilot)
        assert not bells
        said = [n.message for n in app._notifications]
        assert not any("finished" in text or "done" in text.lower() for text in said)
        assert any(
            "Restore of mail-relay accepted by the API at 16:00 UTC. VPS.org does not report "
            "restore progress: check the server." in text
            for text in said
        )
        await pilot.press("I")
        assert "end: not reported by the API" in app.clipboard
        assert "finished 20" not in app.clipboard


async def test_restore_of_in_progress_backup_explains_instead(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """R on a backup still in progress opens no dialog and sends nothing."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        table.move_cursor_to(2521)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("only completed" in n.message for n in app._notifications)
        assert backend.count("POST") == 0


async def test_servers_derived_from_backups_when_listing_is_forbidden(
    make_app: AppFactory, transport: SwitchableTransport
) -> None:
    """A token that may not list servers (403) still gets a server picker from the backups."""
    inner = transport.inner

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/servers/":
            return httpx.Response(403, json={"detail": "You do not have permission."})
        return await inner.handle_async_request(request)

    transport.handle_async_request = handler  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        names = {s.name for s in main.picker.servers}
        assert {"db-primary", "web-server-01", "mail-relay"} <= names
        assert main.servers_derived


async def test_command_palette_offers_every_action(make_app: AppFactory) -> None:
    """ctrl+p lists the backup actions by name."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("New backup", "Delete backup", "Restore from backup", "Refresh", "Help"):
            assert title in titles
        assert "Server db-primary" in titles


async def test_over_a_dialog_the_palette_offers_no_screen_actions(make_app: AppFactory) -> None:
    """ctrl+p over the create dialog listed "Delete backup", which opened a delete dialog
    over the create dialog while it was sending (seen in tmux). Over a dialog the palette
    offers Help and Quit, not the main screen's actions."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Quit" in titles
        assert not {"New backup", "Delete backup", "Restore from backup"} & set(titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Delete backup", "enter")
        await pilot.pause(0.3)
        assert not [s for s in app.screen_stack if isinstance(s, DeleteDialog)]


async def test_help_from_the_palette_opens_over_a_dialog_and_returns_to_it(
    make_app: AppFactory,
) -> None:
    """The palette over a dialog offers Help (reported as doing nothing there): it opens
    the help over the dialog, and closing the help returns to the dialog as it was."""
    from textual.command import CommandPalette
    from textual.widgets import Input

    from vpstui.ui.screens.help import HelpScreen

    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
        dialog = app.screen
        await settle(app, pilot)
        await pilot.press(*"half typed")
        description = dialog.query_one("#description", Input)
        assert app.focused is description
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: CommandPalette.is_open(app))  # type: ignore[arg-type]
        await pilot.press(*"Help", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert app.screen_stack[-2] is dialog
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is dialog)
        assert description.value == "half typed" and app.focused is description


async def test_copy_puts_the_id_on_the_clipboard(make_app: AppFactory) -> None:
    """c copies the selected backup's ID."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        backup = main_of(app).table.cursor_backup
        assert backup is not None
        assert app.clipboard == str(backup.id)
