"""`--server NAME` for a token that may not list servers, over real HTTP in a real terminal
(issue 12, item 3): the demo backend answers `GET /api/v1/servers/` with 404 and vpstui,
in tmux, still opens on the named server, taking its id from the backups listing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import clean_env
from tests.e2e.test_faults_tmux import CONTROL, TOKEN, fault, faulty_url

pytestmark = pytest.mark.e2e

__all__ = ["faulty_url"]  # the fixture: the demo backend with its fault switch


def servers_refused(url: str) -> bool:
    """Whether the backend answered a `GET /api/v1/servers/` with the `not_found` fault."""
    arrived = httpx.get(f"{url}{CONTROL}requests", timeout=5).json()["requests"]
    return any(r["path"] == "/api/v1/servers/" and r["fault"] == "not_found" for r in arrived)


def table_rows(screen: str) -> list[str]:
    """The backup rows on screen: right of the picker's edge, starting with a backup id."""
    rows = (line.split("▕", 1)[1] for line in screen.splitlines() if "▕" in line)
    return [row for row in rows if re.match(r"\s+\d+\s", row)]


def test_server_name_without_the_servers_endpoint(
    pane: Any, faulty_url: str, empty_config: Path, tmp_path: Path
) -> None:
    """/servers/ answers 404: `vpstui --server mail-relay` shows mail-relay's backups only,
    the scope line names it, the picker still lists the other servers; no traceback."""
    fault(faulty_url, name="not_found", method="GET", path="/api/v1/servers/")
    command = [
        sys.executable, "-m", "vpstui", "--api-url", faulty_url, "--config", str(empty_config),
        "--server", "mail-relay", "--idle-refresh", "0",
    ]  # fmt: skip
    pane.start(command, clean_env(VPS_API_TOKEN=TOKEN, VPSTUI_STATE_DIR=str(tmp_path / "state")))
    screen = pane.wait_for(
        lambda s: "● live" in s and " mail-relay · " in s and len(table_rows(s)) >= 3,
        timeout=20,
        what="mail-relay's backups",
    )
    assert servers_refused(faulty_url)
    rows = table_rows(screen)
    assert all(" mail-relay " in row for row in rows), rows
    for other in ("db-primary", "web-server-01", "staging-app"):  # the picker, from backups
        assert other in screen
    pane.keys("q")
    pane.wait_for(lambda _: pane.exit_status() is not None, what="vpstui to exit")
    assert str(pane.exit_status()) == "0"
    assert not pane.tracebacks()
