"""Issue 13, over real HTTP: the demo server (`python -m vpstui.demo`) on 127.0.0.1 with
50 ms added to every request and 20 backups a page, the app headless in this process.

- load: the whole account (N backups; 100,000 too in full mode) until every row is in the table and
  nothing is loading, with pages fetched 6 at a time; baseline: the same app with
  `page_concurrency = 1` (the pages one after another, as before issue 13). The longest
  event-loop gap during the concurrent load says whether the UI stayed responsive.
- polling: one manual backup in progress; list requests the app sends while it polls
  (counted at the app's transport) over a window after the load; baseline: the requests
  of one full listing, which is what every tick sent before issue 13.
- completion: when the backup completes at the API (found by a separate client asking
  every 50 ms) until the table shows it completed; target ≤ poll interval + 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from common import REPO, LoopGapMonitor, Result, bound, child_env, format_table, now

NAME = "real"
LATENCY = 0.05
PAGE_SIZE = 20
TOKEN = "bench-real"
CACHE_ENV = "VPSTUI_CACHE_DIR"  # vpstui.cache.ENV_CACHE_DIR (not imported before timing)
LIST = "/api/v1/backups/"


@contextlib.contextmanager
def demo_server(backups: int, create_seconds: float) -> Iterator[str]:
    """`python -m vpstui.demo` on a free loopback port; yields its URL."""
    command = [
        sys.executable, "-m", "vpstui.demo", "--port", "0", "--token", TOKEN,
        "--latency", str(LATENCY), "--page-size", str(PAGE_SIZE),
        "--backups", str(backups), "--create-seconds", str(create_seconds),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=child_env(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if "listening on" not in line:
            raise RuntimeError(f"the demo server did not start: {line!r}")
        yield line.rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class CountingTransport:
    """An httpx transport over real HTTP that notes each request's (time, method, path)."""

    def __init__(self) -> None:
        import httpx

        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[tuple[float, str, str]] = []

    async def handle_async_request(self, request: Any) -> Any:
        self.sent.append((now(), request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def lists(self, since: float = 0.0, until: float = math.inf) -> int:
        return sum(1 for t, m, p in self.sent if m == "GET" and p == LIST and since <= t < until)


def _app(url: str, concurrency: int, poll: float) -> tuple[Any, CountingTransport]:
    import httpx

    from vpstui.api import VpsClient
    from vpstui.cli import _startup_done
    from vpstui.config import Settings
    from vpstui.ui.app import VpsApp

    counting = CountingTransport()
    api = VpsClient(
        token=TOKEN,
        base_url=url,
        transport=counting,  # type: ignore[arg-type]
        page_concurrency=concurrency,
        timeout=httpx.Timeout(30.0),
    )
    settings = Settings(api_url=url, poll_interval=poll, idle_refresh=60.0)
    # As the program does (`vpstui.cli`): start-up's heap leaves the collector at the first frame.
    return VpsApp(settings, api, on_first_frame=_startup_done), counting


async def _load(url: str, total: int, concurrency: int, poll: float = 5.0) -> dict[str, Any]:
    """Start the app, wait until all `total` rows are in; returns its figures."""
    app, counting = _app(url, concurrency, poll)
    monitor = LoopGapMonitor(record=True)
    started = now()
    loaded = None
    async with app.run_test(size=(120, 35)) as pilot:
        while now() - started < 300:
            main = app.main
            if monitor._task is None and main is not None and main.table.backups:
                monitor.start()  # from the first rows on screen: the UI must stay responsive
            if main is not None and len(main.table.backups) >= total and not main._loading:
                loaded = now() - started
                break
            await pilot.pause(0.01)
        figures = {
            "p99": monitor.percentile(0.99),
            "over": monitor.over(0.100),
            "held": monitor.held,
            "gap": monitor.mark(),
        }
    await monitor.stop()
    if loaded is None:
        raise RuntimeError(f"the account did not load (concurrency {concurrency})")
    return {"seconds": loaded, "requests": counting.lists(), **figures}


async def _client_only(url: str, total: int) -> float:
    """The same listing read by the API client alone (no UI), 6 pages at a time: what
    the network, the server and this machine allow right now."""
    import httpx

    from vpstui.api import VpsClient

    api = VpsClient(token=TOKEN, base_url=url, page_concurrency=6, timeout=httpx.Timeout(30.0))
    started = now()
    rows = 0
    async for page in api.iter_backup_pages():
        rows += len(page.items)
    await api.aclose()
    if rows != total:
        raise RuntimeError(f"the client alone read {rows} of {total} backups")
    return now() - started


def _gaps(load: dict[str, Any]) -> str:
    """The loop gaps of a load, in words."""
    return (
        f"loop gaps from the first rows: longest {load['gap'] * 1000:.0f} ms, p99 "
        f"{load['p99'] * 1000:.1f} ms, {load['over']} over 100 ms; the most CPU the loop "
        f"spent within one gap {load['held'] * 1000:.0f} ms (the rest of a long gap is "
        "waiting for a core)"
    )


async def _poll(url: str, total: int, poll: float, window: float) -> dict[str, Any]:
    """Load, then count list requests over `window` s of polling one in-progress backup,
    then wait for it to complete and time how long the table took to show it."""
    import httpx

    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        servers = (await client.get("/api/v1/servers/")).json()["results"]
        server_id = servers[0]["id"]
        made = await client.post(LIST, json={"server_id": server_id, "description": "bench"})
        backup_id = made.json()["id"]
        app, counting = _app(url, 6, poll)
        async with app.run_test(size=(120, 35)) as pilot:
            main = None
            while main is None or len(main.table.backups) < total + 1 or main._loading:
                await pilot.pause(0.01)
                main = app.main
            window_start = now()
            await pilot.pause(window)
            in_window = counting.lists(window_start, now())
            if not main.table.backups[backup_id].in_progress:
                raise RuntimeError("the benchmark's backup finished during the window")
            params = {"server_id": server_id, "backup_type": "manual"}
            api_done = None
            while api_done is None:
                page = (await client.get(LIST, params=params)).json()["results"]
                mine = next(b for b in page if b["id"] == backup_id)
                if mine["status"] == "completed":
                    api_done = now()
                else:
                    await pilot.pause(0.05)
            while main.table.backups[backup_id].in_progress:
                await pilot.pause(0.01)
            shown = now() - api_done
    return {"per_tick": in_window / (window / poll), "in_window": in_window, "shown": shown}


def run(fast: bool) -> list[Result]:
    # Every load starts cold (no listing cache from an earlier run) and leaves no files.
    with tempfile.TemporaryDirectory(prefix="vpstui-bench-cache-") as cache:
        before = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = cache
        try:
            return asyncio.run(_measure(fast))
        finally:
            if before is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = before


async def _measure(fast: bool) -> list[Result]:
    total = 1_000 if fast else 10_000
    poll, window = (2.0, 6.0) if fast else (5.0, 30.0)
    results: list[Result] = []
    with demo_server(total, create_seconds=3600) as url:
        concurrent = await _load(url, total, 6)
        sequential = await _load(url, total, 1)
    pages = math.ceil(total / PAGE_SIZE)
    results.append(
        bound(
            f"13 real: whole {total:,}-backup account loaded",
            concurrent["seconds"],
            8.0,
            "s",
            baseline=sequential["seconds"],
            note=f"{LATENCY * 1000:.0f} ms a request, {PAGE_SIZE} a page ({pages} pages, "
            f"{concurrent['requests']} list requests), 6 pages at a time; baseline: one "
            f"after another; {_gaps(concurrent)}",
        )
    )
    results.append(
        bound(
            f"13 real: longest event-loop gap while {total:,} load (from the first rows)",
            concurrent["gap"] * 1000,
            100.0,
            "ms",
            baseline=sequential["gap"] * 1000,
            note=f"p99 {concurrent['p99'] * 1000:.1f} ms; baseline: the sequential load",
        )
    )
    if not fast:
        with demo_server(100_000, create_seconds=3600) as url:
            huge = await _load(url, 100_000, 6)
            alone = await _client_only(url, 100_000)
        results.append(
            bound(
                "13 real: whole 100,000-backup account loaded",
                huge["seconds"],
                60.0,
                "s",
                baseline=alone,
                note=f"{math.ceil(100_000 / PAGE_SIZE):,} pages, 6 at a time; baseline: the "
                f"API client alone reading them (no UI); {_gaps(huge)}",
            )
        )
        results.append(
            bound(
                "13 real: longest event-loop gap while 100,000 load (from the first rows)",
                huge["gap"] * 1000,
                100.0,
                "ms",
                note=f"p99 {huge['p99'] * 1000:.1f} ms, {huge['over']} gaps over 100 ms; "
                f"most loop CPU within one gap {huge['held'] * 1000:.0f} ms",
            )
        )
    create_seconds = 20.0 if fast else 50.0  # still running when the window closes
    with demo_server(total, create_seconds=create_seconds) as url:
        polled = await _poll(url, total, poll, window)
    results.append(
        bound(
            f"13 real: list requests per poll tick, one backup running at {total:,}",
            polled["per_tick"],
            1.0,
            "req/tick",
            baseline=float(concurrent["requests"]),
            note=f"{polled['in_window']} list requests in {window:g} s at a {poll:g} s "
            "poll; baseline: one full listing, what each tick sent before",
        )
    )
    results.append(
        bound(
            "13 real: completion shown after the API reports it",
            polled["shown"],
            poll + 1.0,
            "s",
            note=f"poll interval {poll:g} s; the API was asked every 50 ms",
        )
    )
    return results


if __name__ == "__main__":
    print(format_table(run("--fast" in sys.argv)))
