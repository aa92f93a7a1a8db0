"""Issue 13, start where users are: each app runs in a real pseudo-terminal (a detached
tmux session at 120x35 on a private socket), and the parent reads the screen itself with
`tmux capture-pane` every few milliseconds until it shows what counts:

- bare: a bare Textual app (one `Static`) until its text is on screen;
- demo: `python -m vpstui --demo` until a backup row (a line with a status word under
  the table header) is on screen;
- cached: `python -m vpstui --api-url http://127.0.0.1:PORT` against the demo server
  (50 ms a request, 20 a page) with a warm listing cache, until a row is on screen.

Timed from the tmux command that starts the process to the first capture that shows it;
bare and each vpstui kind alternate within pairs (ABBA order), and the figure is the
median. As a child: `python bench_tty.py --child bare`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, Result, check, child_env, format_table, median, now, ratio_bound

NAME = "tty"
WIDTH, HEIGHT = 120, 35
BARE_TEXT = "Hello from a bare Textual app"
#: A table row: an id, then a status word the table writes (completed, in progress…).
ROW = re.compile(r"\b\d{3,}\b.*\b(completed|in progress|failed)\b")
SOCKET = f"vpstui-bench-{os.getpid()}"


def _child_bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(BARE_TEXT)

    Bare().run()
    return 0


def _tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", SOCKET, "-f", os.devnull, *args],
        capture_output=True,
        text=True,
        check=check,
        timeout=20,
    )


def _capture() -> str:
    return _tmux("capture-pane", "-p", "-t", "bench", check=False).stdout


def _has_rows(screen: str) -> bool:
    return any(ROW.search(line) for line in screen.splitlines())


def _time_to(command: list[str], env: dict[str, str], shows: object, within: float) -> float:
    """Start `command` in a fresh session; seconds until `shows(screen)`; then end it."""
    _tmux("kill-server", check=False)
    variables = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    started = now()
    _tmux(
        "new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
        *variables, " ".join(_quote(part) for part in command),
    )  # fmt: skip
    try:
        while now() - started < within:
            if shows(_capture()):  # type: ignore[operator]
                return now() - started
            time.sleep(0.003)
        raise RuntimeError(f"{command[-1]!r} showed nothing in {within} s:\n{_capture()}")
    finally:
        _tmux("kill-server", check=False)


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


def run(fast: bool) -> list[Result]:
    if shutil.which("tmux") is None:
        return [check("13 tty: tmux is installed (needed to measure)", False)]
    from bench_real import demo_server

    pairs = 3 if fast else 10
    python = sys.executable
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.toml"
        config.write_text("")
        config.chmod(0o600)
        base = child_env()
        base.update(
            TERM="xterm-256color",
            LANG="C.UTF-8",
            VPSTUI_CONFIG=str(config),
            VPSTUI_STATE_DIR=str(Path(home) / "state"),
            VPSTUI_CACHE_DIR=str(Path(home) / "cache"),
            VPS_API_TOKEN="bench-real",
        )
        base = {k: v for k, v in base.items() if not k.startswith("TMUX")}
        bare = [python, str(Path(__file__).resolve()), "--child", "bare"]
        demo = [python, "-m", "vpstui", "--demo"]
        with demo_server(2_000, create_seconds=3600) as url:
            cached = [python, "-m", "vpstui", "--api-url", url]
            # warm the .pyc files and the listing cache (the last full listing is kept)
            _time_to(bare, base, lambda s: BARE_TEXT in s, 30)
            _time_to(demo, base, _has_rows, 30)
            _time_to(cached, base, lambda s: "● live" in s and _has_rows(s), 60)
            times: dict[str, list[float]] = {"bare": [], "demo": [], "cached": []}
            shows = {"bare": lambda s: BARE_TEXT in s, "demo": _has_rows, "cached": _has_rows}
            commands = {"bare": bare, "demo": demo, "cached": cached}
            for index in range(pairs):
                order = ["bare", "demo", "cached"]
                if index % 2:
                    order.reverse()
                for kind in order:
                    times[kind].append(_time_to(commands[kind], base, shows[kind], 30))
    baseline = median(times["bare"])
    note = (
        f"median of {pairs} alternating runs in tmux at {WIDTH}x{HEIGHT}, spawn → rows seen "
        f"by capture-pane; baseline: bare Textual app to its text ({baseline * 1000:.0f} ms)"
    )
    return [
        ratio_bound(
            "13 tty: vpstui with a warm cache → rows on screen",
            median(times["cached"]),
            baseline,
            1.3,
            "s",
            note=note + "; real API URL, demo server at 50 ms, 20 a page",
        ),
        Result(
            "13 tty: vpstui --demo → rows on screen (150 ms simulated latency)",
            median(times["demo"]),
            baseline,
            "s",
            "",
            None,
            note="the demo answers after a simulated 150 ms, and keeps no cache",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(_child_bare())
    os.chdir(REPO)
    print(format_table(run("--fast" in sys.argv)))
