"""The zh-CN sweep (issue 16, "no English left on any screen reachable from the keys in
the help"): against the demo backend, at 120x35 and 80x24, every key the app binds or the
help lists is pressed, every screen, dialog and state they reach is opened (help, picker,
filter, details, create, delete, marks and multi-delete, restore with the safety box
ticked and unticked and the name half and fully typed, make room, a restore followed to
its end, the palette with and without a match, the stale banner, toasts after actions,
the quit question with a request in flight, the first-run screen), and the screen is read
each time for English words. Only what is the same in every language may stay (see
tests/ui/sweep.py). The keys pressed are compared with the keys bound, so a new key the
sweep does not visit fails here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from vpstui import i18n
from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.demo.asgi import CREATE_MESSAGE
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.first_run import FirstRunScreen

from .sweep import NOT_SWEPT, Seen, bound_keys, help_keys
from .sweep_restores import sweep_make_room, sweep_restore
from .sweep_steps import (
    API_ERRORS,
    Holding,
    Sweep,
    api_text,
    sweep_create_and_delete,
    sweep_details_and_copies,
    sweep_help,
    sweep_main_screen,
    sweep_marks,
    sweep_palette,
    sweep_quit,
    sweep_stale,
)
from .test_main_screen import settle

SIZES = [(120, 35), (80, 24)]


@pytest.fixture(autouse=True)
def zh_cn() -> Iterator[None]:
    i18n.use("zh-CN")
    yield
    i18n.use("en")


@pytest.mark.parametrize("size", SIZES)
async def test_every_screen_reachable_by_key_reads_chinese(
    size: tuple[int, int],
    clock: FakeClock,
    backend: DemoBackend,
    transport: SwitchableTransport,
    tmp_path: Path,
) -> None:
    holding = Holding(transport)
    api = VpsClient(
        token="t", base_url=DEMO_BASE_URL, transport=holding, retry=RetryPolicy(attempts=1)
    )
    settings = Settings(demo=True, poll_interval=5.0, idle_refresh=60.0)
    app = VpsApp(
        settings,
        api,
        clock=clock,
        tick_seconds=0.1,
        audit_path=tmp_path / "audit.jsonl",
        ops_path=tmp_path / "operations.json",
    )
    seen = Seen(api_text(backend))
    async with app.run_test(size=size, notifications=True) as pilot:
        s = Sweep(app, pilot, seen, size)
        await sweep_main_screen(s, clock)
        await sweep_help(s)
        await sweep_details_and_copies(s)
        await sweep_create_and_delete(s, clock)
        await sweep_marks(s)
        await sweep_restore(s, clock, backend)
        await sweep_make_room(s)
        await sweep_palette(s)
        await sweep_stale(s, transport, clock)
        seen.api_text = api_text(backend)  # the safety backups' descriptions
        await sweep_quit(s, holding)
        await s.until(lambda: not app.is_running)
    assert not seen.found, "English on screen in zh-CN:\n" + seen.report()
    assert len(seen.states) > 60
    # every key bound or listed in the help was pressed (or is excused, with the reason)
    expected = bound_keys() | help_keys()
    assert not (expected - s.pressed - set(NOT_SWEPT)), sorted(expected - s.pressed)


@pytest.mark.parametrize("size", SIZES)
async def test_first_run_reads_chinese(size: tuple[int, int]) -> None:
    seen = Seen([])
    app = VpsApp(Settings(), None)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunScreen)
        seen.look(app, "first run")
        await pilot.press("escape")
    assert not seen.found, seen.report()


@pytest.mark.parametrize("size", SIZES)
async def test_rejected_token_and_read_only_read_chinese(
    size: tuple[int, int],
    make_app: Callable[..., VpsApp],
    transport: SwitchableTransport,
    backend: DemoBackend,
) -> None:
    seen = Seen(api_text(backend))
    transport.fault = lambda request: httpx.Response(401, json={"detail": API_ERRORS[1]})
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, FirstRunScreen)
        seen.look(app, "token rejected")
        await pilot.press("q")
    transport.fault = None
    app = make_app(read_only=True, server="web-server-01")
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(app, pilot)
        seen.look(app, "read-only")
        for key in ("n", "delete", "R"):
            await pilot.press(key)
            await pilot.pause()
            seen.look(app, f"read-only after {key}")
    assert not seen.found, seen.report()


def test_the_sweep_reads_english_words_and_lets_api_text_and_literals_be() -> None:
    """The reader the sweep relies on: it finds English words, and leaves alone what the
    API sent (whole or cut with "…"), config lines, paths and key names."""
    seen = Seen(["Before PHP 8.3 upgrade", "web-server-01"])
    assert seen.english("按 Esc 清除 filter") == {"filter"}
    assert seen.english("备份 #12 of web-server-01（in progress）") == {"progress"}
    assert not seen.english("web-server-01  手动  Before PHP …  Before PHP 8.3 upgrade")
    assert not seen.english('例如 token_command = "pass show vps.org/api-token"（chmod 600）')
    assert seen.english("Before schema …") == {"Before", "schema"}
    wrapped = Seen([CREATE_MESSAGE])
    assert not wrapped.english("▌ Backup is being created. This may take several minutes")
    assert not wrapped.english("▌ depending on server size.")
    assert wrapped.english("▌ depending on server size. Stale") == {"Stale"}
