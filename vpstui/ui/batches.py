"""When the rows of a long listing join the table: the first page at once, then in
batches, so a 1,000-page listing does not flood the screen with messages (that would
starve input), and the last batch as soon as the listing is complete. And what a long
listing does off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

__all__ = ["BATCH_MAX_ROWS", "FREEZE_ROWS", "batch_due", "off_loop", "progress_every"]

T = TypeVar("T")

#: From this many rows on, what a batch of rows left alive is kept out of garbage collections.
FREEZE_ROWS = 5_000

#: Rows are added to the table at most this often (seconds) up to PROGRESS_ROWS rows, and
#: less often beyond, up to PROGRESS_MAX: every batch costs the loop a little per row
#: already in the table, so 100,000 rows come in ~100 batches rather than ~300.
PROGRESS_EVERY = 0.25
PROGRESS_ROWS = 10_000
PROGRESS_MAX = 1.0
#: A batch never holds more rows than this: from a fast API, a second's worth of pages
#: (~50,000 rows joining 50,000) held the loop for ~140 ms in one piece.
BATCH_MAX_ROWS = 5_000


def progress_every(rows: int) -> float:
    """Seconds between two batches of rows joining a table that holds `rows` rows."""
    return min(PROGRESS_MAX, PROGRESS_EVERY * max(1.0, rows / PROGRESS_ROWS))


def batch_due(
    posted_at: float | None, now: float, *, loaded: int, pending: int, done: bool
) -> bool:
    """Whether the `pending` rows go to the table now (`loaded` rows so far, the last
    batch posted at `posted_at`, None: none yet; `done`: the listing is complete)."""
    return (
        posted_at is None
        or done
        or pending >= BATCH_MAX_ROWS
        or now - posted_at >= progress_every(loaded)
    )


async def off_loop(threaded: bool, function: Callable[..., T], *args: object) -> T:
    """`function(*args)`, in a thread when `threaded` (a long listing's work)."""
    return await asyncio.to_thread(function, *args) if threaded else function(*args)
