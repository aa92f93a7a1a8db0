"""A refresh without an answer, over real HTTP in a real terminal (issue 12, item 2): the
demo backend holds backup list answers for 30 s; vpstui (read timeout 4 s) says at once
that it is waiting and retrying, keeps the rows, and ctrl+r asks again at once.

"retrying 2/3" is on screen from the first try's timeout to the second's (the timeout plus
the backoff): 4 s, not 2, so that polling tmux on a loaded machine cannot miss it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import clean_env
from tests.e2e.test_faults_tmux import TOKEN, clear, fault, faulty_url

pytestmark = pytest.mark.e2e

__all__ = ["faulty_url"]  # the fixture: the demo backend with its fault switch


def test_waiting_for_an_answer_is_shown_and_ctrl_r_recovers(
    pane: Any, faulty_url: str, empty_config: Path, tmp_path: Path
) -> None:
    """The header says "no answer for N s, retrying 2/3" within seconds, not after the
    last retry; the rows stay; after the fault, ctrl+r brings "● live" back at once."""
    command = [
        sys.executable, "-m", "vpstui", "--api-url", faulty_url, "--config", str(empty_config),
        "--server", "12345", "--timeout", "4", "--idle-refresh", "0",
    ]  # fmt: skip
    pane.start(command, clean_env(VPS_API_TOKEN=TOKEN, VPSTUI_STATE_DIR=str(tmp_path / "state")))
    pane.wait_for(lambda s: "● live" in s and "web-server-01" in s, timeout=20, what="rows")

    fault(faulty_url, name="slow", method="GET", path="/api/v1/backups/", seconds=30)
    pane.keys("C-r")
    screen = pane.wait_for(
        lambda s: "no answer for" in s and "retrying 2/3" in s, timeout=15, what="the wait said"
    )
    assert "◌ waiting" in screen and "stale" not in screen
    assert "2515  web-server-01" in screen  # the rows stay

    clear(faulty_url)
    pane.keys("C-r")
    screen = pane.wait_for(lambda s: "● live" in s, timeout=5, what="ctrl+r to recover")
    assert "no answer" not in screen and "2515  web-server-01" in screen

    pane.keys("q")
    pane.wait_for(lambda _: pane.exit_status() is not None, what="vpstui to exit")
    assert str(pane.exit_status()) == "0"
    assert not pane.tracebacks()
