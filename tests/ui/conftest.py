"""Fixtures for Pilot tests: a fake clock shared by the app and the simulated backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp

#: Fast enough for tests, slow enough that a tick never starves the event loop.
TICK = 0.1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(state=DemoState.seeded(clock), clock=clock)


@pytest.fixture
def transport(backend: DemoBackend) -> SwitchableTransport:
    return SwitchableTransport(backend.transport())


@pytest.fixture
def make_app(clock: FakeClock, transport: SwitchableTransport) -> Callable[..., VpsApp]:
    """Build a `VpsApp` on the demo backend with the fake clock; keywords override settings."""

    def factory(*, ops_path: Path | None = None, **settings: Any) -> VpsApp:
        options: dict[str, Any] = {"demo": True, "poll_interval": 5.0, "idle_refresh": 60.0}
        options.update(settings)
        api = VpsClient(
            token="t",
            base_url=DEMO_BASE_URL,
            transport=transport,
            retry=RetryPolicy(attempts=1),
        )
        return VpsApp(Settings(**options), api, clock=clock, tick_seconds=TICK, ops_path=ops_path)

    return factory
