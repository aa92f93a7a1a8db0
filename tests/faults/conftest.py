"""Fixtures for the fault-injection suite: the demo backend behind a `FaultyBackend`, and
`VpsApp`s on it with a short client timeout, no GET retries and a private audit log.

Time is a `FakeClock` shared by the app and the backend; nothing sleeps. A request that
must time out meets the `slow` fault (which waits far longer than the client's
`total_timeout` of `CLIENT_TIMEOUT` seconds), so a timeout costs `CLIENT_TIMEOUT` seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.demo.faults import FaultyBackend
from vpstui.ui.app import VpsApp

#: The client's whole-request timeout in these tests (seconds of real time). Every request
#: of these apps has it, the healthy ones too, and it counts while the event loop is busy
#: drawing: on a loaded 2-core CI, 0.4 s timed out a request the `latency` fault held for
#: 0.1 s. Only the `slow` fault (30 s) must reach it, so it is generous.
CLIENT_TIMEOUT = 3.0
TICK = 0.05


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(state=DemoState.seeded(clock))


@pytest.fixture
def faulty(backend: DemoBackend) -> FaultyBackend:
    return FaultyBackend(backend)


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "audit.jsonl"


@pytest.fixture(autouse=True)
def private_state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Crash reports and audit logs of these tests go to tmp_path, never the user's."""
    path = tmp_path / "state"
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(path))
    return path


@pytest.fixture
def make_app(clock: FakeClock, faulty: FaultyBackend, audit_path: Path) -> Callable[..., VpsApp]:
    """A `VpsApp` on the faulty backend; keywords override settings."""

    def factory(**settings: Any) -> VpsApp:
        options: dict[str, Any] = {"demo": True, "poll_interval": 5.0, "idle_refresh": 60.0}
        options.update(settings)
        api = VpsClient(
            token="fault-suite-token-0123456789",
            base_url=DEMO_BASE_URL,
            transport=faulty.transport(),
            retry=RetryPolicy(attempts=1),
            total_timeout=CLIENT_TIMEOUT,
        )
        return VpsApp(
            Settings(**options), api, clock=clock, tick_seconds=TICK, audit_path=audit_path
        )

    return factory
