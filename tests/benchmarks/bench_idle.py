"""Figure 3b, idle CPU: the app with nothing in progress, against a bare Textual app with
one 1 s `set_interval` timer.

Two child processes run at the same time (one per core), each headless at 120x35:
- vpstui: 1,000 completed backups (`DemoState.bulk` on the real clock: nothing in
  progress), default tick (1 s), poll 5 s, idle refresh 60 s, so no refresh falls in the
  window;
- bare: a `Static` and `set_interval(1.0, no-op)`.
Each waits until it has drawn (vpstui: every row, load finished) plus 1 s, then measures its
own CPU time (`getrusage`, user + system) over the window: 10 s (fast: 3 s).

As a child: `python bench_idle.py --child bare|vpstui SECONDS`.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from common import Result, cpu_seconds, emit, format_table, ratio_bound, run_child

NAME = "idle"


def run(fast: bool) -> list[Result]:
    seconds = 3.0 if fast else 10.0
    with ThreadPoolExecutor(2) as pool:
        bare = pool.submit(
            run_child, ["tests/benchmarks/bench_idle.py", "--child", "bare", str(seconds)], 120
        )
        ours = pool.submit(
            run_child, ["tests/benchmarks/bench_idle.py", "--child", "vpstui", str(seconds)], 120
        )
        bare_cpu, our_cpu = bare.result()["cpu"], ours.result()["cpu"]
    return [
        ratio_bound(
            "3 idle: CPU with nothing in progress",
            our_cpu / seconds * 100,
            bare_cpu / seconds * 100,
            2.0,
            "% CPU",
            note=f"over {seconds:g} s, both at once; baseline: bare Textual app with one 1 s timer",
        )
    ]


async def _measure(app: Any, ready: Any, seconds: float) -> None:
    async with app.run_test(size=(120, 35)) as pilot:
        for _ in range(600):
            await pilot.pause()
            if ready():
                break
        await asyncio.sleep(1.0)
        start = cpu_seconds()
        await asyncio.sleep(seconds)
        used = cpu_seconds() - start
    emit({"cpu": used})


def _child(kind: str, seconds: float) -> None:
    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("Hello from a bare Textual app")

            def on_mount(self) -> None:
                self.set_interval(1.0, lambda: None)

        asyncio.run(_measure(Bare(), lambda: True, seconds))
        return

    from common import demo_app

    from vpstui.clock import SystemClock
    from vpstui.demo import DemoState

    state = DemoState.bulk(SystemClock(), total_backups=1_000, servers=30)
    app, _ = demo_app(state, tick_seconds=1.0, poll_interval=5.0, idle_refresh=60.0)

    def ready() -> bool:
        main = app.main
        return main is not None and not main.backups_loading and main.table.row_count == 1_000

    asyncio.run(_measure(app, ready, seconds))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], float(sys.argv[3]))
    else:
        print(format_table(run("--fast" in sys.argv)))
