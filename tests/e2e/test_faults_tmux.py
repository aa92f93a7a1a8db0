"""Faults over real HTTP in a real terminal: the demo backend with `--faults` (switched over
its control endpoint) and vpstui in tmux. The app must show stale data with the reason,
never a traceback, recover after the fault, and send a create exactly once when its
answer times out, then say that it was created after all.
"""

from __future__ import annotations

import secrets
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import BANNER, REPO, clean_env, stop

pytestmark = pytest.mark.e2e

TOKEN = "e2e-faults-" + secrets.token_hex(8)
CONTROL = "/__vpstui_demo__/"


@pytest.fixture
def faulty_url(tmp_path: Path) -> Iterator[str]:
    """`python -m vpstui.demo --faults` on a free loopback port; yields its URL."""
    log = (tmp_path / "backend.stderr").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "vpstui.demo", "--port", "0", "--token", TOKEN, "--faults"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=REPO,
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        found = BANNER.fullmatch(process.stdout.readline().strip() if ready else "")
        if found is None:
            log.seek(0)
            pytest.fail(f"the demo backend did not start:\n{log.read()}")
        yield found.group(1)
    finally:
        stop(process)
        log.close()


def fault(url: str, **options: Any) -> None:
    httpx.post(f"{url}{CONTROL}faults", json=options, timeout=5).raise_for_status()


def clear(url: str) -> None:
    httpx.delete(f"{url}{CONTROL}faults", timeout=5).raise_for_status()


def flat(screen: str) -> str:
    """The screen with box borders and line breaks folded away (for wrapped text). Lines
    crossing a dialog's box keep only what is inside it: the table behind would split
    wrapped lines."""
    lines = []
    for line in screen.splitlines():
        left, right = line.find("│"), line.rfind("│")
        lines.append(line[left + 1 : right] if 0 <= left < right else line)
    return " ".join(" ".join(lines).split())


def posts(url: str) -> int:
    arrived = httpx.get(f"{url}{CONTROL}requests", timeout=5).json()["requests"]
    return sum(1 for r in arrived if r["method"] == "POST" and r["path"] == "/api/v1/backups/")


def test_faults_over_http_in_a_real_terminal(
    pane: Any, faulty_url: str, empty_config: Path, tmp_path: Path
) -> None:
    """502 and a reset mid-answer leave the rows up, marked stale with the reason; ctrl+r
    recovers; a create whose answer times out reaches the backend once and the dialog says
    it was created after all; the audit log has it; no screen ever showed a traceback."""
    state = tmp_path / "state"
    command = [
        sys.executable, "-m", "vpstui", "--api-url", faulty_url, "--config", str(empty_config),
        "--server", "12345", "--timeout", "1.5", "--idle-refresh", "0",
    ]  # fmt: skip
    pane.start(command, clean_env(VPS_API_TOKEN=TOKEN, VPSTUI_STATE_DIR=str(state)))
    pane.wait_for(lambda s: "● live" in s and "web-server-01" in s, timeout=20, what="rows")

    for name, reason in (("http_502", "502"), ("reset", "mid-answer")):
        fault(faulty_url, name=name, method="GET", path="/api/v1/backups/")
        pane.keys("C-r")
        screen = pane.wait_for(lambda s, r=reason: "stale" in s and r in s, what=f"{name} stale")
        assert "web-server-01" in screen
        clear(faulty_url)
        pane.keys("C-r")
        pane.wait_for(lambda s: "● live" in s, what=f"recovery after {name}")

    fault(faulty_url, name="slow", method="POST", seconds=5, times=1)
    pane.keys("n")
    pane.wait_for(lambda s: "Create a manual backup" in s, what="the create dialog")
    pane.type("over http")
    pane.keys("Enter", "Enter")
    pane.wait_for(lambda s: "created after all" in flat(s), timeout=15, what="the re-check")
    assert posts(faulty_url) == 1
    pane.keys("Escape")
    closed = pane.wait_for(lambda s: "Create a manual backup" not in s, what="the dialog to close")
    assert "over http" in closed  # the new row, cursor on it

    pane.keys("q")
    pane.wait_for(lambda _: pane.exit_status() is not None, what="vpstui to exit")
    assert str(pane.exit_status()) == "0"
    assert not pane.tracebacks()
    audit = (state / "audit.jsonl").read_text()
    assert '"outcome": "verified_done"' in audit and TOKEN not in audit
