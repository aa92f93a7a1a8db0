"""The demo backend as a far-away API: latency, small pages, and other page-link shapes.

`python -m vpstui.demo --latency 0.05 --page-size 20` (and `DemoBackend(latency=…,
page_size=…, pagination=…)`) reproduce a real network; the default stays DRF's
page-number links.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vpstui.clock import FakeClock
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState

AUTH = {"Authorization": "Bearer demo-token"}


def _backend(pagination: str, **options: Any) -> DemoBackend:
    state = DemoState.bulk(FakeClock(), total_backups=95, servers=5)
    return DemoBackend(state=state, page_size=20, pagination=pagination, **options)


@pytest.fixture
async def offset_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=_backend("offset").transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        yield client


async def _walk(client: httpx.AsyncClient) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page's body and every result, following `next` from the first page."""
    pages: list[dict[str, Any]] = []
    url: str | None = "/api/v1/backups/"
    while url is not None:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        url = pages[-1]["next"]
    return pages, [item for page in pages for item in page["results"]]


async def test_offset_links_are_drf_limit_offset(offset_client: httpx.AsyncClient) -> None:
    """`?limit=M&offset=N` links, a count, and every backup exactly once."""
    pages, results = await _walk(offset_client)
    assert pages[0]["count"] == 95
    assert pages[0]["next"] == f"{DEMO_BASE_URL}/api/v1/backups/?limit=20&offset=20"
    assert pages[1]["previous"] == f"{DEMO_BASE_URL}/api/v1/backups/?limit=20"
    assert [len(p["results"]) for p in pages] == [20, 20, 20, 20, 15]
    assert len({r["id"] for r in results}) == 95
    past = (await offset_client.get("/api/v1/backups/?limit=20&offset=400")).json()
    assert past["results"] == [] and past["next"] is None


async def test_cursor_links_are_opaque_and_without_count() -> None:
    backend = _backend("cursor")
    async with httpx.AsyncClient(
        transport=backend.transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        pages, results = await _walk(client)
        assert "count" not in pages[0]
        assert re.fullmatch(r".*/api/v1/backups/\?cursor=[\w%-]+", pages[0]["next"])
        assert len(pages) == 5 and len({r["id"] for r in results}) == 95
        bad = await client.get("/api/v1/backups/?cursor=not-base64!")
        assert bad.status_code == 404


def test_unknown_pagination_is_refused() -> None:
    with pytest.raises(ValueError, match="pagination"):
        DemoBackend(pagination="token")


async def test_latency_applies_to_each_request_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each request waits `latency`; concurrent ones wait together, as over a network.

    "Together" is counted, not timed: how many latency waits were under way at once (an
    upper bound on the wall time of four requests failed on a loaded machine)."""
    backend = _backend("page", latency=0.2)
    waiting = most = 0
    real_sleep = asyncio.sleep

    async def counting_sleep(delay: float, *args: Any) -> Any:
        nonlocal waiting, most
        if delay != backend.latency:
            return await real_sleep(delay, *args)
        waiting += 1
        most = max(most, waiting)
        try:
            return await real_sleep(delay, *args)
        finally:
            waiting -= 1

    monkeypatch.setattr(asyncio, "sleep", counting_sleep)
    async with httpx.AsyncClient(
        transport=backend.transport(), base_url=DEMO_BASE_URL, headers=AUTH
    ) as client:
        started = time.perf_counter()
        await client.get("/api/v1/backups/")
        one = time.perf_counter() - started
        assert most == 1
        started = time.perf_counter()
        await asyncio.gather(*(client.get(f"/api/v1/backups/?page={n}") for n in (2, 3, 4, 5)))
        four = time.perf_counter() - started
    assert one >= 0.2 and four >= 0.2
    assert most == 4, "four concurrent requests should wait their latency side by side"


@pytest.mark.e2e
def test_python_m_serves_slow_small_pages() -> None:
    """`python -m vpstui.demo --latency 0.05 --page-size 20` over real TCP."""
    repo = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "vpstui.demo", "--port", "0", "--latency", "0.05"]
    process = subprocess.Popen(
        [*command, "--page-size", "20", "--backups", "200"],
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
        url = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        with httpx.Client(base_url=url, headers=AUTH) as client:
            client.get("/api/v1/backups/")  # the connection is open: time only the request
            started = time.perf_counter()
            page = client.get("/api/v1/backups/").json()
            elapsed = time.perf_counter() - started
        assert elapsed >= 0.05
        assert page["count"] == 200 and len(page["results"]) == 20
        assert page["next"] == f"{url}/api/v1/backups/?page=2"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_negative_latency_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vpstui.demo", "--latency", "-1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--latency" in result.stderr


def test_the_listening_socket_sends_without_delay() -> None:
    """TCP_NODELAY: uvicorn writes headers and body separately; without it, Nagle's
    algorithm and the client's delayed ACK add ~40 ms to every answer."""
    import socket

    from vpstui.demo.__main__ import bind

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()
