"""`vpstui.server_lookup`: the one lookup of servers behind `--server` for the TUI and the
scripting commands (issue 12, item 3)."""

from __future__ import annotations

import pytest
import respx

from vpstui.api import RetryPolicy, Server, ServerError, VpsClient
from vpstui.server_lookup import AmbiguousServer, NoSuchServer, account_servers, find_server

BASE = "https://api.test"
SERVERS = [Server(id=1, name="web"), Server(id=2, name="cache-02"), Server(id=3, name="cache-02")]


def page(results: list[dict[str, object]]) -> dict[str, object]:
    return {"count": len(results), "next": None, "previous": None, "results": results}


def backup(backup_id: int, server_id: int, server_name: str) -> dict[str, object]:
    return {
        "id": backup_id,
        "server_id": server_id,
        "server_name": server_name,
        "backup_type": "manual",
        "status": "completed",
        "size_mb": 10,
        "created_at": "2025-01-15T03:00:00Z",
        "expires_at": None,
        "description": None,
    }


def test_an_id_wins_and_an_exact_name_finds_one() -> None:
    assert find_server(SERVERS, "2").id == 2
    assert find_server(SERVERS, " web ").id == 1


def test_a_shared_name_is_refused_with_every_candidate() -> None:
    with pytest.raises(AmbiguousServer) as refused:
        find_server(SERVERS, "cache-02")
    assert [s.id for s in refused.value.candidates] == [2, 3]
    assert str(refused.value) == "2 servers are named 'cache-02' (ids 2, 3)."


def test_an_unknown_name_suggests_close_ones_and_is_never_a_guess() -> None:
    with pytest.raises(NoSuchServer, match="Did you mean 'cache-02'") as missing:
        find_server(SERVERS, "cache-2")
    assert {s.id for s in missing.value.candidates} == {2, 3}
    with pytest.raises(NoSuchServer):
        find_server(SERVERS, "Web")  # exact names only


@pytest.mark.parametrize("status", [403, 404])
@respx.mock
async def test_servers_come_from_the_backups_when_the_listing_is_refused(status: int) -> None:
    respx.get(f"{BASE}/api/v1/servers/").respond(status, json={"detail": "no"})
    respx.get(f"{BASE}/api/v1/backups/").respond(
        200, json=page([backup(10, 7, "cache-02"), backup(11, 8, "db"), backup(12, 7, "cache-02")])
    )
    async with VpsClient(token="t", base_url=BASE) as api:
        found = await account_servers(api)
    assert found.derived
    assert [(s.id, s.name) for s in found.servers] == [(7, "cache-02"), (8, "db")]


@respx.mock
async def test_other_failures_are_not_hidden_behind_the_backups() -> None:
    respx.get(f"{BASE}/api/v1/servers/").respond(500, json={"detail": "boom"})
    backups = respx.get(f"{BASE}/api/v1/backups/").respond(200, json=page([]))
    async with VpsClient(token="t", base_url=BASE, retry=RetryPolicy(attempts=1)) as api:
        with pytest.raises(ServerError):
            await account_servers(api)
    assert not backups.called
