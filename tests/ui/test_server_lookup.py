"""`--server` and the server picker for a token that may not list servers (issue 12, item 3).

The servers endpoint answers 403 or 404; names and ids then come from the backups listing,
through the same lookup the scripting commands use (`vpstui.server_lookup`).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from msgspec.structs import replace

from vpstui.demo import DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp

from .test_main_screen import list_requests, main_of, settle, wait_until

AppFactory = Callable[..., VpsApp]

MAIL_RELAY = 13210


def refuse_server_list(transport: SwitchableTransport, status: int) -> None:
    """`GET /api/v1/servers/` answers `status`; everything else as the demo backend does."""
    inner = transport.inner

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/servers/":
            return httpx.Response(status, json={"detail": "Not for this token."})
        return await inner.handle_async_request(request)

    transport.handle_async_request = handler  # type: ignore[method-assign]


def notes(app: VpsApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize("status", [403, 404])
async def test_server_name_opens_that_server_without_the_servers_endpoint(
    make_app: AppFactory, backend: DemoBackend, transport: SwitchableTransport, status: int
) -> None:
    """`--server mail-relay` with /servers/ refused: the table shows mail-relay's backups
    only, asked of the API with its id (taken from the backups listing)."""
    refuse_server_list(transport, status)
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        await wait_until(pilot, lambda: main.scope == (MAIL_RELAY, None))
        await settle(app, pilot)
        assert {b.server_id for b in main.table.backups.values()} == {MAIL_RELAY}
        assert list_requests(backend)[-1].get("server_id") == str(MAIL_RELAY)
        assert "mail-relay" in str(app.screen.query_one("#scope-bar").render())


async def test_ambiguous_server_name_is_refused_with_the_candidates(
    make_app: AppFactory, backend: DemoBackend, transport: SwitchableTransport
) -> None:
    """Two servers named mail-relay in the backups listing: no guess; the screen says which
    ids carry that name and stays on All servers."""
    original = backend.state.servers[MAIL_RELAY]
    backend.state.add_server(replace(original, id=99999))
    backend.state.add_backup(99999, description="twin")
    refuse_server_list(transport, 404)
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: any("servers are named" in n for n in notes(app)))
        main = main_of(app)
        assert main.scope == (None, None)
        said = next(n for n in notes(app) if "servers are named" in n)
        assert "2 servers are named 'mail-relay'" in said
        assert str(MAIL_RELAY) in said and "99999" in said
        assert "server_id" not in list_requests(backend)[-1]


async def test_unknown_server_name_says_so_with_close_names(
    make_app: AppFactory, transport: SwitchableTransport
) -> None:
    """A name no backup carries: said on screen, with the close names; All servers stays."""
    refuse_server_list(transport, 404)
    app = make_app(server="mail-rela")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(pilot, lambda: any("No server has" in n for n in notes(app)))
        said = next(n for n in notes(app) if "No server has" in n)
        assert "'mail-rela'" in said and "mail-relay" in said
        assert main_of(app).scope == (None, None)


async def test_picker_lists_every_server_when_opened_on_one_by_id(
    make_app: AppFactory, backend: DemoBackend, transport: SwitchableTransport
) -> None:
    """`--server ID` with /servers/ refused: the picker still offers every server of the
    account (from the whole backups listing), and picking one scopes the table to it."""
    refuse_server_list(transport, 404)
    app = make_app(server=str(MAIL_RELAY))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        wanted = {backend.state.servers[b.server_id].name for b in backend.state.list_backups()}
        await wait_until(pilot, lambda: {s.name for s in main.picker.servers} >= wanted)
        await pilot.press("s", *"db-prim", "enter")
        await settle(app, pilot)
        assert main.scope == (12391, None)
        assert list_requests(backend)[-1].get("server_id") == "12391"
