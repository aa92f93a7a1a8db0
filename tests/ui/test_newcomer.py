"""What a newcomer tripped over (issue 15): each item read off the screen as a person
would see it, at the sizes people use (120x35, 80x24, 60x18)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Checkbox

from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import RestoreDialog

from .test_main_screen import main_of, settle, wait_until

AppFactory = Callable[..., VpsApp]


async def open_restore(app: VpsApp, pilot: object) -> RestoreDialog:
    await settle(app, pilot)
    main = main_of(app)
    target = next(b for b in main.table.backups.values() if b.is_completed)
    main.table.move_cursor_to(target.id)
    await pilot.press("R")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert isinstance(app.screen, RestoreDialog)
    return app.screen


def text_of(dialog: RestoreDialog, selector: str) -> str:
    return str(dialog.query_one(selector).render())


# -- 1. the safety-backup checkbox reads without colour, and every line matches it ------


async def test_safety_checkbox_state_reads_without_colour(make_app: AppFactory) -> None:
    """Ticked shows [x] and says a backup is taken first; unticked shows [ ] and says none."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await wait_until(pilot, lambda: "Checking" not in text_of(dialog, "#safety-status"))
        box = text_of(dialog, "#safety")
        assert box.startswith("[x]"), box
        assert "taken first" in text_of(dialog, "#safety-status")
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.pause()
        box = text_of(dialog, "#safety")
        assert box.startswith("[ ]"), box
        status = text_of(dialog, "#safety-status")
        assert "taken first" not in status
        assert "none" in status and "at once" in status, status


async def test_full_quota_box_is_unticked_and_says_why(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """db-primary at 10 of 10: [ ] and "Safety backup: none (quota full)"."""
    app = make_app(server="db-primary")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await wait_until(pilot, lambda: "Checking" not in text_of(dialog, "#safety-status"))
        assert text_of(dialog, "#safety").startswith("[ ]")
        status = text_of(dialog, "#safety-status")
        assert "none (quota full)" in status and "10 of 10" in status, status


# -- 2. at 60x18 the restore dialog shows what, where, the checkbox and the input at once -


def on_screen_together(dialog: RestoreDialog, *selectors: str) -> bool:
    """Every widget is inside the dialog body's visible area (and so on the screen)."""
    body = dialog.query_one("#dialog-body").content_region
    return all(body.contains_region(dialog.query_one(s).region) for s in selectors)


async def test_restore_dialog_at_60x18_shows_headline_checkbox_and_input(
    make_app: AppFactory,
) -> None:
    app = make_app(server="mail-relay")
    async with app.run_test(size=(60, 18)) as pilot:
        dialog = await open_restore(app, pilot)
        await pilot.pause()
        assert on_screen_together(dialog, "#headline", "#safety", "#confirm-name")
        await pilot.press(*"mail-relay")
        await pilot.pause()
        assert not dialog.query_one("#confirm").disabled


async def test_restore_dialog_too_small_refuses_to_arm(make_app: AppFactory) -> None:
    """Shrunk with the dialog open so the input cannot show with the headline: no Restore."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await pilot.press(*"mail-relay")
        await pilot.pause()
        assert not dialog.query_one("#confirm").disabled
        await pilot.resize_terminal(60, 13)
        await pilot.pause()
        await pilot.pause()
        assert dialog.query_one("#confirm").disabled
        assert "too small" in text_of(dialog, "#dialog-note")
        await pilot.press("enter")
        assert dialog.is_attached and not dialog.in_flight
        await pilot.resize_terminal(120, 35)
        await pilot.pause()
        await pilot.pause()
        assert not dialog.query_one("#confirm").disabled
