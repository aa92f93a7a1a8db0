"""What a newcomer tripped over (issue 15): each item read off the screen as a person
would see it, at the sizes people use (120x35, 80x24, 60x18)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import httpx
from textual.widgets import Checkbox

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
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


class SlowManualList(httpx.AsyncBaseTransport):
    """Answers the manual-backup listing (the quota look-up) 0.3 s late."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("backup_type") == "manual":
            await asyncio.sleep(0.3)
        return await self.inner.handle_async_request(request)


async def test_stopped_server_at_60x18_is_too_small_not_hidden(
    make_app: AppFactory, transport: SwitchableTransport
) -> None:
    """staging-app is stopped: one more warning line. If the input cannot show with the
    headline once the quota line is in, the dialog says so instead of hiding the input."""
    app = make_app(server="staging-app")
    async with app.run_test(size=(60, 18)) as pilot:
        await settle(app, pilot)
        transport.inner = SlowManualList(transport.inner)  # the quota line comes after layout
        dialog = await open_restore(app, pilot)
        await wait_until(pilot, lambda: "Checking" not in text_of(dialog, "#safety-status"))

        def consistent() -> bool:
            together = on_screen_together(dialog, "#headline", "#safety", "#confirm-name")
            return together != ("too small" in text_of(dialog, "#dialog-note"))

        await wait_until(pilot, consistent)
        too_small = "too small" in text_of(dialog, "#dialog-note")
        await pilot.press(*"staging-app")
        await pilot.pause()
        assert dialog.query_one("#confirm").disabled == too_small


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


# -- 4. text is cut with "…", never through a value; narrow layouts drop whole columns ----


def screen_lines(app: VpsApp) -> list[str]:
    from tests.snapshots.compare import screen_text

    return screen_text(app.export_screenshot())


def test_columns_fit_and_drop_whole() -> None:
    """At any width the row fits exactly; a shown column is at least its minimum width."""
    from vpstui.ui.widgets.columns import COLUMNS, column_widths

    for width in range(40, 200):
        widths = column_widths(width, 16)
        assert sum(w + 1 for w in widths if w > 0) <= width, width
        for column, w in zip(COLUMNS, widths, strict=True):
            assert w == 0 or w >= column.min_width, (width, column.key, w)


async def test_every_value_shows_whole_or_ends_in_ellipsis(
    make_app: AppFactory, clock: FakeClock
) -> None:
    """Sizes, ages and expiry warnings are never cut; descriptions end in "…" when cut."""
    from rich.style import Style

    from vpstui.format import expires_text, human_size, relative_time
    from vpstui.ui.widgets.columns import COLUMNS, column_widths, render_row

    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        backups = list(main_of(app).table.backups.values())
    now = clock.now()
    for width in (58, 78, 92, 118):
        widths = column_widths(width, 16)
        shown = {c.key for c, w in zip(COLUMNS, widths, strict=True) if w}
        for backup in backups:
            strip = render_row(
                backup, widths, now, 0, lambda _: Style(), Style(), bold_styled=False, width=width
            )
            line = "".join(segment.text for segment in strip)
            assert len(line) == width
            if "expires" in shown:
                assert expires_text(backup, now) in line, (width, line)
            if "created" in shown:
                assert relative_time(backup.created_at, now) in line, (width, line)
            if "size" in shown and not backup.in_progress:
                assert human_size(backup.size_mb) in line, (width, line)
            description = backup.description or ""
            if "description" in shown and description and description not in line:
                assert line.rstrip().endswith("…"), (width, line)


async def test_60x18_header_and_footer_show_whole_words(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(60, 18)) as pilot:
        await settle(app, pilot)
        lines = screen_lines(app)
        header = next(line for line in lines if " ID " in line)
        labels = {"ID", "Server", "Type", "Status", "Size", "Created", "Expires", "Description"}
        words = [word.rstrip("▼▲") for word in header.split() if word not in "▼▲"]
        assert set(words) <= labels and "Expires" in words, header
        assert "▼" in header or "▲" in header, header  # the sort still shows
        footer = lines[-1]
        for word in ("Serve", "Restor", "Filte", "Delet"):
            for part in footer.split():
                assert not (
                    part.startswith(word) and part not in ("Servers", "Restore", "Filter", "Delete")
                ), footer


