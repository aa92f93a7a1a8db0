"""The screens shown in `screenshots/` and checked by the snapshot tests, built one way.

A `Scene` is a name, a terminal size and the keys that bring the app there. `shoot()`
runs it headless against the in-process demo backend with everything that could vary
pinned down, and returns Textual's own SVG export:

- time: a `FakeClock` at 2025-01-16 16:00 UTC, shared by the app and the backend;
- data: `DemoState.seeded(clock, seed=7)`;
- motion: the clock tick is an hour (so no refresh fires and the spinner stays on its
  first frame), animations are off, every `Input` has `cursor_blink = False`, and
  notifications are cleared before the shot;
- paths: the config directory is `/home/you/.config` (the first-run screen prints it).

Two runs give byte-identical SVGs (Rich derives the SVG's ids from its content).
`screenshots/make.py` writes them as files; `tests/snapshots/test_snapshots.py`
compares them with the references in `tests/snapshots/__snapshots__/`.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from vpstui import i18n
from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.demo.faults import FaultyBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.widgets.backup_table import BackupTable

START = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
SEED = 7
#: The app's clock tick during a shot: long enough that it never fires.
STILL = 3600.0
WIDE = (120, 34)
#: The size issue 16 asks the zh-CN screenshots at.
WIDE_ZH = (120, 35)
SMALL = (80, 24)
#: The smallest terminal the dialogs are laid out for.
TINY = (60, 18)
#: Seeded servers the scenes use.
WEB01 = "web-server-01"  # three completed manual backups, room for more
WEB02 = "web-server-02"  # a manual backup in progress
#: Environment for a shot: where the first-run screen says the config file is.
ENVIRONMENT = {"XDG_CONFIG_HOME": "/home/you/.config", "TEXTUAL_ANIMATIONS": "none"}


@dataclass
class Stage:
    """What a scene's steps can reach: the app, its clock, and the backend's fault switch."""

    pilot: Pilot[Any]
    app: VpsApp
    clock: FakeClock
    backend: FaultyBackend


Steps = Callable[[Stage], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    """One screenshot: `name` is its file name (no suffix), `about` a line for the README."""

    name: str
    about: str
    size: tuple[int, int]
    steps: Steps
    token: bool = True
    #: The language the app speaks in the shot (`vpstui.i18n.LANGUAGES`).
    language: str = "en"


# --- steps -----------------------------------------------------------------------------------


async def settle(stage: Stage) -> None:
    """Let workers finish and their messages be handled (no sleeping)."""
    for _ in range(50):
        await stage.pilot.pause()
        await stage.app.workers.wait_for_complete()
        await stage.pilot.pause()
        main = stage.app.main
        if main is None or not main.backups_loading:
            break


async def paste(stage: Stage, text: str) -> None:
    """Paste `text` into the focused field (one event instead of a key press per letter)."""
    await stage.pilot.pause()
    stage.app.post_message(events.Paste(text))
    await stage.pilot.pause()


async def pick_server(stage: Stage, name: str) -> None:
    """Choose a server the way a user does: `s`, its name, Enter."""
    await stage.pilot.press("s")
    await paste(stage, name)
    await stage.pilot.press("enter")
    await settle(stage)


async def cursor_to(stage: Stage, predicate: Callable[[Any], bool]) -> None:
    """Put the table's cursor on the first visible backup for which `predicate` holds."""
    table = stage.app.screen.query_one(BackupTable)
    backup_id = next(i for i in table.visible_ids if predicate(table.backups[i]))
    table.move_cursor_to(backup_id)
    await stage.pilot.pause()


def completed_manual(backup: Any) -> bool:
    return bool(backup.is_completed and backup.is_manual)


async def nothing(stage: Stage) -> None:
    """The app as it opens."""


async def in_progress_backup(stage: Stage) -> None:
    await pick_server(stage, WEB02)
    await cursor_to(stage, lambda backup: backup.in_progress)


async def create_dialog(stage: Stage) -> None:
    await pick_server(stage, WEB01)
    await stage.pilot.press("n")
    await settle(stage)
    await paste(stage, "Before the PHP 8.3 upgrade")


async def delete_dialog(stage: Stage) -> None:
    await pick_server(stage, WEB01)
    await cursor_to(stage, completed_manual)
    await stage.pilot.press("delete")
    await settle(stage)


