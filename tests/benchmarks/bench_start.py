"""Figure 1, start: `vpstui --demo` to the first frame showing backup rows, against a bare
Textual app (one `Static`) to its first frame.

Each run is a fresh process timed by the parent from spawn to exit, so interpreter start,
imports, mount, the first page and teardown all count, the same way for both. Both run
headless and exit from the same hook: the first frame that qualifies (any frame for the
bare app; a frame with at least one backup row for vpstui). The vpstui child goes through
the real `vpstui.cli.main(["--demo"])` path with only two things changed: the demo
backend's simulated latency is 0, and `App.run` is headless.

As a child: `python bench_start.py --child bare|vpstui`. Nothing else is imported first.
"""

from __future__ import annotations

import sys

NAME = "start"


def _exit_on_first_frame(qualifies: object) -> None:
    """Make every `App` exit on the first frame for which `qualifies(app)` is true."""
    from textual.app import App

    original_display = App._display
    original_run = App.run

    def display(self: App[object], screen: object, renderable: object) -> None:
        original_display(self, screen, renderable)  # type: ignore[arg-type]
        done = getattr(self, "_bench_done", False)
        if renderable is not None and not done and qualifies(self):  # type: ignore[operator]
            self._bench_done = True  # type: ignore[attr-defined]
            self.exit()

    def run(self: App[object], *args: object, **kwargs: object) -> object:
        kwargs["headless"] = True
        return original_run(self, *args, **kwargs)  # type: ignore[arg-type]

    App._display = display  # type: ignore[method-assign]
    App.run = run  # type: ignore[method-assign]


def _child_bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a bare Textual app")

    _exit_on_first_frame(lambda app: True)
    Bare().run()
    return 0


def _child_vpstui() -> int:
    def has_rows(app: object) -> bool:
        main = getattr(app, "main", None)
        if main is None:
            return False
        try:
            return bool(main.table.row_count > 0)
        except Exception:  # not composed yet
            return False

    _exit_on_first_frame(has_rows)
    import vpstui.demo.asgi as asgi

    original_init = asgi.DemoBackend.__init__

    def init(self: asgi.DemoBackend, *args: object, **kwargs: object) -> None:
        kwargs["latency"] = 0.0
        original_init(self, *args, **kwargs)  # type: ignore[arg-type]

    asgi.DemoBackend.__init__ = init  # type: ignore[method-assign]
    from vpstui.cli import main

    return main(["--demo"])


def run(fast: bool) -> list:  # type: ignore[type-arg]
    import subprocess

    from common import HERE, child_env, median, now, ratio_bound

    pairs = 3 if fast else 12
    script = str(HERE / "bench_start.py")
    env = child_env()

    def spawn(kind: str) -> float:
        start = now()
        proc = subprocess.run(
            [sys.executable, script, "--child", kind],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        elapsed = now() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{kind} child failed: {proc.stderr.decode()[-500:]}")
        return elapsed

    spawn("bare"), spawn("vpstui")  # warm the file cache and .pyc files; not counted
    bare, ours = [], []
    for i in range(pairs):
        order = ("bare", "vpstui") if i % 2 == 0 else ("vpstui", "bare")
        for kind in order:
            (bare if kind == "bare" else ours).append(spawn(kind))
    pair_ratio = median(o / b for o, b in zip(ours, bare, strict=True))
    return [
        ratio_bound(
            "1 start: vpstui --demo → first frame with rows",
            median(ours),
            median(bare),
            1.3,
            "s",
            note=f"median of {pairs} alternating pairs, spawn→exit, headless; baseline: bare "
            f"Textual app with one Static to its first frame; median per-pair ratio "
            f"{pair_ratio:.2f}",
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(_child_bare() if sys.argv[2] == "bare" else _child_vpstui())
    from common import format_table

    print(format_table(run("--fast" in sys.argv)))
