"""What every benchmark shares: timing, medians, a loop-gap monitor, peak RSS, a frame probe,
child processes, and the results table (`figure | measured | baseline | ratio | target | ok?`).

Only the standard library is imported at module level: `bench_start.py` imports this module
in the child processes it times, and the bare-Textual baseline must not pay for vpstui.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

now = time.perf_counter


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


@dataclass
class Result:
    """One figure of the issue, next to its baseline.

    `ratio` is measured / baseline when both exist; `ok` is None when there is no target
    to judge (an informational row); `note` says what was measured, in a few words.
    """

    figure: str
    measured: float | None
    baseline: float | None
    unit: str
    target: str
    ok: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.baseline:
            return None
        return self.measured / self.baseline

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(**data)


def bound(
    figure: str,
    measured: float,
    limit: float,
    unit: str,
    *,
    baseline: float | None = None,
    note: str = "",
) -> Result:
    """A figure with an absolute upper bound (`measured ≤ limit`)."""
    return Result(
        figure,
        measured,
        baseline,
        unit,
        f"≤ {_num(limit)} {unit}".rstrip(),
        measured <= limit,
        note,
    )


def ratio_bound(
    figure: str, measured: float, baseline: float, limit: float, unit: str, *, note: str = ""
) -> Result:
    """A figure bounded relative to its baseline (`measured / baseline ≤ limit`)."""
    ok = baseline > 0 and measured / baseline <= limit
    return Result(figure, measured, baseline, unit, f"ratio ≤ {_num(limit)}", ok, note)


def check(figure: str, passed: bool, *, note: str = "") -> Result:
    """A yes/no figure (shown as yes / no)."""
    return Result(figure, float(passed), None, "check", "yes", passed, note)


def failed(figure: str, why: str) -> Result:
    """A figure that could not be measured (the benchmark broke or timed out)."""
    return Result(figure, None, None, "", "", False, f"NOT MEASURED: {why}")


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_table(results: Sequence[Result]) -> str:
    """Aligned rows: figure | measured | baseline | ratio | target | ok?"""
    header = ("figure", "measured", "baseline", "ratio", "target", "ok?")
    rows = [header]
    for r in results:
        ok = "—" if r.ok is None else ("yes" if r.ok else "NO")
        unit = f" {r.unit}" if r.unit else ""
        if r.unit == "check":
            measured = "—" if r.measured is None else ("yes" if r.measured else "no")
        else:
            measured = "—" if r.measured is None else f"{_num(r.measured)}{unit}"
        rows.append(
            (
                r.figure,
                measured,
                "—" if r.baseline is None else f"{_num(r.baseline)}{unit}",
                "—" if r.ratio is None else f"{r.ratio:.3g}",
                r.target or "—",
                ok,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    notes = [f"  {r.figure}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "notes:", *notes]
    return "\n".join(lines)


# --- process facts -----------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the event loop ----------------------------------------------------------------------


class LoopGapMonitor:
    """An asyncio task that wakes every ~1 ms and records the longest gap between wake-ups.

    A gap much longer than the interval means something held the event loop: the UI
    could not draw or take a key press for that long. `mark()` starts a new phase and
    returns the longest gap (in seconds) of the phase it ends.

    With `record=True` it also keeps every gap of the phase (`gaps`, for percentiles) and
    `held`: the most CPU time the loop's thread spent within one gap. On a shared machine
    a long gap with little CPU in it is the process waiting for a core, not the app's
    work holding the loop.
    """

    def __init__(self, interval: float = 0.001, *, record: bool = False) -> None:
        self.interval = interval
        self.longest = 0.0
        self.record = record
        self.gaps: list[float] = []
        self.held = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> LoopGapMonitor:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def _run(self) -> None:
        last, last_cpu = now(), time.thread_time()
        while True:
            await asyncio.sleep(self.interval)
            t = now()
            self.longest = max(self.longest, t - last)
            if self.record:
                cpu = time.thread_time()
                self.gaps.append(t - last)
                self.held = max(self.held, cpu - last_cpu)
                last_cpu = cpu
            last = t

    def mark(self) -> float:
        """The longest gap since the last mark (or start); starts a new phase."""
        longest, self.longest = self.longest, 0.0
        self.gaps, self.held = [], 0.0
        return longest

    def percentile(self, fraction: float) -> float:
        """The gap that `fraction` (0.99: p99) of this phase's wake-ups stayed within."""
        if not self.gaps:
            return 0.0
        ordered = sorted(self.gaps)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def over(self, limit: float) -> int:
        """How many of this phase's gaps were longer than `limit` seconds."""
        return sum(1 for gap in self.gaps if gap > limit)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class FrameProbe:
    """Records when the app produces a frame (each `App._display` of a screen update).

    Headless apps still composite every frame; only the write to the terminal is skipped.
    `wait_for(condition)` waits for the first frame at which `condition()` holds and
    returns its time.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frames = 0
        self.last_frame = 0.0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            t = now()
            self.frames += 1
            self.last_frame = t
            for waiter in list(self._waiters):
                condition, future = waiter
                if not future.done() and condition():
                    future.set_result(t)
                    self._waiters.remove(waiter)

        app._display = display

    async def wait_for(self, condition: Callable[[], bool], within: float = 60.0) -> float:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters.append((condition, future))
        try:
            return await asyncio.wait_for(future, within)
        finally:
            self._waiters = [w for w in self._waiters if w[1] is not future]


# --- child processes ---------------------------------------------------------------------


def run_child(args: Sequence[str], timeout: float = 600.0) -> dict[str, Any]:
    """Run `python <args>` and return the JSON object on its last stdout line."""
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        raise RuntimeError(f"child {args} failed ({proc.returncode}): " + " / ".join(tail))
    data: dict[str, Any] = json.loads(lines[-1])
    return data


def child_env() -> dict[str, str]:
    """The environment of a benchmark's child: this repository first on the path, and
    bytecode caching on. With PYTHONDONTWRITEBYTECODE set (some shells and CI set it) the
    warm-up runs wrote no .pyc files, so every timed start compiled each vpstui module it
    had changed (Textual's come compiled from pip): not what an installed vpstui does."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(REPO), str(HERE), os.environ.get("PYTHONPATH")])
        ),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def emit(data: dict[str, Any]) -> None:
    """A child's answer to `run_child`: one JSON line on stdout."""
    print(json.dumps(data), flush=True)


