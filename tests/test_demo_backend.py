"""The demo backend behaves like the VPS.org API: shapes, errors, and time-driven state.

Everything runs in-process through `httpx.ASGITransport` with a `FakeClock`, except
the last test, which serves the backend over real TCP from a subprocess.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from vpstui.clock import FakeClock
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState

WEB_01, WEB_02, DB_PRIMARY, DB_REPLICA, STAGING, MAIL = 12345, 12346, 12391, 12392, 13007, 13210
BACKUP_KEYS = {
    "id", "server", "backup_type", "status", "size_mb", "created_at", "expires_at", "description",
}  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AUTH = {"Authorization": "Bearer demo-token"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 16, 16, 0, tzinfo=UTC))


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(clock=clock, page_size=10)


@pytest.fixture
async def client(backend: DemoBackend) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=backend.transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        yield client


async def all_backups(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every backup, following `next` links."""
    response = await client.get("/api/v1/backups/", params=params)
    results: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        results.extend(page["results"])
        if page["next"] is None:
            return results
        response = await client.get(page["next"])


def find(backups: list[dict[str, Any]], backup_id: int) -> dict[str, Any]:
    return next(b for b in backups if b["id"] == backup_id)


# -- listing ---------------------------------------------------------------------------


async def test_backup_objects_have_the_documented_shape(client: httpx.AsyncClient) -> None:
    """Every backup has exactly the documented fields, in the documented formats."""
    backups = await all_backups(client)
    assert len(backups) > 60
    for backup in backups:
        assert set(backup) == BACKUP_KEYS
        assert set(backup["server"]) == {"id", "name"}
        assert backup["backup_type"] in {"manual", "automatic"}
        assert TIMESTAMP.match(backup["created_at"])
        if backup["backup_type"] == "manual":
            assert backup["expires_at"] is None
        else:
            assert TIMESTAMP.match(backup["expires_at"])
        if backup["status"] == "completed":
            assert isinstance(backup["size_mb"], int)
        else:
            assert backup["size_mb"] is None
    statuses = [b["status"] for b in backups]
    assert statuses.count("in_progress") == 2
    assert statuses.count("failed") == 1
    ids = [b["id"] for b in backups]
    assert len(set(ids)) == len(ids)


async def test_pagination_follows_next_links(client: httpx.AsyncClient) -> None:
    """Pages hold `page_size` items, `next`/`previous` are absolute, and `count` adds up."""
    first = (await client.get("/api/v1/backups/")).json()
    assert first["previous"] is None
    assert first["next"] == f"{DEMO_BASE_URL}/api/v1/backups/?page=2"
    assert len(first["results"]) == 10
    second = (await client.get(first["next"])).json()
    assert second["previous"] == f"{DEMO_BASE_URL}/api/v1/backups/"
    backups = await all_backups(client)
    assert len(backups) == first["count"]
    assert len({b["id"] for b in backups}) == first["count"]
    server_order = [b["server"]["id"] for b in backups]
    assert server_order == sorted(server_order), "grouped by server, stable across pages"

    big = (await client.get("/api/v1/backups/", params={"page_size": 1000})).json()
    assert big["next"] is None
    assert [b["id"] for b in big["results"]] == [b["id"] for b in backups]

    filtered = (await client.get("/api/v1/backups/", params={"server_id": DB_PRIMARY})).json()
    assert filtered["next"] == f"{DEMO_BASE_URL}/api/v1/backups/?page=2&server_id={DB_PRIMARY}"


