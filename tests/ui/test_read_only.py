"""Pilot tests of read-only mode (`--read-only` or a profile's `read_only = true`) and of
the header's profile badge: create, delete and restore open nothing and send nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vpstui.audit import ENV_STATE_DIR
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.widgets.footer import KeysFooter, ShownKey

from .test_main_screen import main_of, settle

AppFactory = Callable[..., VpsApp]

FLAG_MESSAGE = "Read-only (--read-only): creating, deleting and restoring are off."
PROFILE_MESSAGE = "Read-only (profile prod): creating, deleting and restoring are off."


def writes(backend: DemoBackend) -> int:
    """Every request that could change the account."""
    return sum(1 for r in backend.requests if r.method != "GET")


def refusals(app: VpsApp) -> list[str]:
    """The read-only notifications shown (other notices, e.g. stale backups, are ignored)."""
    return [n.message for n in app._notifications if n.message.startswith("Read-only")]


def footer_keys(app: VpsApp) -> dict[str, ShownKey]:
    return {key.action: key for key in app.screen.query_one(KeysFooter).shown_keys()}


def header(app: VpsApp) -> str:
    return str(app.screen.query_one("#status-bar").render())


@pytest.mark.parametrize("key", ["n", "delete", "ctrl+d", "R"])
async def test_write_keys_open_nothing_and_say_why(
    make_app: AppFactory, backend: DemoBackend, key: str
) -> None:
    """n, Delete, ctrl+d and R open no dialog, send nothing, and the notification says why."""
    app = make_app(read_only=True, read_only_reason="--read-only")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")  # a completed backup: R would otherwise open the dialog
        await pilot.press(key)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 1  # the main screen only: no dialog on top
        assert writes(backend) == 0
        assert refusals(app) == [FLAG_MESSAGE]


async def test_palette_entries_open_nothing(make_app: AppFactory, backend: DemoBackend) -> None:
    """The palette's New / Delete / Restore say "off: read-only" and open nothing when run."""
    app = make_app(read_only=True, read_only_reason="profile prod")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("New backup", "Delete backup", "Restore from backup"):
            assert "off: read-only" in commands[title].help
            commands[title].callback()
            await settle(app, pilot)
            assert isinstance(app.screen, MainScreen)
        assert writes(backend) == 0
        assert refusals(app) == [PROFILE_MESSAGE] * 3


async def test_app_refuses_dialogs_even_when_called_directly(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """Defence in depth: the screen's `open_create/open_delete/open_restore` themselves refuse."""
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        backup = main.table.cursor_backup
        assert backup is not None
        main.open_create(None)
        main.open_delete(backup)
        main.open_restore(backup)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert writes(backend) == 0
        assert refusals(app) == ["Read-only: creating, deleting and restoring are off."] * 3


async def test_footer_shows_write_keys_dimmed(make_app: AppFactory) -> None:
    """The footer keeps New / Delete / Restore visible but disabled; the rest stay enabled."""
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        for action in ("create", "delete", "restore"):
            assert not keys[action].enabled, action
        assert keys["filter"].enabled


async def test_footer_write_keys_enabled_without_read_only(make_app: AppFactory) -> None:
    """Control: without read-only the same footer keys are enabled."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        keys = footer_keys(app)
        assert all(keys[a].enabled for a in ("create", "delete", "restore"))


async def test_typing_n_in_the_filter_is_text_not_a_refusal(make_app: AppFactory) -> None:
    """Read-only does not eat letters typed into the filter field."""
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "n", "R")
        await settle(app, pilot)
        assert app.screen.query_one("#filter").value == "nR"  # type: ignore[attr-defined]
        assert not refusals(app)


async def test_header_shows_profile_badge_in_its_colour_and_read_only(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header names the profile ("PROD", on red) and says READ-ONLY."""
    monkeypatch.setenv(ENV_STATE_DIR, str(tmp_path))  # not the demo: keep its files here
    app = make_app(profile="prod", colour="red", read_only=True, demo=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        text = app.screen.query_one("#status-bar").render()
        plain = str(text)
        assert " PROD " in plain and " READ-ONLY " in plain
        assert plain.index("PROD") < plain.index("demo.invalid")  # next to the host, first
        badge = [s for s in text.spans if plain[s.start : s.end] == " PROD "]  # type: ignore[attr-defined]
        assert badge and "on ansi_red" in str(badge[0].style)  # red, as Textual names it


async def test_header_has_no_badges_by_default(make_app: AppFactory) -> None:
    """Control: no profile, not read-only: neither badge."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert "READ-ONLY" not in header(app)
        assert "PROD" not in header(app)
