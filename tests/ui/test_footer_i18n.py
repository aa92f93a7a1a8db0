"""The footer translates binding descriptions as it shows them (bindings are defined in
English at import time)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import polib
import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from vpstui import i18n
from vpstui.ui.widgets.footer import Footer


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "noop", i18n.N_("Restore"))]

    def compose(self) -> ComposeResult:
        yield Footer()


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
        keys = pilot.app.query(FooterKey)
        assert next(key.description for key in keys) == "恢复"


async def test_footer_in_english_is_unchanged() -> None:
    async with Keys().run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        assert next(key.description for key in pilot.app.query(FooterKey)) == "Restore"


class Switching(App[None]):
    """A footer under two focusable widgets with different keys."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "noop", i18n.N_("Restore"))]

    def compose(self) -> ComposeResult:
        yield Keyed(id="first")
        yield Plain(id="second")
        yield Footer()


class Keyed(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("d", "noop", "Delete")]


class Plain(Static, can_focus=True):
    pass


def _keys(app: App[None]) -> list[FooterKey]:
    return list(app.query(FooterKey))


async def test_footer_is_rebuilt_only_when_its_keys_change() -> None:
    """Textual rebuilds the footer each time a screen says its bindings may have changed
    (~25 ms each: four times before vpstui's first live rows, issue 13). Ours keeps its
    keys while they are the same, and rebuilds them when they are not."""
    app = Switching()
    async with app.run_test(size=(60, 6)) as pilot:
        app.query_one("#first").focus()
        await pilot.pause()
        await pilot.pause()
        before = _keys(app)
        assert "Delete" in [key.description for key in before]
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert _keys(app) == before  # the same widgets: nothing rebuilt

        app.query_one("#second").focus()  # "Delete" is no longer active
        await pilot.pause()
        await pilot.pause()
        after = _keys(app)
        assert after and "Delete" not in [key.description for key in after]


async def test_footer_is_rebuilt_in_another_language(chinese: None) -> None:
    """The language is part of what the keys are built from."""
    app = Keys()
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        assert _keys(app)[0].description == "恢复"
        i18n.use("en")
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert _keys(app)[0].description == "Restore"