@pytest.mark.parametrize("page", ["0", "99", "abc"])
async def test_page_out_of_range_is_404(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get("/api/v1/backups/", params={"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


async def test_filters_by_server_and_type(client: httpx.AsyncClient) -> None:
    """`server_id` and `backup_type` narrow the list; bad values are DRF 400s."""
    db = await all_backups(client, server_id=DB_PRIMARY)
    assert {b["server"]["id"] for b in db} == {DB_PRIMARY}
    assert sum(b["backup_type"] == "manual" for b in db) == 10
    assert len(db) == 40  # 30 days of automatic backups on a 30-day plan, plus 10 manual
    manual = await all_backups(client, backup_type="manual", server_id=WEB_01)
    assert manual and all(b["backup_type"] == "manual" for b in manual)
    assert await all_backups(client, server_id=999) == []

    bad_id = await client.get("/api/v1/backups/", params={"server_id": "web"})
    assert bad_id.status_code == 400
    assert bad_id.json() == {"server_id": ["Enter a whole number."]}
    bad_type = await client.get("/api/v1/backups/", params={"backup_type": "daily"})
    assert bad_type.status_code == 400
    assert bad_type.json() == {
        "backup_type": ["Select a valid choice. daily is not one of the available choices."]
    }


async def test_servers_list_filters_and_detail(client: httpx.AsyncClient) -> None:
    """The servers endpoints return the documented shape, filter, and 404 when absent."""
    page = (await client.get("/api/v1/servers/")).json()
    assert page["count"] == 6 and page["next"] is None
    web = page["results"][0]
    assert web["name"] == "web-server-01"
    assert set(web) >= {"hostname", "status", "ip_address", "location", "plan", "os"}
    assert set(web["plan"]) == {"id", "name", "vcpus", "memory", "storage"}
    assert web["ip_address"].startswith(("203.0.113.", "198.51.100."))
    stopped = (await client.get("/api/v1/servers/", params={"status": "stopped"})).json()
    assert [s["name"] for s in stopped["results"]] == ["staging-app"]
    west = (await client.get("/api/v1/servers/", params={"location": "us-west"})).json()
    assert west["count"] == 2
    assert (await client.get(f"/api/v1/servers/{DB_PRIMARY}/")).json()["name"] == "db-primary"
    missing = await client.get("/api/v1/servers/1/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}


def test_seeded_state_is_deterministic(clock: FakeClock) -> None:
    """The same seed at the same time builds the same account."""

    def snapshot(state: DemoState) -> list[tuple[int, int, str, int | None, datetime]]:
        return [
            (b.id, b.server_id, b.status, b.size_mb, b.created_at) for b in state.list_backups()
        ]

    assert snapshot(DemoState.seeded(clock)) == snapshot(DemoState.seeded(clock))
    assert snapshot(DemoState.seeded(clock)) != snapshot(DemoState.seeded(clock, seed=8))


# -- creating and deleting -------------------------------------------------------------


async def test_create_backup_completes_when_the_clock_moves(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    """A new manual backup is in progress for `create_seconds`, then completed with a size."""
    response = await client.post(
        "/api/v1/backups/", json={"server_id": WEB_01, "description": "Pre-deployment backup"}
    )
    assert response.status_code == 201
    created = response.json()
    assert set(created) == BACKUP_KEYS | {"message"}
    assert created["status"] == "in_progress" and created["size_mb"] is None
    assert created["backup_type"] == "manual" and created["expires_at"] is None
    assert created["server"] == {"id": WEB_01, "name": "web-server-01"}
    assert created["created_at"] == "2025-01-16T16:00:00Z"
    assert created["message"].startswith("Backup is being created.")

    clock.advance(10)
    listed = find(await all_backups(client, server_id=WEB_01), created["id"])
    assert listed["status"] == "in_progress"
    clock.advance(11)
    listed = find(await all_backups(client, server_id=WEB_01), created["id"])
    assert listed["status"] == "completed"
    assert 4400 < listed["size_mb"] < 4700  # near web-server-01's ~4.5 GB


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, {"server_id": ["This field is required."]}),
        ({"server_id": "web-01"}, 400, {"server_id": ["A valid integer is required."]}),
        ({"server_id": 1}, 404, {"detail": "Not found."}),
        (
            {"server_id": WEB_01, "description": "x" * 256},
            400,
            {"description": ["Ensure this field has no more than 255 characters."]},
        ),
    ],
)
async def test_create_backup_errors(
    client: httpx.AsyncClient, body: dict[str, Any], status: int, error: dict[str, Any]
) -> None:
    response = await client.post("/api/v1/backups/", json=body)
    assert (response.status_code, response.json()) == (status, error)
    malformed = await client.post(
        "/api/v1/backups/", content=b"{server_id: 1", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("JSON parse error - ")


async def test_manual_backup_limit_counts_in_progress_ones(
    client: httpx.AsyncClient, backend: DemoBackend
) -> None:
    """db-primary is at the limit; a server reaches it with an in-progress backup too."""
    limit_error = {
        "non_field_errors": [
            "Manual backup limit reached (10 per server). Delete a manual backup first."
        ]
    }
    response = await client.post("/api/v1/backups/", json={"server_id": DB_PRIMARY})
    assert response.status_code == 400 and response.json() == limit_error

    for _ in range(10 - backend.state.manual_backup_count(MAIL) - 1):
        backend.state.add_backup(MAIL, description="Before Postfix upgrade")
    assert (await client.post("/api/v1/backups/", json={"server_id": MAIL})).status_code == 201
    response = await client.post("/api/v1/backups/", json={"server_id": MAIL})
    assert response.status_code == 400 and response.json() == limit_error


async def test_delete_then_delete_again(client: httpx.AsyncClient) -> None:
    """Deleting is 204 without a body; the backup is gone, so a second delete is 404."""
    backup = (await all_backups(client, server_id=DB_PRIMARY, backup_type="manual"))[0]
    response = await client.delete(f"/api/v1/backups/{backup['id']}/")
    assert response.status_code == 204 and response.content == b""
    assert backup["id"] not in {b["id"] for b in await all_backups(client)}
    again = await client.delete(f"/api/v1/backups/{backup['id']}/")
    assert again.status_code == 404 and again.json() == {"detail": "Not found."}
    # With one manual slot free, db-primary can take a new manual backup.
    assert (
        await client.post("/api/v1/backups/", json={"server_id": DB_PRIMARY})
    ).status_code == 201


async def test_cannot_delete_a_backup_in_progress(client: httpx.AsyncClient) -> None:
    running = [b for b in await all_backups(client) if b["status"] == "in_progress"]
    response = await client.delete(f"/api/v1/backups/{running[0]['id']}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot delete a backup that is still in progress."}


# -- restoring ---------------------------------------------------------------------------


async def test_restore_shows_no_status_by_default_as_documented(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    """By default the demo behaves as the API documents it: a restore is accepted (202),
    the server keeps its status throughout, a second restore meanwhile is refused (409)."""
    backup = (await all_backups(client, server_id=STAGING))[-1]
    response = await client.post(
        f"/api/v1/servers/{STAGING}/restore/", json={"backup_id": backup["id"]}
    )
    assert response.status_code == 202
    assert response.json() == {
        "message": f"Restore of backup #{backup['id']} to staging-app has started. "
        "The server will be unavailable for a few minutes.",
        "server_id": STAGING,
        "backup_id": backup["id"],
    }
    server = (await client.get(f"/api/v1/servers/{STAGING}/")).json()
    assert server["status"] == "stopped"
    again = await client.post(
        f"/api/v1/servers/{STAGING}/restore/", json={"backup_id": backup["id"]}
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "A restore is already in progress for this server."}
    clock.advance(46)
    server = (await client.get(f"/api/v1/servers/{STAGING}/")).json()
    assert server["status"] == "stopped"


async def test_restore_status_option_shows_restoring_then_back(clock: FakeClock) -> None:
    """`DemoBackend(restore_status="restoring")` (`--restore-status`): an explicit demo
    option; the server shows `restoring`, then its old status."""
    backend = DemoBackend(clock=clock, restore_status="restoring")
    async with httpx.AsyncClient(
        transport=backend.transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        backup = (await all_backups(client, server_id=STAGING))[-1]
        await client.post(f"/api/v1/servers/{STAGING}/restore/", json={"backup_id": backup["id"]})
        server = (await client.get(f"/api/v1/servers/{STAGING}/")).json()
        assert server["status"] == "restoring"
        clock.advance(46)
        server = (await client.get(f"/api/v1/servers/{STAGING}/")).json()
        assert server["status"] == "stopped"


async def test_every_answer_carries_a_date_header_from_the_backends_clock(
    client: httpx.AsyncClient,
) -> None:
    """As real servers do: what the app compares its send time with after a lost answer."""
    response = await client.get("/api/v1/servers/")
    assert response.headers["date"] == "Thu, 16 Jan 2025 16:00:00 GMT"


async def test_restore_errors(client: httpx.AsyncClient) -> None:
    """Missing, absent, foreign and unfinished backups are refused with DRF errors."""
    replica = await all_backups(client, server_id=DB_REPLICA)
    web = await all_backups(client, server_id=WEB_01)
    failed = next(b for b in replica if b["status"] == "failed")
    running = next(b for b in replica if b["status"] == "in_progress")
    url = f"/api/v1/servers/{DB_REPLICA}/restore/"

    async def restore(body: dict[str, Any]) -> tuple[int, Any]:
        response = await client.post(url, json=body)
        return response.status_code, response.json()

    assert await restore({}) == (400, {"backup_id": ["This field is required."]})
    assert await restore({"backup_id": 1}) == (404, {"detail": "Not found."})
    assert await restore({"backup_id": web[0]["id"]}) == (
        400,
        {"backup_id": ["Backup does not belong to this server."]},
    )
    only_completed = (400, {"detail": "Only completed backups can be restored."})
    assert await restore({"backup_id": failed["id"]}) == only_completed
    assert await restore({"backup_id": running["id"]}) == only_completed
    response = await client.post("/api/v1/servers/1/restore/", json={"backup_id": web[0]["id"]})
    assert response.status_code == 404


# -- auth and routing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Authentication credentials were not provided."),
        ({"Authorization": ""}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer "}, "Authentication credentials were not provided."),
        ({"Authorization": "Bearer wrong"}, "Invalid token."),
    ],
)
async def test_auth_errors(clock: FakeClock, headers: dict[str, str], detail: str) -> None:
    backend = DemoBackend(clock=clock, token="right")
    async with httpx.AsyncClient(transport=backend.transport(), base_url=DEMO_BASE_URL) as client:
        response = await client.get("/api/v1/backups/", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"detail": detail}
        assert response.headers["WWW-Authenticate"] == "Bearer"
        ok = await client.get("/api/v1/backups/", headers={"Authorization": "Bearer right"})
        assert ok.status_code == 200


async def test_unknown_paths_and_methods(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/snapshots/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    put = await client.put("/api/v1/backups/", json={})
    assert put.status_code == 405 and put.json() == {"detail": 'Method "PUT" not allowed.'}
    no_slash = await client.get("/api/v1/backups")
    assert no_slash.status_code == 301
    assert no_slash.headers["Location"] == "/api/v1/backups/"


async def test_requests_are_recorded(client: httpx.AsyncClient, backend: DemoBackend) -> None:
    await client.get("/api/v1/backups/", params={"server_id": WEB_01})
    await client.get("/api/v1/servers/")
    await client.delete("/api/v1/backups/1/")
    assert backend.count("GET") == 2
    assert backend.count("get", "/api/v1/backups/") == 1
    assert backend.requests[0].query == {"server_id": str(WEB_01)}
    assert backend.requests[-1].status == 404


# -- time --------------------------------------------------------------------------------


async def test_expired_automatic_backups_disappear(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    """As days pass, expired backups vanish and the 03:00 run adds new ones."""
    before = await all_backups(client, server_id=MAIL, backup_type="automatic")
    assert len(before) == 7  # Starter plan: 7 days of retention
    oldest = min(before, key=lambda b: b["created_at"])
    clock.advance(timedelta(days=3).total_seconds())
    after = await all_backups(client, server_id=MAIL, backup_type="automatic")
    assert oldest["id"] not in {b["id"] for b in after}
    assert len(after) == 7
    now = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    for backup in await all_backups(client):
        assert backup["expires_at"] is None or backup["expires_at"] > now
    assert all(b["status"] == "completed" for b in after)


def test_state_helpers(clock: FakeClock) -> None:
    """Tests can shape the state directly."""
    state = DemoState.seeded(clock)
    backup = state.add_backup(WEB_01, backup_type="automatic", status="in_progress")
    assert backup.expires_at == backup.created_at + timedelta(days=14)
    state.set_server_status(WEB_01, "suspended")
    assert state.servers[WEB_01].status == "suspended"
    assert state.remove_backup(backup.id) is backup
    assert backup.id not in state.backups


# -- scale and real HTTP -------------------------------------------------------------------


async def test_bulk_account_builds_and_lists_quickly(clock: FakeClock) -> None:
    # CPU time, not wall time: other processes on a loaded CI machine don't count.
    started = time.process_time()
    state = DemoState.bulk(clock, total_backups=100_000, servers=300)
    assert time.process_time() - started < 2.0
    backend = DemoBackend(state=state)
    async with httpx.AsyncClient(
        transport=backend.transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        started = time.process_time()
        backups = await all_backups(client, page_size=1000)
        assert time.process_time() - started < 10.0
    assert len(backups) == 100_000
    assert len({b["id"] for b in backups}) == 100_000
    assert backend.count("GET", "/api/v1/backups/") == 100


@pytest.mark.e2e
def test_served_over_tcp_by_python_m() -> None:
    """`python -m vpstui.demo --port 0` announces its URL and answers real HTTP."""
    repo = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "vpstui.demo", "--port", "0", "--token", "t0k"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=repo,
        env=env,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "the demo backend did not announce itself within 20 s"
        line = process.stdout.readline().strip()
        found = re.fullmatch(r"vpstui demo backend listening on (http://127\.0\.0\.1:\d+)", line)
        assert found, line
        url = found.group(1)
        response = httpx.get(f"{url}/api/v1/servers/", headers={"Authorization": "Bearer t0k"})
        assert response.status_code == 200
        assert response.json()["count"] == 6
        backups = httpx.get(f"{url}/api/v1/backups/", headers={"Authorization": "Bearer t0k"})
        assert backups.json()["next"].startswith(f"{url}/api/v1/backups/?page=2")
        assert httpx.get(f"{url}/api/v1/servers/").status_code == 401
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
