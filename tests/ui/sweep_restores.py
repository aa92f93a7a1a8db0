"""The zh-CN sweep's restore steps: the restore dialog ticked and unticked, the name half
and fully typed, the safety backup's wait stopped, restores followed to their end, and
Make room at a full quota."""

from __future__ import annotations

from textual.widgets import Checkbox

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.ui.dialogs import RestoreDialog
from vpstui.ui.dialogs.make_room import MakeRoomRestoreDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog
from vpstui.ui.screens.main import MainScreen

from .sweep_steps import Sweep, scope_to


async def open_restore(s: Sweep) -> RestoreDialog:
    s.cursor_to(lambda b: b.is_completed)
    await s.press("R")
    await s.until(lambda: isinstance(s.app.screen, RestoreDialog))
    dialog = s.app.screen
    assert isinstance(dialog, RestoreDialog)
    await s.until(lambda: "…" not in str(dialog.query_one("#safety-status").render()))
    return dialog


async def sweep_restore(s: Sweep, clock: FakeClock, backend: DemoBackend) -> None:
    await scope_to(s, "web-server-02")
    dialog = await open_restore(s)
    await s.look("restore, safety ticked")
    await s.press("shift+tab")  # from the name field to the safety box
    await s.press("space")
    await s.look("restore, safety unticked")
    await s.press("space")
    await s.look("restore, safety ticked again")
    await s.press("tab")
    await s.type("web-serv")
    await s.press("enter")
    await s.look("restore, name half typed")
    await s.type("er-02", "web-server-02")
    await s.look("restore, name typed: armed")
    await s.press("enter")
    await s.until(lambda: dialog.safety_backup is not None)
    shown = await s.look("restore, waiting for the safety backup")
    assert any("按 Esc 停止等待" in line for line in shown), shown
    await s.press("escape")
    await s.until(lambda: not dialog.in_flight)
    await s.look("restore, safety wait stopped")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
    clock.advance(60)  # the stopped safety backup finishes
    await s.settle()
    s.app.clear_notifications()
    # restores without a safety backup, followed to their end: the documented API shows
    # no restore status (the end is not reported), the demo option shows one (done)
    for name, status in (("mail-relay", None), ("staging-app", "restoring")):
        backend.state.restore_status = status
        await scope_to(s, name)
        await open_restore(s)
        await s.look(f"restore dialog ({name})")
        await s.press("shift+tab", "space", "tab")
        await s.type(name)
        await s.press("enter")
        await s.until(lambda: isinstance(s.app.screen, MainScreen))
        await s.settle()
        await s.look(f"restore accepted ({name})")
        for step in [5] * 20 + [60] * 30:  # read while restoring; then past `restore_follow`
            clock.advance(step)
            await s.pilot.pause(0.1)
        await s.settle()
        shown = await s.look(f"restore of {name} followed to its end")
        end = "恢复完成" if status else "不报告恢复进度"
        assert any(end in line for line in shown), shown
        await s.press("I")
        await s.look("incident copied")
        s.app.clear_notifications()


async def sweep_make_room(s: Sweep) -> None:
    await scope_to(s, "db-primary")
    dialog = await open_restore(s)
    assert isinstance(dialog, MakeRoomRestoreDialog)
    await s.look("restore at a full quota")
    await s.pilot.click("#make-room")
    await s.until(lambda: isinstance(s.app.screen, MultiDeleteDialog))
    await s.settle()
    await s.look("make room")
    proposal = s.app.screen
    assert isinstance(proposal, MultiDeleteDialog)
    await s.type("1")
    await s.press("enter")
    await s.until(lambda: proposal.close_only)
    await s.look("make room: deleted")
    await s.press("escape")
    await s.until(lambda: s.app.screen is dialog)
    await s.until(lambda: dialog.query_one("#safety", Checkbox).value)
    await s.look("restore after making room")
    await s.press("escape")
    await s.until(lambda: isinstance(s.app.screen, MainScreen))
