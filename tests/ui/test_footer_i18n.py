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