def replace(obj: Any, **changes: Any) -> Any:
    """A copy of a model object with some fields changed (dataclass or msgspec Struct)."""
    import dataclasses

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(obj, **changes)
    try:
        import msgspec
    except ImportError:
        pass
    else:
        if isinstance(obj, msgspec.Struct):
            return msgspec.structs.replace(obj, **changes)
    fields = getattr(obj, "__struct_fields__", None) or getattr(obj, "__slots__", ())
    values = {name: getattr(obj, name) for name in fields}
    return type(obj)(**{**values, **changes})


# --- the app under test ------------------------------------------------------------------


def demo_app(
    state: Any,
    *,
    page_size: int = 100,
    tick_seconds: float = 1.0,
    poll_interval: float = 5.0,
    idle_refresh: float = 60.0,
) -> tuple[Any, Any]:
    """A `VpsApp` on the in-process demo backend over `state` (no latency): (app, backend)."""
    from vpstui.api import RetryPolicy, VpsClient
    from vpstui.cli import _startup_done
    from vpstui.config import Settings
    from vpstui.demo import DEMO_BASE_URL, DemoBackend
    from vpstui.ui.app import VpsApp

    backend = DemoBackend(state=state, page_size=page_size)
    api = VpsClient(
        token="bench",
        base_url=DEMO_BASE_URL,
        transport=backend.transport(),
        retry=RetryPolicy(attempts=1),
    )
    settings = Settings(demo=True, poll_interval=poll_interval, idle_refresh=idle_refresh)
    # As the program does (`vpstui.cli`): what start-up built leaves the collector's walks
    # at the first frame (without it a full collection walks the demo account and the
    # app's start-up heap: 100+ ms stalls at 100,000 backups).
    app = VpsApp(
        settings, api, clock=state.clock, tick_seconds=tick_seconds, on_first_frame=_startup_done
    )
    return app, backend


async def settle(app: Any, pilot: Any, within: float = 600.0) -> None:
    """Wait until workers are done and the main screen is not loading."""
    deadline = now() + within
    while now() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        if main is None or not main.backups_loading:
            return
    raise TimeoutError("the app did not finish loading")
