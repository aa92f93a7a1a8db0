"""Figure 4, network: requests counted at the demo backend (`backend.requests`).

In-process, on a `FakeClock` shared by the app and the backend (poll 5 s, idle refresh
60 s, a 20 ms app tick), 2,000 backups (21 pages of 100) plus one manual backup that stays
in progress for the whole polling phase:
- polling: the clock moves one poll interval at a time; each tick must cause exactly one
  list request (the busy server's `?server_id=`, one page) and nothing else, first under
  "All servers", then with one server selected (issue 13: before, a tick re-listed every
  page of the scope);
- idle: the backup finishes; the clock then moves 50 s in 10 s steps with no request
  expected, and past the idle refresh, where exactly one listing is expected.
"""

from __future__ import annotations

import asyncio
import math
import sys
from typing import Any

from common import Result, check, demo_app, format_table, settle

NAME = "network"
POLL = 5.0
IDLE = 60.0
TICK = 0.02


def run(fast: bool) -> list[Result]:
    return asyncio.run(_measure(3 if fast else 10))


def _first_pages(records: list[Any]) -> int:
    return sum(1 for r in records if _is_list(r) and "page" not in r.query)


def _is_list(record: Any) -> bool:
    return bool(record.method == "GET" and record.path == "/api/v1/backups/")


async def _measure(ticks: int) -> list[Result]:
    from vpstui.clock import FakeClock
    from vpstui.demo import DemoState

    clock = FakeClock()
    state = DemoState.bulk(clock, total_backups=2_000, servers=60)
    # in progress through both polling phases; it finishes half a poll interval after them
    state.create_seconds = 2 * ticks * POLL + POLL / 2
    server_id = min(state.servers)
    running = state.create_manual_backup(server_id, "benchmark: in progress")
    app, backend = demo_app(state, tick_seconds=TICK, poll_interval=POLL, idle_refresh=IDLE)
    results: list[Result] = []

    async def wait_ticks(count: int = 5) -> None:
        await asyncio.sleep(TICK * count)

    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = app.main
        assert main is not None

        async def poll(scope: str, total: int) -> None:
            pages = math.ceil(total / backend.page_size)
            per_tick: list[tuple[int, int, int]] = []
            for _ in range(ticks):
                before = len(backend.requests)
                clock.advance(POLL)
                for _ in range(200):  # until the tick has fetched every page
                    await wait_ticks(1)
                    if not main.backups_loading and _first_pages(backend.requests[before:]):
                        break
                await settle(app, pilot)
                await wait_ticks(5)  # a few more ticks: nothing else may follow
                new = backend.requests[before:]
                lists = [r for r in new if _is_list(r)]
                per_tick.append((_first_pages(new), len(lists), len(new) - len(lists)))
            first = [p[0] for p in per_tick]
            results.append(
                Result(
                    f"4 network: list requests per poll tick ({scope})",
                    sum(first) / len(first),
                    1.0,
                    "req/tick",
                    "exactly 1",
                    all(f == 1 for f in first),
                    note=f"{ticks} ticks; first-page requests per tick {first}; all list "
                    f"requests per tick {[p[1] for p in per_tick]} (a full listing has {pages} "
                    f"pages); other requests {[p[2] for p in per_tick]}",
                )
            )
            results.append(
                check(
                    f"4 network: one request per tick, nothing else ({scope})",
                    all(p == (1, 1, 0) for p in per_tick),
                )
            )

        await poll("All servers", len(state.backups))
        main.set_scope(server_id, None)
        await settle(app, pilot)
        await poll("one server", sum(1 for b in state.backups.values() if b.server_id == server_id))
        main.set_scope(None, None)
        await settle(app, pilot)

        # the backup finishes; the next poll sees it and the schedule goes idle
        clock.advance(POLL)
        for _ in range(200):
            await wait_ticks(1)
            if not main.backups_loading and not any(
                b.in_progress for b in main.table.backups.values()
            ):
                break
        await settle(app, pilot)
        await wait_ticks(5)
        if main.table.backups[running.id].in_progress:
            raise RuntimeError("the benchmark's backup did not finish when expected")
        before = len(backend.requests)
        for _ in range(5):
            clock.advance(10.0)
            await wait_ticks(5)
        idle_requests = len(backend.requests) - before
        results.append(
            Result(
                "4 network: requests while idle (50 s of a 60 s idle refresh)",
                float(idle_requests),
                0.0,
                "req",
                "0",
                idle_requests == 0,
            )
        )
        before = len(backend.requests)
        clock.advance(11.0)
        for _ in range(200):
            await wait_ticks(1)
            if not main.backups_loading and _first_pages(backend.requests[before:]):
                break
        await settle(app, pilot)
        await wait_ticks(5)
        first = _first_pages(backend.requests[before:])
        results.append(
            Result(
                "4 network: listings at the idle refresh",
                float(first),
                1.0,
                "req",
                "exactly 1",
                first == 1,
                note=f"{len(backend.requests) - before} requests in all",
            )
        )
    return results


if __name__ == "__main__":
    print(format_table(run("--fast" in sys.argv)))
