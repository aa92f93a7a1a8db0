"""A warm start, end to end (issue 13): after one session has listed the account, the next
one draws the cached rows and the footer's keys in its first frame, before it has
imported httpx or the code that changes the account, or sent a request, and then goes
live. The real program in tmux, the demo backend over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from test_tmux import quit_and_wait, vpstui  # this folder is on the path (no package)

pytestmark = pytest.mark.e2e

#: Runs vpstui's own entry point; at its first frame, notes whether httpx and the mutations
#: were imported, how many rows the table had and which keys the footer drew, then lets
#: the program go on as usual.
FIRST_FRAME_PROBE = """
import os, sys
import vpstui.cli as cli

startup_done = cli._startup_done


def first_frame():
    from textual._context import active_app

    from vpstui.ui.widgets.footer import KeysFooter

    main = active_app.get().main
    rows = main.table.row_count if main is not None else -1
    drawn = main.query_one(KeysFooter)._drawn if main is not None else None
    keys = ",".join(key.display for key in drawn or ())
    mutations = "vpstui.operations.mutations" in sys.modules
    with open(os.environ["PROBE_OUT"], "w") as out:
        out.write(f"httpx={'httpx' in sys.modules} mutations={mutations} rows={rows} keys={keys}")
    startup_done()


cli._startup_done = first_frame
sys.exit(cli.main(sys.argv[1:]))
"""


def _live_with_rows(screen: str) -> bool:
    return "● live" in screen and "completed" in screen


def test_a_warm_start_draws_cached_rows_before_importing_httpx(
    pane: Any, backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    env = {
        "VPS_API_TOKEN": api_token,
        "VPSTUI_CONFIG": str(empty_config),
        "VPSTUI_CACHE_DIR": str(tmp_path / "cache"),
        "PROBE_OUT": str(tmp_path / "probe"),
    }
    pane.start(vpstui("--api-url", backend_url), env)
    pane.wait_for(_live_with_rows, timeout=20, what="the first session's live rows")
    assert quit_and_wait(pane) == 0
    assert list((tmp_path / "cache").glob("listing-*.json")), "the listing was cached"

    pane.tmux("kill-server", check=False)
    pane.status_file.unlink()
    probe = tmp_path / "probe.py"
    probe.write_text(FIRST_FRAME_PROBE)
    pane.start([sys.executable, str(probe), "--api-url", backend_url], env)
    pane.wait_for(_live_with_rows, timeout=20, what="the second session going live")
    httpx_loaded, mutations, rows, keys = (tmp_path / "probe").read_text().split()
    assert httpx_loaded == "httpx=False"
    assert mutations == "mutations=False"
    assert int(rows.removeprefix("rows=")) > 0
    assert {"n", "R", "q"} <= set(keys.removeprefix("keys=").split(","))
    assert quit_and_wait(pane) == 0
    assert pane.tracebacks() == []
