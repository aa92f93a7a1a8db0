"""The zh-CN sweep for profiles (tests/ui/test_zh_sweep.py covers every key): the
palette's profile commands, a profile that fails and a switch read Chinese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.command import CommandList

from vpstui import i18n
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp

from .sweep import Seen
from .sweep_steps import api_text
from .test_main_screen import settle, wait_until
from .test_profile_switch import app, opener, prod_backend  # noqa: F401 (fixtures)
from .test_zh_sweep import SIZES


@pytest.fixture(autouse=True)
def zh_cn() -> Iterator[None]:
    i18n.use("zh-CN")
    yield
    i18n.use("en")


@pytest.mark.parametrize("size", SIZES)
async def test_profiles_in_the_palette_read_chinese(
    size: tuple[int, int],
    app: VpsApp,  # noqa: F811 (the fixture)
    backend: DemoBackend,
    prod_backend: DemoBackend,  # noqa: F811
) -> None:
    """The palette's profile commands, switching, and a profile that fails (its reason is
    the fixture's own English, as a token command would print it)."""
    failure = "token_command 'pass' failed (exit 1): vault is sealed."  # the fixture's
    seen = Seen(
        [*api_text(backend), *api_text(prod_backend), failure],
        names={"staging", "prod", "broken", "STAGING", "PROD"},  # profiles, header badges
    )
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"prod")  # the profile's name (its Chinese title has no "profile")
        await wait_until(pilot, lambda: len(app.screen.query(CommandList).first().options) > 0)
        await pilot.pause()
        shown = seen.look(app, "palette: profiles")
        assert any("切换到配置档案 prod" in line for line in shown), "\n".join(shown)
        await pilot.press("escape")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["切换到配置档案 broken"].callback()
        await wait_until(pilot, lambda: len(app._notifications) >= 2)
        await pilot.pause()
        seen.look(app, "profile failed")
        app.clear_notifications()
        commands["切换到配置档案 prod"].callback()
        await wait_until(pilot, lambda: app.settings.profile == "prod")
        await settle(app, pilot)
        seen.look(app, "profile switched")
    assert not seen.found, seen.report()
