"""Pilot tests of "Make room…" in the restore dialog at a full manual quota."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Button, Checkbox

from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.make_room import MakeRoomRestoreDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog

from .test_main_screen import main_of, settle, wait_until
from .test_restore_safety import open_restore

AppFactory = Callable[..., VpsApp]
DB_PRIMARY = "db-primary"


async def test_make_room_proposes_the_oldest_and_rereads_the_quota(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """At 10 of 10, "Make room…" opens the multi-delete dialog with the oldest manual
    backup proposed (keep 9); Esc there deletes nothing; typing 1 deletes it once; the
    restore dialog then reads the quota again and offers the safety backup."""
    app = make_app(server=DB_PRIMARY)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        assert isinstance(dialog, MakeRoomRestoreDialog)
        room = dialog.query_one("#make-room", Button)
        assert room.display and not dialog.query_one("#safety", Checkbox).value
        manual = dialog.manual
        assert manual is not None and len(manual) == 10
        oldest = min(manual, key=lambda b: (b.created_at is None, b.created_at or 0))
        await pilot.click("#make-room")
        await pilot.pause()
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        assert [b.id for b in proposal.backups] == [oldest.id]
        await pilot.press("escape")  # nothing deleted without the typed count
        await settle(app, pilot)
        assert app.screen is dialog and backend.count("DELETE") == 0
        await pilot.click("#make-room")
        await pilot.pause()
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        await pilot.press("1", "enter")
        await wait_until(pilot, lambda: proposal.close_only)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is dialog)
        await wait_until(pilot, lambda: dialog.query_one("#safety", Checkbox).value)
        assert backend.count("DELETE") == 1
        assert oldest.id not in backend.state.backups
        assert not room.display
        assert "9 of 10" in str(dialog.query_one("#safety-status").render())
        assert oldest.id not in main_of(app).table.backups


async def test_no_make_room_below_the_quota(make_app: AppFactory) -> None:
    """With room for a safety backup, the button is not offered."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await wait_until(pilot, lambda: dialog.manual is not None)
        assert not dialog.query_one("#make-room", Button).display
