"""Start-up plumbing (issue 4): the head start's iterator, and the garbage collector being
off only while vpstui's modules load."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from vpstui import cli
from vpstui.loading import HeadStart, initial_scope


async def numbers(log: list[str], fail_at: int | None = None) -> AsyncIterator[int]:
    for n in range(3):
        log.append(f"fetch {n}")
        await asyncio.sleep(0)
        if n == fail_at:
            raise ValueError(f"page {n} failed")
        yield n


async def test_head_start_fetches_the_first_item_at_once_and_yields_everything() -> None:
    log: list[str] = []
    head = HeadStart(numbers(log))
    await asyncio.sleep(0.01)
    assert log == ["fetch 0"], "the first item was fetched before anyone iterated"
    assert head.ready() == 0
    assert [n async for n in head] == [0, 1, 2]
    assert log == ["fetch 0", "fetch 1", "fetch 2"]


async def test_head_start_passes_the_first_error_on_to_whoever_iterates() -> None:
    head = HeadStart(numbers([], fail_at=0))
    await asyncio.sleep(0.01)
    assert head.ready() is None
    with pytest.raises(ValueError, match="page 0 failed"):
        [n async for n in head]


async def test_head_start_of_an_empty_source_yields_nothing() -> None:
    async def empty() -> AsyncIterator[int]:
        return
        yield 0  # pragma: no cover - makes this an async generator

    head = HeadStart(empty())
    assert [n async for n in head] == []


async def test_a_cancelled_head_start_is_not_left_running() -> None:
    log: list[str] = []
    head = HeadStart(numbers(log))
    head.cancel()
    await asyncio.sleep(0.01)
    assert head.ready() is None
    assert log in ([], ["fetch 0"])


@pytest.mark.parametrize(
    ("server", "scope"),
    [(None, (None, None)), ("12", (12, None)), ("db-primary", (None, None))],
)
def test_initial_scope(server: str | None, scope: tuple[int | None, None]) -> None:
    assert initial_scope(server) == scope


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.enable()
    gc.unfreeze()


def test_the_collector_is_back_on_after_main_returns(collector_restored: None) -> None:
    assert gc.isenabled()
    assert cli.main(["--audit-log"]) == 0
    assert gc.isenabled()


def test_scripting_commands_run_with_the_collector_on(
    collector_restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script may list 100,000 backups: it is not start-up, so the collector is on."""
    import vpstui.commands

    seen: list[bool] = []

    def run_command(words: list[str], secrets: list[str]) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(vpstui.commands, "run_command", run_command)
    assert cli.main(["backups", "list", "--demo"]) == 0
    assert seen == [True]


def test_the_collector_stays_off_until_the_first_frame_then_start_up_is_frozen(
    collector_restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the modules load and the first screen is built the collector is off; once the
    app has drawn its first frame (it calls `on_first_frame`, tests/ui/test_startup.py) it
    is on again, and what start-up left alive is frozen out of its way."""
    from vpstui.ui.app import VpsApp

    seen: dict[str, Any] = {}

    def run(self: VpsApp, *args: object, **kwargs: object) -> None:
        seen["enabled_at_run"] = gc.isenabled()
        assert self._on_first_frame is not None
        self._on_first_frame()  # as the app does after its first frame
        seen["enabled"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()

    monkeypatch.setattr(VpsApp, "run", run)
    gc.unfreeze()
    assert cli.main(["--demo"]) == 0
    assert seen["enabled_at_run"] is False
    assert seen["enabled"] is True
    assert seen["frozen"] > 1000
    assert gc.isenabled()
