"""The API client is built after the first frame when the listing cache has rows for it
(issue 13: importing httpx and building the client was about a tenth of a start), and
before it otherwise; a URL the client refuses then still ends the app with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpstui.api import VpsClient
from vpstui.api.errors import InsecureUrlError
from vpstui.api.secret import Secret
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.connection import PlannedClient, plan_client
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp

from .conftest import TICK
from .test_cached_start import API, TOKEN, FrameWatch, HeldTransport, _seed_cache
from .test_main_screen import main_of, settle


@pytest.fixture(autouse=True)
def directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VPSTUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


class Planned(PlannedClient):
    """A planned client whose client talks to the demo backend; counts its builds."""

    def __init__(self, settings: Settings, held: HeldTransport, refuse: bool = False) -> None:
        super().__init__(settings, Secret(TOKEN), None)
        self.held, self.refuse, self.builds = held, refuse, 0

    def build(self) -> VpsClient:
        self.builds += 1
        if self.refuse:
            raise InsecureUrlError("The API URL 'http://[::1' is not a valid URL.")
        return VpsClient(token=self.token, base_url=self.settings.api_url, transport=self.held)


def _app(backend: DemoBackend, clock: FakeClock, refuse: bool = False) -> tuple[VpsApp, Planned]:
    settings = Settings(api_url=API, token=Secret(TOKEN), poll_interval=5.0)
    planned = Planned(settings, HeldTransport(backend.transport()), refuse)
    return VpsApp(settings, planned, clock=clock, tick_seconds=TICK), planned


async def test_with_cached_rows_the_client_is_built_after_the_first_frame(
    backend: DemoBackend, clock: FakeClock, directories: Path
) -> None:
    cached = _seed_cache(backend, clock, directories)
    app, planned = _app(backend, clock)
    watch = FrameWatch(app, planned.held)
    builds_at_first_frame: list[int] = []
    display = app._display

    def first_frame(screen: object, renderable: object) -> None:
        display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and not builds_at_first_frame:
            builds_at_first_frame.append(planned.builds)

    app._display = first_frame  # type: ignore[method-assign]
    planned.held.release.set()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert watch.at_first_frame == (0, len(cached))  # cached rows, no request yet
        assert builds_at_first_frame == [0]
        assert planned.builds == 1  # built once, when the requests left
        main = main_of(app)
        assert set(main.table.backups) == set(backend.state.backups)  # live rows
        assert main.connection.host == "127.0.0.1:8765"
        assert app.api.host == main.connection.host  # the same name, before and after
        await app.workers.wait_for_complete()


async def test_control_without_a_cache_the_client_is_built_before_the_first_frame(
    backend: DemoBackend, clock: FakeClock
) -> None:
    app, planned = _app(backend, clock)
    watch = FrameWatch(app, planned.held)
    planned.held.release.set()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert watch.at_first_frame is not None and watch.at_first_frame[0] >= 1
        assert planned.builds == 1 and app.prefetch is not None
        await app.workers.wait_for_complete()


@pytest.mark.parametrize("cached", [False, True])
async def test_a_url_the_client_refuses_ends_the_app_with_the_reason(
    backend: DemoBackend,
    clock: FakeClock,
    directories: Path,
    cached: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As a refused URL ends vpstui before it starts (exit 2, the reason on stderr): never
    a crash report, never an endless "loading"."""
    if cached:
        _seed_cache(backend, clock, directories)
    app, planned = _app(backend, clock, refuse=True)
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(100):
            if app._exit:
                break
            await pilot.pause(0.02)
    assert planned.builds == 1  # not tried again by each request
    assert app.return_code == 2
    assert app.crash_report is None
    printed = capsys.readouterr().err
    assert printed.count("vpstui: The API URL 'http://[::1' is not a valid URL.") == 1
    assert "errors shown" not in printed  # said once, not once per request


def test_plan_client_checks_the_url_rules_before_the_app_starts() -> None:
    """The token's rules (https, or http on loopback) are checked before the first frame,
    without httpx; the demo's client is built at once; no token, no client."""
    insecure = Settings(api_url="http://api.example.com", token=Secret(TOKEN))
    with pytest.raises(InsecureUrlError, match="Refusing plain http://"):
        plan_client(insecure)
    with pytest.raises(InsecureUrlError, match="user name or password"):
        plan_client(Settings(api_url="https://me:pw@api.example.com", token=Secret(TOKEN)))
    planned = plan_client(Settings(api_url="https://API.example.com:443/", token=Secret(TOKEN)))
    assert isinstance(planned, PlannedClient) and planned.host == "api.example.com"
    assert isinstance(plan_client(Settings(demo=True)), VpsClient)
    assert plan_client(Settings(api_url=API)) is None
