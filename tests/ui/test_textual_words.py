"""Textual's own words, spoken by vpstui: the palette's "no matches" line and the ctrl+c
hint read English by default and Chinese in zh-CN (the sweep in test_zh_sweep.py checks
whole screens; this checks the words themselves in both languages)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.command import CommandList, CommandPalette

from vpstui import i18n
from vpstui.ui.app import VpsApp

from .test_main_screen import settle, wait_until

CASES = [
    ("en", "No matches found", "Press ctrl+q to quit vpstui.", "Quit?"),
    ("zh-CN", "没有匹配的命令", "按 ctrl+q 退出 vpstui。", "要退出吗？"),
]


@pytest.mark.parametrize(("language", "no_match", "hint", "title"), CASES)
async def test_palette_no_match_and_ctrl_c_hint(
    make_app: Callable[..., VpsApp], language: str, no_match: str, hint: str, title: str
) -> None:
    i18n.use(language)
    try:
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            app.clear_notifications()
            await pilot.press("ctrl+c")
            await wait_until(pilot, lambda: bool(app._notifications))
            [notice] = list(app._notifications)
            assert (notice.message, notice.title) == (hint, title)
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: CommandPalette.is_open(app))  # type: ignore[arg-type]
            await pilot.press(*"zzzz")
            commands = app.screen.query_one(CommandList)
            await wait_until(pilot, lambda: commands.option_count == 1)
            assert str(commands.get_option_at_index(0).prompt.renderable) == no_match
    finally:
        i18n.use("en")
