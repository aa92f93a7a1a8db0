"""The footer: one widget that draws the screen's keys, translated as they are shown
(bindings are defined in English at import time), in the screen's first frame, whole
keys only on a narrow terminal, and a click presses the key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import polib
import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from vpstui import i18n
from vpstui.ui.widgets.footer import KeysFooter


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "noop", i18n.N_("Restore"))]

    def compose(self) -> ComposeResult:
        yield KeysFooter()


def footer(app: App[Any]) -> KeysFooter:
    return app.screen.query_one(KeysFooter)


def line(app: App[Any]) -> str:
    """The footer's line as drawn."""
    return footer(app).render().plain


@pytest.fixture
def chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Restore", msgstr="恢复"))
    po.save(str(folder / "test.po"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    i18n.use("zh-CN")
    yield
    i18n.use("en")


async def test_footer_shows_the_translation(chinese: None) -> None:
    async with Keys().run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        assert footer(pilot.app).shown_keys()[0].description == "恢复"
        assert " r 恢复 " in line(pilot.app)


async def test_footer_in_english_is_unchanged() -> None:
    async with Keys().run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        assert footer(pilot.app).shown_keys()[0].description == "Restore"
        assert line(pilot.app).startswith(" r Restore ")


class Switching(App[None]):
    """A footer under two focusable widgets with different keys."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "noop", i18n.N_("Restore"))]

    def compose(self) -> ComposeResult:
        yield Keyed(id="first")
        yield Plain(id="second")
        yield KeysFooter()


class Keyed(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("d", "noop", "Delete")]


class Plain(Static, can_focus=True):
    pass


async def test_footer_follows_the_focused_widgets_keys_as_one_widget() -> None:
    """The keys are read from the screen when the line is drawn: focus moving to a
    widget with other keys repaints the line. Nothing is mounted for them (Textual's
    footer rebuilt a widget per key each time, ~25 ms, issue 13)."""
    app = Switching()
    async with app.run_test(size=(60, 6)) as pilot:
        app.query_one("#first").focus()
        await pilot.pause()
        await pilot.pause()
        assert "Delete" in line(app)
        assert not footer(app).children

        app.query_one("#second").focus()  # "Delete" is no longer active
        await pilot.pause()
        await pilot.pause()
        assert "Delete" not in line(app) and "Restore" in line(app)


async def test_footer_keys_are_in_the_first_frame() -> None:
    """Textual's footer showed its keys a refresh after the screen's first frame (a blank
    line at start); this one draws them in it."""
    drawn: list[str] = []

    class FirstFrame(Keys):
        def on_mount(self) -> None:
            self.call_after_refresh(lambda: drawn.append(str(footer(self)._drawn)))

    async with FirstFrame().run_test(size=(40, 3)) as pilot:
        await pilot.pause()
    assert drawn and "Restore" in drawn[0]


async def test_footer_is_redrawn_in_another_language(chinese: None) -> None:
    """The language is read when the line is drawn."""
    app = Keys()
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        assert "恢复" in line(app)
        i18n.use("en")
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "Restore" in line(app) and "恢复" not in line(app)


class Many(App[None]):
    """Seven keys and the palette's: more than a narrow terminal has room for."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"press('{key}')", words)
        for key, words in [
            ("n", "New"),
            ("R", "Restore"),
            ("slash", "Filter"),
            ("s", "Servers"),
            ("question_mark", "Help"),
            ("x", "Extra"),
            ("q", "Quit"),
        ]
    ]
    pressed: ClassVar[list[str]] = []

    def compose(self) -> ComposeResult:
        yield KeysFooter()

    def action_press(self, key: str) -> None:
        self.pressed.append(key)


@pytest.mark.parametrize("width", [20, 30, 44, 60, 80, 120])
async def test_narrow_footer_leaves_out_whole_keys(width: int) -> None:
    """Never a key cut in half ("s Serve"): the palette's key goes first, then keys from
    the right; what is shown is a prefix of the keys, each whole."""
    app = Many()
    async with app.run_test(size=(width, 3)) as pilot:
        await pilot.pause()
        bar = footer(app)
        everything = bar.keys()
        shown = bar.shown_keys()
        drawn = line(app)
        assert sum(key.cells for key in shown) <= width
        assert len(drawn) <= width
        others = [key for key in everything if not key.palette]
        shown_others = [key for key in shown if not key.palette]
        assert shown_others == others[: len(shown_others)]
        for key in shown:
            assert f"{key.description} " in drawn
        for key in everything:
            if key not in shown:
                assert key.description not in drawn.split()
        if any(key.palette for key in shown):
            assert len(shown) == len(everything), "the palette's key is left out first"
            assert drawn.rstrip().endswith("palette")
        if width == 120:
            assert len(shown) == len(everything), "control: all fit at 120"
        if width == 20:
            assert len(shown) < len(others), "control: some are left out at 20"


async def test_a_click_presses_the_key() -> None:
    Many.pressed = []
    app = Many()
    async with app.run_test(size=(120, 3)) as pilot:
        await pilot.pause()
        bar = footer(app)
        start = next(span[0] for span in bar._spans if span[2].description == "Servers")
        await pilot.click(KeysFooter, offset=(start + 2, 0))
        await pilot.pause()
        assert app.pressed == ["s"]
        await pilot.click(KeysFooter, offset=(bar.size.width - 15, 0))  # between keys
        await pilot.pause()
        assert app.pressed == ["s"]


class Disabled(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("n", "create", "New")]
    created = 0
    bells = 0

    def compose(self) -> ComposeResult:
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "create" else True  # shown, dimmed, not runnable

    def action_create(self) -> None:
        self.created += 1

    def bell(self) -> None:
        self.bells += 1


async def test_a_disabled_key_is_dimmed_and_rings_the_bell() -> None:
    app = Disabled()
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        bar = footer(app)
        (key,) = [key for key in bar.shown_keys() if key.action == "create"]
        assert not key.enabled
        rendered = bar.render()
        dimmed = [span for span in rendered.spans if "dim" in str(span.style)]
        assert dimmed, rendered.spans
        await pilot.click(KeysFooter, offset=(1, 0))
        await pilot.pause()
        assert app.created == 0 and app.bells == 1


async def test_the_palette_keys_words_and_tooltip_are_translated() -> None:
    """The palette's key is Textual's binding: its description and its tooltip (the
    words shown on hover) are in vpstui's catalogue too."""
    i18n.use("zh-CN")
    try:
        async with Keys().run_test(size=(60, 3)) as pilot:
            await pilot.pause()
            (palette,) = [key for key in footer(pilot.app).shown_keys() if key.palette]
            assert (palette.description, palette.tooltip) == ("命令面板", "打开命令面板")
    finally:
        i18n.use("en")


async def test_over_the_command_palette_the_footer_shows_the_palettes_keys() -> None:
    """The palette has no footer of its own: the screen's keys under it (`r Restore`)
    would be typed into its search, not pressed. Its own key is shown instead."""
    app = Keys()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert "Restore" in line(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.pause()
        bar = app.screen_stack[0].query_one(KeysFooter)
        drawn = [key.description for key in bar._drawn or ()]  # as last painted
        assert drawn == ["Exit the command palette"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert "Restore" in line(app)
