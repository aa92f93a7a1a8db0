"""Figure 3a, polling: a refresh that changes 10 rows of 10,000 (fast: 2,000), against
rebuilding the table, and whether the cursor and the scroll position stay put.

Both inside a mounted `VpsApp` (`run_test(size=(120, 35))`, in-process demo backend):
- measured: what a poll costs the event loop: `table.apply_diff(diff)`, where `diff` (10
  changed backups) was worked out from a snapshot by `diff_rows`, which the app runs in a
  thread (alternating between two such listings, so every call changes 10); reported
  beside it: `diff_rows` itself (off the loop) and a plain `set_backups(rows)`;
- baseline: `set_backups(rows)` on a freshly mounted, empty `BackupTable` (a rebuild).
Then the real path: 10 backups change in the demo backend, `ctrl+r`, and the cursor's
backup and `scroll_y` must be what they were.
"""

from __future__ import annotations

import asyncio
import random
import sys
from typing import Any

from common import Result, check, demo_app, format_table, median, now, replace, settle

NAME = "poll"


def run(fast: bool) -> list[Result]:
    return asyncio.run(_measure(2_000 if fast else 10_000, 7 if fast else 21))


async def _measure(n: int, runs: int) -> list[Result]:
    from vpstui.clock import FakeClock
    from vpstui.demo import DemoState
    from vpstui.ui.widgets.backup_table import BackupTable
    from vpstui.ui.widgets.rows import diff_rows

    clock = FakeClock()
    state = DemoState.bulk(clock, total_backups=n, servers=max(1, n // 33))
    app, _ = demo_app(state)
    results: list[Result] = []
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = app.main
        assert main is not None
        table = main.table
        ids = table.visible_ids
        table.move_cursor_to(ids[n // 2])
        await pilot.pause()
        cursor, scroll = table.cursor_backup.id, table.scroll_y  # type: ignore[union-attr]
        # 10 changed rows: 3 on screen around the cursor, 7 anywhere else
        rng = random.Random(4)
        chosen = {ids[n // 2 - 1], ids[n // 2], ids[n // 2 + 1], *rng.sample(ids, 7)}
        while len(chosen) < 10:
            chosen.add(rng.choice(ids))
        same = list(table.backups.values())
        changed = [
            replace(b, size_mb=(b.size_mb or 0) + 1, description="changed") if b.id in chosen else b
            for b in same
        ]

        refresh_times, diff_times, plain_times = [], [], []
        kept_set = True
        for i in range(runs):
            rows = changed if i % 2 == 0 else same
            version, snapshot = table.snapshot()
            t0 = now()
            diff = diff_rows(version, snapshot, rows)
            diff_times.append(now() - t0)
            t0 = now()
            table.apply_diff(diff)
            refresh_times.append(now() - t0)
            await pilot.pause()
            now_on = table.cursor_backup
            kept_set = kept_set and now_on is not None and now_on.id == cursor
            kept_set = kept_set and table.scroll_y == scroll
        for i in range(runs):
            rows = changed if i % 2 == 0 else same
            t0 = now()
            table.set_backups(rows)
            plain_times.append(now() - t0)
            await pilot.pause()
        # the real path: the backend changes 10 backups, the user presses ctrl+r
        for backup_id in sorted(chosen):
            stored: Any = state.backups[backup_id]
            stored.description = "changed in the backend"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        seen = all(table.backups[b].description == "changed in the backend" for b in chosen)
        after = table.cursor_backup
        kept_poll = after is not None and after.id == cursor and table.scroll_y == scroll
        area = main.query_one("#table-area")
        rebuild_times = []
        for _ in range(max(3, runs // 3)):
            fresh = BackupTable(now=clock.now)
            await area.mount(fresh)
            await pilot.pause()
            t0 = now()
            fresh.set_backups(same)
            rebuild_times.append(now() - t0)
            await fresh.remove()
            await pilot.pause()
        refresh, rebuild = median(refresh_times), median(rebuild_times)
        results.append(
            Result(
                f"3 poll: refresh changing 10 of {n:,} rows",
                refresh,
                rebuild,
                "s",
                "ratio ≤ 0.05",
                refresh / rebuild <= 0.05,
                note=f"median of {runs} `apply_diff` calls vs {len(rebuild_times)} rebuilds on a "
                "fresh table; excludes fetching, the diff (next rows) and the frame",
            )
        )
        results.append(
            Result(
                f"3 poll: working out the diff, in a thread ({n:,} rows)",
                median(diff_times),
                rebuild,
                "s",
                "—",
                None,
                note="`diff_rows` on a snapshot; runs off the event loop in the app",
            )
        )
        results.append(
            Result(
                f"3 poll: plain set_backups changing 10 of {n:,} (reference)",
                median(plain_times),
                rebuild,
                "s",
                "—",
                None,
                note="diff and apply both on the loop, as a script calling the table would",
            )
        )
        results.append(
            check(
                "3 poll: cursor and scroll kept (set_backups)",
                kept_set,
                note=f"cursor on backup {cursor} at row {n // 2:,}, scroll_y {scroll:g}",
            )
        )
        results.append(
            check(
                "3 poll: cursor and scroll kept (ctrl+r)",
                kept_poll and seen,
                note="" if seen else "the changed rows did not show up after the refresh",
            )
        )

    return results


if __name__ == "__main__":
    print(format_table(run("--fast" in sys.argv)))