async def test_stale_banner_keeps_the_retry_whole(
    make_app: AppFactory, transport: SwitchableTransport, clock: FakeClock
) -> None:
    """A long error never pushes "Retrying in … (ctrl+r: now)" off the banner at 60x18."""
    app = make_app()
    async with app.run_test(size=(60, 18)) as pilot:
        await settle(app, pilot)
        transport.fault = httpx.ConnectError("Connection refused " + "and more detail " * 20)
        clock.advance(70)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert main_of(app).connection.error
        text = "\n".join(screen_lines(app))
        assert re.search(r"Retrying in \d+s \(ctrl\+r: now\)\.", text), text
        assert "Showing data from 1m ago." in text, text
        assert "…" in text


# -- 5. a backup created elsewhere shows up, or is announced, never silently above -------


def header_of(app: VpsApp) -> str:
    table = main_of(app).table
    return "".join(segment.text for segment in table.render_line(0))


async def test_new_backup_appears_when_the_view_is_at_the_top(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        top = table.visible_ids[0]
        assert table.cursor_backup is not None and table.cursor_backup.id == top
        new = backend.state.create_manual_backup(12345, "made elsewhere")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.visible_ids[0] == new.id
        assert round(table.scroll_y) == 0  # the new row is on screen, above the cursor
        assert table.cursor_backup is not None and table.cursor_backup.id == top
        assert "new" not in header_of(app)


async def test_new_backup_above_a_scrolled_view_is_announced(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert round(table.scroll_y) > 0
        backend.state.create_manual_backup(12345, "made elsewhere")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "↑ 1 new" in header_of(app)
        await pilot.press("g")
        await pilot.pause()
        assert "new" not in header_of(app)


# -- 7. the footer shows only keys that work where the focus is ---------------------------


async def test_server_search_footer_and_escape(make_app: AppFactory) -> None:
    """In the search, typed keys are text: the footer does not offer / n R s; "/" that
    matches nothing says so; one Esc closes the overlay at 80x24."""
    from textual.widgets import Input, OptionList

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        await pilot.press("s")
        await pilot.pause()
        assert main.has_class("-picker-open")
        footer = screen_lines(app)[-1]
        for word in ("Filter", "Restore", "New", "Delete", "Servers"):
            assert word not in footer, footer
        assert "esc" in footer, footer
        await pilot.press("/")
        await pilot.pause()
        assert main.query_one("#server-search", Input).value == "/"
        options = main.query_one("#server-options", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("No server matches" in text for text in shown), shown
        await pilot.press("escape")
        await pilot.pause()
        assert not main.has_class("-picker-open")
        assert app.focused is main.table
        footer = screen_lines(app)[-1]
        assert "Filter" in footer and "Restore" in footer


# -- 8. the palette lists vpstui's own commands, titled by what they do -------------------


async def test_palette_has_only_operator_commands(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles)), titles
        for stock in ("Keys", "Maximize", "Screenshot", "Quit the application"):
            assert not any(title.startswith(stock) for title in titles), titles
        assert "Help" in titles and "Quit" in titles


async def test_palette_search_web_lists_no_db_servers(make_app: AppFactory) -> None:
    from textual.command import CommandList

    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"web")
        results = app.screen.query_one(CommandList)

        def shown() -> list[str]:
            return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

        # The palette's providers answer one after another: wait for the server's line,
        # not a fixed pause, then let any late answer arrive before the negative check.
        await wait_until(pilot, lambda: any("web-server-01" in text for text in shown()))
        await pilot.pause(0.3)
        assert not any("db-" in text for text in shown()), shown()


async def test_current_profile_is_titled_reload(clock: FakeClock) -> None:
    from vpstui.config import Settings
    from vpstui.ui.profiles import profile_title

    settings = Settings(demo=True, profile="staging", profiles=("staging", "prod"))
    assert profile_title("staging", settings) == "Reload profile staging (in use)"
    assert profile_title("prod", settings) == "Switch to profile prod"


# -- 9. "never" expires latest: last ascending, first descending ---------------------------


async def test_never_sorts_as_the_latest_expiry(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = main_of(app).table
        for reverse in (False, True):
            table.sort_by("expires", reverse)
            await pilot.pause()
            never = [
                b.is_manual and b.expires_at is None
                for b in map(table.backups.__getitem__, table.visible_ids)
            ]
            assert any(never)
            count = sum(never)
            expected = [True] * count if reverse else [False] * (len(never) - count)
            part = never[:count] if reverse else never[: len(never) - count]
            assert part == expected, (reverse, never[:5], never[-5:])


# -- 11. the incident summary says when no safety backup was taken, and why ---------------


async def restore_and_copy_incident(
    app: VpsApp, pilot: object, clock: FakeClock, untick: bool
) -> str:
    from vpstui.ui.screens.main import MainScreen

    dialog = await open_restore(app, pilot)
    await wait_until(pilot, lambda: "Checking" not in text_of(dialog, "#safety-status"))
    if untick:
        dialog.query_one("#safety", Checkbox).value = False
    await pilot.press(*dialog.server_name, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    # The restore is being followed (the API shows no end by default): its incident so far.
    await wait_until(pilot, lambda: main_of(app).follower.current_incident() is not None)
    await pilot.press("I")  # type: ignore[attr-defined]
    return app.clipboard


async def test_incident_says_no_safety_backup_unticked(
    make_app: AppFactory, clock: FakeClock
) -> None:
    app = make_app(server="mail-relay", poll_interval=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        summary = await restore_and_copy_incident(app, pilot, clock, untick=True)
        assert "safety backup: none (unticked)" in summary, summary


async def test_incident_says_no_safety_backup_quota_full(
    make_app: AppFactory, clock: FakeClock
) -> None:
    app = make_app(server="db-primary", poll_interval=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        summary = await restore_and_copy_incident(app, pilot, clock, untick=False)
        assert "safety backup: none (quota full)" in summary, summary


# -- 10. one name for one thing: "#2522", labelled values, no doubled punctuation ---------


def test_parenthetical_drops_the_inner_full_stop() -> None:
    from vpstui.format import parenthetical

    assert parenthetical("The API could not connect.") == "(The API could not connect)"
    assert parenthetical("timed out") == "(timed out)"


async def test_toasts_name_backups_as_hash_id(make_app: AppFactory) -> None:
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        backup = main_of(app).table.cursor_backup
        assert backup is not None
        await pilot.press("c")
        await pilot.pause()
        copied = [n.message for n in app._notifications if "Copied" in n.message]
        assert copied == [f"Copied the ID of backup #{backup.id}"], copied
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press(*"before upgrade", "enter")
        await wait_until(pilot, lambda: not app.screen.is_modal)
        await settle(app, pilot)
        messages = [f"{n.title} {n.message}" for n in app._notifications]
        started = [m for m in messages if "started" in m]
        assert started and all(re.search(r"Backup #\d+ started", m) for m in started), messages
        assert not any(re.search(r"[Bb]ackup (ID )?\d", m) for m in messages), messages


# -- 12. the header keeps what fits, whatever was opened; no toast over the help -----------


async def test_header_at_80x24_keeps_its_words_after_the_server_overlay(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(2):
            header = screen_lines(app)[0]
            for words in ("vpstui", "simulated backend", "updated just now"):
                assert words in header, header
            await pilot.press("s")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()


async def test_header_at_60_columns_drops_whole_words(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(60, 18)) as pilot:
        await settle(app, pilot)
        header = screen_lines(app)[0]
        assert "DEMO" in header and "live" in header and "just now" in header, header
        assert "…" not in header, header


async def test_no_toast_covers_the_help(make_app: AppFactory) -> None:
    """The overdue warning arrives at start; `?` right after shows the help uncovered."""
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        assert any("overdue" in (n.title or "").lower() for n in app._notifications)
        assert "Backups overdue" in "\n".join(screen_lines(app))  # the toast shows
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Backups overdue" not in text, text
        await pilot.press("escape")
        await pilot.pause()
        assert "Backups overdue" in "\n".join(screen_lines(app))  # still there afterwards


async def test_no_toast_covers_a_dialog(make_app: AppFactory) -> None:
    """At 80x24 the overdue toast covered the restore dialog's warning and buttons."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("No completed backup from the last 36 h", title="Backups overdue")
        await pilot.pause()
        dialog = await open_restore(app, pilot)
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Backups overdue" not in text, text
        assert "will be lost" in text and "Restore" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not dialog.is_attached


async def test_details_copy_says_so_inside_the_dialog(make_app: AppFactory) -> None:
    app = make_app(server="web-server-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        backup = main_of(app).table.cursor_backup
        assert backup is not None
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        note = str(app.screen.query_one("#dialog-note").render())
        assert f"Copied the ID of backup #{backup.id}" in note, note


async def test_401_mid_session_names_the_tokens_source(
    make_app: AppFactory, transport: SwitchableTransport
) -> None:
    """A token revoked mid-session: the stale banner says which token source to check."""
    source = "token_command in /home/you/.config/vpstui/config.toml"
    app = make_app(token_source=source)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        transport.fault = lambda request: httpx.Response(401, json={"detail": "Invalid token."})
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        text = " ".join(" ".join(screen_lines(app)).split())
        assert f"Check the token from {source}" in text, text
        assert text.count("rejected") == 1
