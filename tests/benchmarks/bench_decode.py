"""Figure 5, decoding: one body holding 10,000 backups (fast: 2,000) in the API's wire shape
(a DRF page built by the demo backend's own `backup_json`), turned into `Backup` models.

- baseline: `json.loads(body)`;
- measured: what the client uses, the first that exists of
  `vpstui.api.models.decode_backups(body)`, `vpstui.api.models.decode_backup_page(body)`,
  else `json.loads` + `parse_backup` for each result.
Median of 25 runs each (fast: 7), interleaved.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from typing import Any

from common import Result, format_table, median, now, ratio_bound

NAME = "decode"


def body_of(n: int) -> bytes:
    """A DRF page of `n` backups exactly as the demo backend renders one."""
    from vpstui.clock import FakeClock
    from vpstui.demo import DemoState
    from vpstui.demo.wire import backup_json

    state = DemoState.bulk(FakeClock(), total_backups=n, servers=max(1, n // 33))
    results = [backup_json(b, state.servers[b.server_id]) for b in state.list_backups()]
    page = {"count": n, "next": None, "previous": None, "results": results}
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()


def decoder() -> tuple[str, Callable[[bytes], Any]]:
    """The client's way from a page body to models, and its name."""
    from vpstui.api import models

    for name in ("decode_backups", "decode_backup_page"):
        found = getattr(models, name, None)
        if callable(found):
            return f"models.{name}", found

    def loop(body: bytes) -> list[Any]:
        return [models.parse_backup(item) for item in json.loads(body)["results"]]

    return "json.loads + parse_backup", loop


def _count(decoded: Any) -> int:
    items = getattr(decoded, "items", decoded)
    return len(items) if not callable(items) else len(list(decoded))


def run(fast: bool) -> list[Result]:
    n, runs = (2_000, 7) if fast else (10_000, 25)
    body = body_of(n)
    name, decode = decoder()
    if _count(decode(body)) != n:
        raise RuntimeError(f"{name} did not return {n} backups")
    ours, base = [], []
    for _ in range(runs):
        gc.collect()
        t0 = now()
        json.loads(body)
        base.append(now() - t0)
        gc.collect()
        t0 = now()
        decode(body)
        ours.append(now() - t0)
    results = [
        ratio_bound(
            f"5 decode: {n:,} backups → models",
            median(ours),
            median(base),
            2.0,
            "s",
            note=f"{name}; {len(body) / 1e6:.1f} MB body; median of {runs}; baseline json.loads",
        )
    ]
    if name != "json.loads + parse_backup":
        # for reference: the liberal item-by-item path, which odd pages still take
        from vpstui.api import models

        liberal = []
        for _ in range(max(3, runs // 5)):
            t0 = now()
            [models.parse_backup(item) for item in json.loads(body)["results"]]
            liberal.append(now() - t0)
        results.append(
            Result(
                f"5 decode: {n:,} backups, liberal path (reference)",
                median(liberal),
                median(base),
                "s",
                "",
                None,
                note="json.loads + parse_backup per item: what a page with an "
                "unexpected item costs",
            )
        )
    return results


if __name__ == "__main__":
    print(format_table(run("--fast" in sys.argv)))
