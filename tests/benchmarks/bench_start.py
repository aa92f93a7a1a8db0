"""Figure 1, start: `vpstui --demo` to the first frame showing backup rows, against a bare
Textual app (one `Static`) to its first frame.

Each run is a fresh process timed by the parent from spawn to exit, so interpreter start,
imports, mount, the first page and teardown all count, the same way for both. Both run
headless at 120x35 (where vpstui shows its server picker) and exit from the same hook: the
first frame that qualifies (any frame for the bare app; a frame with at least one backup
row for vpstui). The vpstui child does what the `vpstui` console script does (import
`vpstui.cli`, call `main(["--demo"])`) with two things changed: the demo backend's
simulated latency is 0, and `App.run` is headless. Textual is patched as vpstui imports
it, so nothing is imported ahead of vpstui's own start-up.

As a child: `python bench_start.py --child bare|vpstui`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

NAME = "start"
#: The terminal both apps start in: a common size, where the server picker is shown.
SIZE = (120, 35)


def _exit_on_first_frame(app_class: type, qualifies: object) -> None:
    """Make every `App` exit on the first frame for which `qualifies(app)` is true."""
    original_display = app_class._display  # type: ignore[attr-defined]
    original_run = app_class.run  # type: ignore[attr-defined]

    def display(self: Any, screen: object, renderable: object) -> None:
        original_display(self, screen, renderable)
        done = getattr(self, "_bench_done", False)
        if renderable is not None and not done and qualifies(self):  # type: ignore[operator]
            self._bench_done = True
            self.exit()

    def run(self: Any, *args: object, **kwargs: object) -> object:
        kwargs["headless"] = True
        kwargs["size"] = SIZE
        return original_run(self, *args, **kwargs)

    app_class._display = display  # type: ignore[attr-defined]
    app_class.run = run  # type: ignore[attr-defined]


class _PatchOnImport:
    """A `sys.meta_path` finder that runs `then(module)` right after `name` is imported, so
    the vpstui child can patch Textual without importing it before `vpstui.cli` would."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any, target: object = None) -> Any:
        if fullname != self.name:
            return None
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(fullname, path)
        loader, then = spec.loader, self.then  # type: ignore[union-attr]
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            then(module)

        loader.exec_module = exec_module
        return spec


def _child_bare() -> int:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello from a bare Textual app")

    _exit_on_first_frame(App, lambda app: True)
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

    # As the `vpstui` console script does: import `vpstui.cli`, call `main()`. Textual is
    # patched the moment vpstui imports it, and the demo answers without simulated latency.
    sys.meta_path.insert(
        0, _PatchOnImport("textual.app", lambda module: _exit_on_first_frame(module.App, has_rows))
    )
    import vpstui.cli as cli

    cli.build_client.__kwdefaults__["demo_latency"] = 0.0
    return cli.main(["--demo"])


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
            note=f"median of {pairs} alternating pairs, spawn→exit, headless at "
            f"{SIZE[0]}x{SIZE[1]}; baseline: bare "
            f"Textual app with one Static to its first frame; median per-pair ratio "
            f"{pair_ratio:.2f}",
        )
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.exit(_child_bare() if sys.argv[2] == "bare" else _child_vpstui())
    from common import format_table

    print(format_table(run("--fast" in sys.argv)))
