"""Figure 2, scale: 10,000 and 100,000 backups under "All servers" (fast: 2,000 and 10,000).

Each size runs in its own process (`python bench_scale.py --child N`), so its peak RSS is
its own. The app runs under `run_test(size=(120, 35))` on the in-process demo backend
(`DemoState.bulk`, N // 33 servers, default page size, no latency) with a
`LoopGapMonitor` throughout. Frames are seen at `App._display` (`FrameProbe`).

Measured, per size:
- data → frame: from the `BackupsLoaded` message (all pages arrived; its creation time
  when the message carries one, else its dispatch) to the first frame showing all rows.
- longest loop gap while loading, sorting (`o` twice), filtering (`/` then 5 keys, `Esc`)
  and refreshing (`ctrl+r`), against the gap of a bare Textual app sitting idle.
- each filter keystroke to the first frame whose table shows that filter's rows,
  against the same keystroke into a bare app's `Input`.
- peak RSS (VmHWM), against the same process right after its imports.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from common import (
    FrameProbe,
    LoopGapMonitor,
    Result,
    bound,
    current_rss_mb,
    demo_app,
    emit,
    failed,
    format_table,
    now,
    peak_rss_mb,
    run_child,
)

NAME = "scale"
GAP_LIMIT = 0.100
TYPED = "de-12"  # "node-…" names: all, all, all, then fewer and fewer rows


def run(fast: bool) -> list[Result]:
    sizes = (2_000, 10_000) if fast else (10_000, 100_000)
    results: list[Result] = []
    for n in sizes:
        try:
            data = run_child(["tests/benchmarks/bench_scale.py", "--child", str(n)], timeout=900)
        except Exception as error:
            results.append(failed(f"2 scale {n:,}", str(error)[-300:]))
            continue
        results += [Result.from_json(r) for r in data["results"]]
    return results


def _matches(backup: Any, needle: str) -> bool:
    return needle in f"{backup.id}\n{backup.server_name}\n{backup.description or ''}".lower()


async def _bare_baseline() -> tuple[float, float]:
    """Longest loop gap of an idle bare Textual app, and its slowest keystroke → frame."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    app = Bare()
    probe = FrameProbe(app)
    monitor = LoopGapMonitor().start()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        monitor.mark()
        await asyncio.sleep(0.5)
        idle_gap = monitor.mark()
        keys = []
        for i, char in enumerate(TYPED):
            text = TYPED[: i + 1]
            waiter = asyncio.ensure_future(probe.wait_for(lambda t=text: field.value == t))
            start = now()
            await pilot.press(char)
            keys.append(await waiter - start)
    await monitor.stop()
    return idle_gap, max(keys)


