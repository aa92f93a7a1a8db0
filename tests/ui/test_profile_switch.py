"""Pilot tests of switching profiles from the command palette: the new account's data
replaces the old one's completely, and a profile that cannot be used changes nothing."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from vpstui.api import RetryPolicy, VpsClient
from vpstui.clock import FakeClock
from vpstui.config import ConfigError, Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.profiles import ProfileOpener
from vpstui.ui.screens.main import MainScreen

from .conftest import TICK
from .test_main_screen import main_of, settle, wait_until

PROD_SERVER = 777
PROFILES = ("staging", "prod", "broken")


@pytest.fixture
def prod_backend(clock: FakeClock, backend: DemoBackend) -> DemoBackend:
    """A second account: one server, prod-db, with one backup nobody else has."""
    state = DemoState(clock)
    template = next(iter(backend.state.servers.values()))
    state.add_server(replace(template, id=PROD_SERVER, name="prod-db", hostname="prod-db"))
    state.add_backup(PROD_SERVER, description="prod only")
    return DemoBackend(state=state)


@pytest.fixture
def opener(prod_backend: DemoBackend) -> ProfileOpener:
    def open_profile(name: str) -> tuple[Settings, VpsClient]:
        if name == "broken":
            raise ConfigError("token_command 'pass' failed (exit 1): vault is sealed.")
        settings = Settings(profile=name, profiles=PROFILES, colour="red", idle_refresh=60)
        api = VpsClient(
            token="prod-secret",
            base_url="https://prod.invalid",
            transport=prod_backend.transport(),
            retry=RetryPolicy(attempts=1),
        )
        return settings, api

    return open_profile


@pytest.fixture
def app(clock: FakeClock, transport: SwitchableTransport, opener: ProfileOpener) -> VpsApp:
    """The app on the staging (seeded demo) account, able to switch profiles."""
    settings = Settings(demo=True, profile="staging", profiles=PROFILES, idle_refresh=60)
    api = VpsClient(
        token="t", base_url=DEMO_BASE_URL, transport=transport, retry=RetryPolicy(attempts=1)
    )
    return VpsApp(settings, api, clock=clock, tick_seconds=TICK, open_profile=opener)


def switch_command(app: VpsApp, name: str):  # type: ignore[no-untyped-def]
    commands = {c.title: c for c in app.get_system_commands(app.screen)}
    return commands.get(f"Switch to profile {name}") or commands.get(
        f"Reload profile {name} (in use)"
    )


async def test_switching_replaces_every_row_and_the_header(
    app: VpsApp, backend: DemoBackend, prod_backend: DemoBackend
) -> None:
    """Switch to profile prod: a fresh main screen with only prod's data, PROD in the
    header, the old client closed and never asked again."""
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        old_main, old_api = main_of(app), app.api
        assert any(b.server_name == "db-primary" for b in old_main.table.backups.values())
        command = switch_command(app, "prod")
        assert command is not None
        command.callback()
        await wait_until(pilot, lambda: app.main is not None and app.main is not old_main)
        await settle(app, pilot)
        main = main_of(app)
        assert isinstance(app.screen, MainScreen) and main is app.screen
        assert {b.server_id for b in main.table.backups.values()} == {PROD_SERVER}
        assert [s.name for s in main.picker.servers] == ["prod-db"]
        header = str(main.query_one("#status-bar").render())
        assert " PROD " in header and "prod.invalid" in header and "DEMO" not in header
        assert app.settings.profile == "prod" and app.api is not old_api
        assert old_api._http.is_closed
        asked_before = len(backend.requests)
        await main.run_action("refresh")
        await settle(app, pilot)
        assert len(backend.requests) == asked_before  # the old account is left alone
        assert prod_backend.count("GET", "/api/v1/backups/") >= 2
        assert "prod-secret" in app.secrets() and "t" in app.secrets()


async def test_failing_profile_keeps_the_current_one(app: VpsApp) -> None:
    """A profile whose token source fails shows the reason and changes nothing."""
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        old_main, old_api = main_of(app), app.api
        rows = dict(old_main.table.backups)
        command = switch_command(app, "broken")
        assert command is not None
        command.callback()
        await settle(app, pilot)
        await wait_until(
            pilot, lambda: any("vault is sealed" in n.message for n in app._notifications)
        )
        failure = next(n for n in app._notifications if "vault is sealed" in n.message)
        assert failure.title == "Cannot switch to profile broken"
        assert "Still on profile staging" in failure.message
        assert main_of(app) is old_main and app.api is old_api
        assert app.settings.profile == "staging"
        assert dict(old_main.table.backups) == rows


async def test_every_profile_is_offered_but_not_over_a_dialog(app: VpsApp) -> None:
    """The palette lists "Switch to profile NAME" for each profile; not while a dialog is up."""
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        for name in PROFILES:
            assert switch_command(app, name) is not None
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, MainScreen)
        assert switch_command(app, "prod") is None


async def test_no_switching_without_an_opener(
    clock: FakeClock, transport: SwitchableTransport
) -> None:
    """Without a way to open profiles (the demo), no switch commands are offered."""
    settings = Settings(demo=True, profile="staging", profiles=PROFILES)
    api = VpsClient(token="t", base_url=DEMO_BASE_URL, transport=transport)
    app = VpsApp(settings, api, clock=clock, tick_seconds=TICK)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        assert switch_command(app, "prod") is None
