"""The app keeps the CSS it parsed for its first frame, and the next start reads it instead
of parsing (issue 13); the demo and `cache = false` keep nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.styles_cache import STYLES_FILE, PreparsedStylesheet

from .test_cached_start import _app, _seed_cache
from .test_main_screen import main_of, settle

SPINNER = re.compile("[\u2800-\u28ff]")


@pytest.fixture(autouse=True)
def directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VPSTUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _drawn(app: VpsApp) -> str:
    """The screen as drawn: each cell's text and style (colours, dim, bold…)."""
    strips = app.screen._compositor.render_strips()
    drawn = "\n".join(
        "".join(f"{segment.text}[{segment.style}]" for segment in strip) for strip in strips
    )
    return SPINNER.sub("⠿", drawn)  # an in-progress row's spinner turns with real time


async def _first_frame(
    backend: DemoBackend, clock: FakeClock, directories: Path, **settings: object
) -> tuple[object, list[object], str, int]:
    """One start to its first frame and a little after: the app's stylesheet, its rules
    (selectors, declarations, precedence), the screen as drawn, and how many CSS sources
    it had parsed for that frame."""
    app, held = _app(backend, clock, **settings)
    if not settings:  # the same cached rows in each first frame
        _seed_cache(backend, clock, directories)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        sheet = app.stylesheet
        # repr: a layout (`<vertical>`) is equal only to itself, parsed or read
        rules = [
            repr((rule.selector_set, rule.styles.get_rules(), rule.is_default_rules))
            + f" {rule.tie_breaker}"
            for rule in sheet.rules
        ]
        text = _drawn(app)
        parsed = getattr(sheet, "parsed", -1)
        held.release.set()
        await settle(app, pilot)
        assert main_of(app).table.backups
        await app.workers.wait_for_complete()
    return sheet, rules, text, parsed


async def test_the_next_start_reads_the_rules_instead_of_parsing(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    first, rules, screen, parsed = await _first_frame(backend, clock, directories)
    assert isinstance(first, PreparsedStylesheet) and first.used and parsed > 5
    kept = directories / STYLES_FILE
    assert kept.stat().st_mode & 0o777 == 0o600
    written = kept.stat().st_mtime_ns

    second, rules_again, screen_again, parsed = await _first_frame(backend, clock, directories)
    assert isinstance(second, PreparsedStylesheet)
    assert parsed == 0  # every rule set of the first frame came from the file
    assert rules_again == rules
    assert screen_again == screen  # drawn the same
    assert kept.stat().st_mtime_ns == written  # nothing new to keep: not rewritten


async def test_a_damaged_file_is_parsed_around_and_replaced(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    _sheet, rules, screen, _parsed = await _first_frame(backend, clock, directories)
    kept = directories / STYLES_FILE
    kept.write_bytes(b"\x80\x05garbage")
    sheet, rules_again, screen_again, parsed = await _first_frame(backend, clock, directories)
    assert isinstance(sheet, PreparsedStylesheet) and parsed > 5
    assert (rules_again, screen_again) == (rules, screen)
    assert kept.read_bytes() != b"\x80\x05garbage"  # replaced by a good one


@pytest.mark.parametrize("settings", [{"cache": False}, {"demo": True}], ids=["no-cache", "demo"])
async def test_no_cache_and_the_demo_keep_no_styles(
    backend: DemoBackend, clock: FakeClock, directories: Path, settings: dict[str, object]
) -> None:
    sheet, _rules, _screen, _parsed = await _first_frame(backend, clock, directories, **settings)
    assert not isinstance(sheet, PreparsedStylesheet)
    assert not (directories / STYLES_FILE).exists()