async def _measure(n: int) -> list[Result]:
    from vpstui.clock import FakeClock
    from vpstui.demo import DemoState
    from vpstui.ui.messages import BackupsLoaded
    from vpstui.ui.widgets.backup_table import BackupTable

    tag = f"2 scale {n:,}"
    rss_imports = current_rss_mb()
    idle_gap, bare_key = await _bare_baseline()

    clock = FakeClock()
    build_start = now()
    state = DemoState.bulk(clock, total_backups=n, servers=max(1, n // 33))
    build_s = now() - build_start
    rss_state = current_rss_mb()
    app, backend = demo_app(state)
    probe = FrameProbe(app)
    loaded: list[float] = []

    def hook(message: Any) -> None:
        if isinstance(message, BackupsLoaded):
            created = getattr(message, "time", None)
            t = now()
            # Textual stamps messages with time.monotonic(); map that onto perf_counter.
            if isinstance(created, float) and 0 <= time.monotonic() - created < 600:
                t -= time.monotonic() - created
            loaded.append(t)

    results: list[Result] = []
    monitor = LoopGapMonitor().start()

    def table() -> BackupTable:
        main = app.main
        if main is None:
            raise LookupError("no main screen yet")
        return main.table

    def shows(count: int) -> bool:
        try:
            return table().row_count == count and not app.main.backups_loading
        except Exception:
            return False

    def has_rows() -> bool:
        try:
            return table().row_count > 0
        except Exception:
            return False

    start = now()
    first_rows = asyncio.ensure_future(probe.wait_for(has_rows, within=900))
    all_rows = asyncio.ensure_future(probe.wait_for(lambda: bool(loaded) and shows(n), within=900))
    async with app.run_test(size=(120, 35), message_hook=hook) as pilot:
        t_first = await first_rows
        t_all = await all_rows
        gap_load = monitor.mark()
        data_to_frame = t_all - loaded[0]
        results.append(
            bound(
                f"{tag}: data → frame with rows",
                data_to_frame,
                0.5,
                "s",
                note=f"first rows after {t_first - start:.2f} s, all {n:,} rows "
                f"after {t_all - start:.2f} s ({len(backend.requests)} requests); "
                f"demo account built in {build_s:.1f} s, not counted",
            )
        )
        results.append(
            bound(f"{tag}: longest loop gap, loading", gap_load, GAP_LIMIT, "s", baseline=idle_gap)
        )
        await pilot.pause()

        # --- sorting
        monitor.mark()
        sort_frames = []
        for _ in range(2):
            before = table().sort_column
            waiter = asyncio.ensure_future(
                probe.wait_for(lambda b=before: table().sort_column != b)
            )
            t0 = now()
            await pilot.press("o")
            sort_frames.append(await waiter - t0)
        gap_sort = monitor.mark()
        results.append(
            bound(
                f"{tag}: longest loop gap, sorting",
                gap_sort,
                GAP_LIMIT,
                "s",
                baseline=idle_gap,
                note=f"`o` → frame {max(sort_frames) * 1000:.0f} ms (slowest of 2)",
            )
        )

        # --- filtering
        await pilot.press("slash")
        await pilot.pause()
        applied: list[str] = []
        the_table = table()
        original_set_filter = the_table.set_filter

        def set_filter(text: str) -> None:
            original_set_filter(text)
            applied.append(text)

        the_table.set_filter = set_filter  # type: ignore[method-assign]
        backups = list(the_table.backups.values())
        monitor.mark()
        key_frames = []
        for i, char in enumerate(TYPED):
            text = TYPED[: i + 1]
            expected = sum(1 for b in backups if _matches(b, text))
            waiter = asyncio.ensure_future(
                probe.wait_for(
                    lambda t=text, e=expected: (
                        bool(applied) and applied[-1] == t and the_table.row_count == e
                    )
                )
            )
            t0 = now()
            await pilot.press(char)
            key_frames.append(await waiter - t0)
        waiter = asyncio.ensure_future(probe.wait_for(lambda: the_table.row_count == n))
        t0 = now()
        await pilot.press("escape")
        clear_frame = await waiter - t0
        gap_filter = monitor.mark()
        the_table.set_filter = original_set_filter  # type: ignore[method-assign]
        keys_ms = ", ".join(f"{k * 1000:.0f}" for k in key_frames)
        results.append(
            bound(
                f"{tag}: slowest keystroke → frame (/ filter)",
                max(key_frames),
                0.1,
                "s",
                baseline=bare_key,
                note=f"typing {TYPED!r}: {keys_ms} ms; Esc (clear) → frame "
                f"{clear_frame * 1000:.0f} ms; baseline: same keys into a bare "
                "app's Input",
            )
        )
        results.append(
            bound(
                f"{tag}: longest loop gap, filtering", gap_filter, GAP_LIMIT, "s", baseline=idle_gap
            )
        )

        # --- refreshing
        await pilot.pause()
        monitor.mark()
        count = len(loaded)
        waiter = asyncio.ensure_future(
            probe.wait_for(lambda: len(loaded) > count and shows(n), within=900)
        )
        t0 = now()
        await pilot.press("ctrl+r")
        refresh_s = await waiter - t0
        gap_refresh = monitor.mark()
        results.append(
            bound(
                f"{tag}: longest loop gap, refresh",
                gap_refresh,
                GAP_LIMIT,
                "s",
                baseline=idle_gap,
                note=f"ctrl+r → frame after all pages: {refresh_s:.2f} s",
            )
        )
    await monitor.stop()
    peak = peak_rss_mb()
    results.append(
        Result(
            f"{tag}: peak RSS",
            peak,
            rss_imports,
            "MB",
            "≤ 250 MB" if n >= 100_000 else "",
            peak <= 250 if n >= 100_000 else None,
            note=f"VmHWM of the whole process (app + in-process demo backend, which held "
            f"~{rss_state - rss_imports:.0f} MB after building the account); baseline: the same "
            "process after its imports",
        )
    )
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        found = asyncio.run(_measure(int(sys.argv[2])))
        emit({"results": [r.to_json() for r in found]})
    else:
        print(format_table(run("--fast" in sys.argv)))