async def restore_dialog(stage: Stage) -> None:
    await pick_server(stage, WEB01)
    await cursor_to(stage, completed_manual)
    await stage.pilot.press("R")
    await settle(stage)
    await stage.pilot.press(*WEB01[:6])  # "web-se": half the name, Restore still disabled


async def help_screen(stage: Stage) -> None:
    await stage.pilot.press("question_mark")


async def stale_data(stage: Stage) -> None:
    """Loaded once; 90 s later the API answers 502 and the user presses ctrl+r."""
    stage.clock.advance(90)
    stage.backend.faults.set("http_502")
    await stage.pilot.press("ctrl+r")
    await settle(stage)


SCENES: tuple[Scene, ...] = (
    Scene("main", "the main screen: every server's backups", WIDE, nothing),
    Scene("in-progress", "one server, a backup in progress", WIDE, in_progress_backup),
    Scene("create", "the create dialog, a description typed", WIDE, create_dialog),
    Scene("delete", "the delete confirmation (Cancel has focus)", WIDE, delete_dialog),
    Scene("restore", "the restore dialog with the server's name half typed", WIDE, restore_dialog),
    Scene("help", "the help screen: every key", WIDE, help_screen),
    Scene("stale", "stale data: the last refresh failed with a 502", WIDE, stale_data),
    Scene("first-run", 'the first-run "no token" screen', WIDE, nothing, token=False),
    Scene("main-80x24", "the main screen in an 80x24 terminal", SMALL, nothing),
    Scene(
        "restore-60x18",
        "the restore dialog in a 60x18 terminal: backup, safety option and name field at once",
        TINY,
        restore_dialog,
    ),
    Scene(
        "restore-zh-CN",
        "the restore dialog in Chinese (zh-CN), the server's name half typed",
        WIDE_ZH,
        restore_dialog,
        language="zh-CN",
    ),
    Scene(
        "restore-zh-CN-80x24",
        "the restore dialog in Chinese (zh-CN) in an 80x24 terminal",
        SMALL,
        restore_dialog,
        language="zh-CN",
    ),
    Scene("main-zh-CN", "the main screen in Chinese (zh-CN)", WIDE_ZH, nothing, language="zh-CN"),
    Scene(
        "main-zh-CN-80x24",
        "the main screen in Chinese (zh-CN) in an 80x24 terminal",
        SMALL,
        nothing,
        language="zh-CN",
    ),
)


# --- running a scene -------------------------------------------------------------------------


@contextmanager
def pinned_environment() -> Iterator[None]:
    """The environment variables that would otherwise show through in a shot."""
    with mock.patch.dict(os.environ, ENVIRONMENT):
        os.environ.pop("NO_COLOR", None)  # Textual would draw in monochrome
        yield


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """The app speaks `language` during the shot; English again after it."""
    i18n.use(language)
    try:
        yield
    finally:
        i18n.use(i18n.DEFAULT)


def build(scene: Scene) -> tuple[VpsApp, FakeClock, FaultyBackend]:
    """The app for `scene`: the demo backend (behind a fault switch) and a fake clock."""
    clock = FakeClock(START)
    backend = FaultyBackend(DemoBackend(state=DemoState.seeded(clock, seed=SEED)))
    api = None
    if scene.token:
        api = VpsClient(
            token="demo",
            base_url=DEMO_BASE_URL,
            transport=backend.transport(),
            retry=RetryPolicy(attempts=1),
        )
    settings = Settings(demo=True, poll_interval=5.0, idle_refresh=60.0)
    return VpsApp(settings, api, clock=clock, tick_seconds=STILL), clock, backend


def hold_still(app: VpsApp) -> None:
    """Nothing left that moves on its own: no blinking cursors, no toasts."""
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    app.clear_notifications()


async def shoot(scene: Scene) -> str:
    """Run `scene` headless and return the screen as SVG."""
    with pinned_environment(), speaking(scene.language):
        app, clock, backend = build(scene)
        app.animation_level = "none"
        async with app.run_test(size=scene.size) as pilot:
            stage = Stage(pilot, app, clock, backend)
            await settle(stage)
            await scene.steps(stage)
            await settle(stage)
            hold_still(app)
            await pilot.pause()
            return app.export_screenshot(title="vpstui")


def scene(name: str) -> Scene:
    """The scene called `name`."""
    for candidate in SCENES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
