"""Helpers that drive a `VpsApp` under faults and read what the user sees."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from vpstui.ui.app import VpsApp
from vpstui.ui.screens.main import MainScreen

SIZE = (120, 35)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, as a terminal would show it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def flat(app: App[Any]) -> str:
    """The screen text with line breaks and borders folded away (for wrapped text). With a
    dialog open, only the dialog's columns: the table behind it would split wrapped lines."""
    lines = screen_text(app).splitlines()
    dialogs = app.screen.query("#dialog")
    if dialogs:
        region = dialogs.first().region
        lines = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    lines = [line.replace("│", " ").replace("▌", " ").strip() for line in lines]
    return " ".join(" ".join(lines).split())


def notes(app: App[Any]) -> list[str]:
    """Every notification raised so far (message and title)."""
    return [f"{n.title} {n.message}".strip() for n in app._notifications]


def main_of(app: VpsApp) -> MainScreen:
    screen = app.main
    assert screen is not None
    return screen


async def finish_short_workers(app: VpsApp) -> None:
    """Wait for the app's workers, except those following a restore: they run until the
    (fake) clock moves on, as a real follow-up runs for minutes."""
    short = [w for w in app.workers if not w.group.startswith("follow-")]
    if short:
        await app.workers.wait_for_complete(short)


async def settle(app: VpsApp, pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled."""
    for _ in range(50):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):  # a load replaced by the next: expected
            await finish_short_workers(app)
        await pilot.pause()
        main = app.main
        if main is None or not main.backups_loading:
            break


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], bool], what: str, within: float = 5.0
) -> None:
    """Wait on the app (its timers and workers) until `predicate()`; fail after `within` s."""
    steps = int(within / 0.02)
    for _ in range(steps):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(
        f"gave up after {within} s waiting for {what}; screen:\n{screen_text(pilot.app)}"
    )


def assert_healthy(app: VpsApp) -> None:
    """The app is running, responsive, and shows no traceback."""
    assert app.is_running
    assert app._exception is None, app._exception
    text = screen_text(app)
    assert "Traceback" not in text and "Error in" not in text
