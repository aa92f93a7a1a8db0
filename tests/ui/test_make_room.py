"""Pilot tests of "Make room…" in the restore dialog at a full manual quota."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox

from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.make_room import MakeRoomRestoreDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog

from .test_main_screen import main_of, settle, wait_until

AppFactory = Callable[..., VpsApp]
DB_PRIMARY = "db-primary"


async def open_restore(app: VpsApp, pilot: Pilot[None]) -> MakeRoomRestoreDialog:
    """The restore dialog of the server's newest completed backup (not one of the oldest
    manual ones, which "Make room…" proposes: see the last test)."""
    await settle(app, pilot)
    main = main_of(app)
    done = [b for b in main.table.backups.values() if b.is_completed and b.created_at]
    target = max(done, key=lambda b: (b.created_at, b.id))
    main.table.move_cursor_to(target.id)
    await pilot.press("R")
    await settle(app, pilot)
    dialog = app.screen
    assert isinstance(dialog, MakeRoomRestoreDialog)
    return dialog


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
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        assert [b.id for b in proposal.backups] == [oldest.id]
        await pilot.press("escape")  # nothing deleted without the typed count
        await settle(app, pilot)
        assert app.screen is dialog and backend.count("DELETE") == 0
        await pilot.click("#make-room")
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
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


def db_primary_id(backend: DemoBackend) -> int:
    return next(s.id for s in backend.state.servers.values() if s.name == DB_PRIMARY)


def manual_of(backend: DemoBackend, server_id: int) -> list[int]:
    """The server's manual backups' ids, oldest first (the demo hands out ids in order)."""
    return sorted(
        b.id
        for b in backend.state.backups.values()
        if b.server_id == server_id and b.backup_type == "manual"
    )


async def test_make_room_counts_a_backup_in_progress_as_taking_a_slot(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """10 of 10 with one still being created: the dialog names the oldest ones and says to
    delete one first; "Make room…" must propose the oldest completed one (deleting it frees
    the slot), not say that nothing can be deleted."""
    server_id = db_primary_id(backend)
    newest = manual_of(backend, server_id)[-1]
    backend.state.remove_backup(newest)
    running = backend.state.add_backup(server_id, status="in_progress")
    app = make_app(server=DB_PRIMARY)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        assert isinstance(dialog, MakeRoomRestoreDialog)
        await wait_until(pilot, lambda: dialog.manual is not None)
        assert any(b.id == running.id and b.in_progress for b in dialog.manual or [])
        oldest = manual_of(backend, server_id)[0]
        assert f"#{oldest}" in str(dialog.query_one("#safety-status").render())
        await pilot.click("#make-room")
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        assert [b.id for b in proposal.backups] == [oldest]


async def test_make_room_reads_the_backups_again_before_proposing(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """The list changed while the dialog was open (the oldest deleted elsewhere, another
    backup started): "Make room…" proposes from the current list and the quota line says
    what that list says, never a backup that is gone."""
    server_id = db_primary_id(backend)
    app = make_app(server=DB_PRIMARY)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        assert isinstance(dialog, MakeRoomRestoreDialog)
        await wait_until(pilot, lambda: dialog.manual is not None)
        first, second = manual_of(backend, server_id)[:2]
        status = dialog.query_one("#safety-status")
        assert f"#{first}" in str(status.render())
        backend.state.remove_backup(first)  # someone else deleted it...
        backend.state.add_backup(server_id, status="in_progress")  # ...and started one
        await pilot.click("#make-room")
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        assert [b.id for b in proposal.backups] == [second]
        shown = str(status.render())
        assert f"#{second}" in shown and f"#{first}" not in shown


async def test_make_room_never_proposes_the_backup_being_restored(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """Found in tmux: restoring from the oldest manual backup at 10 of 10, "Make room…"
    proposed that very backup; deleting it let the safety backup be taken, then the
    restore failed with 404 and the backup the operator wanted was gone. The restore's
    own backup is never proposed, nor named among the oldest to delete."""
    server_id = db_primary_id(backend)
    source, next_oldest = manual_of(backend, server_id)[:2]
    app = make_app(server=DB_PRIMARY)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        main.table.move_cursor_to(source)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, MakeRoomRestoreDialog))
        dialog = app.screen
        assert isinstance(dialog, MakeRoomRestoreDialog) and dialog.backup.id == source
        await wait_until(pilot, lambda: dialog.manual is not None)
        status = str(dialog.query_one("#safety-status").render())
        assert f"#{next_oldest}" in status and f"#{source}" not in status
        await pilot.click("#make-room")
        await wait_until(pilot, lambda: isinstance(app.screen, MultiDeleteDialog))
        proposal = app.screen
        assert isinstance(proposal, MultiDeleteDialog)
        assert [b.id for b in proposal.backups] == [next_oldest]
        await pilot.press("1", "enter")
        await wait_until(pilot, lambda: proposal.close_only)
        assert source in backend.state.backups and next_oldest not in backend.state.backups
