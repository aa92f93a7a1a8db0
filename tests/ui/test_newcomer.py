"""What a newcomer tripped over (issue 15): each item read off the screen as a person
would see it, at the sizes people use (120x35, 80x24, 60x18)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Checkbox

from vpstui.clock import FakeClock
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


# -- 3. relative times: one formatter, one wording, refreshed on the clock tick ------------


def test_one_wording_for_relative_times() -> None:
    """The same moment reads the same everywhere: never "0m ago" or "1 minute ago"."""
    from datetime import timedelta

    from vpstui import format as fmt

    now = FakeClock().now()
    ago = [fmt.relative_time(now - timedelta(seconds=s), now) for s in (10, 50, 61, 3 * 3600)]
    assert ago == ["just now", "just now", "1m ago", "3h ago"]
    assert fmt.relative_time(now - timedelta(hours=37), now) == "37h ago"
    assert fmt.relative_time(now - timedelta(days=4), now) == "4d ago"
    assert fmt.relative_time(now + timedelta(days=6, hours=1), now) == "in 6d"
    assert not hasattr(fmt, "long_age") and not hasattr(fmt, "compact_age")


def row_text(app: VpsApp, backup_id: int) -> str:
    table = main_of(app).table
    table.move_cursor_to(backup_id)
    y = (table.cursor_row or 0) - round(table.scroll_y) + 1
    return "".join(segment.text for segment in table.render_line(y))


async def test_relative_times_agree_and_follow_the_clock(
    make_app: AppFactory, clock: FakeClock
) -> None:
    """Row, details and header say the same age, and all move on with the clock."""
    from vpstui.format import relative_time
    from vpstui.ui.dialogs import DetailsDialog

    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        backup = max(main.table.backups.values(), key=lambda b: b.id)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailsDialog)
        for step in (0, 50, 70, 3600):
            clock.advance(step)
            ticks = main._ticks
            await wait_until(pilot, lambda t=ticks: main._ticks >= t + 6)  # type: ignore[misc]
            await pilot.pause()
            age = relative_time(backup.created_at, clock.now())
            assert f" {age} " in row_text(app, backup.id), (age, row_text(app, backup.id))
            created = str(app.screen.query_one("#field-created").render())
            assert f"({age})" in created, (age, created)
            header = str(main.query_one("#status-bar").render())
            assert "0m ago" not in header and "minute" not in header
