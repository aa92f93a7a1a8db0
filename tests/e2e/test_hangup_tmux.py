"""A dropped terminal ends vpstui: no process is left behind after an SSH session dies.

Textual 8's output thread dies on its first failed write to a terminal that is gone, and
once frames queue up behind it, closing the app waits for it forever. About one start in
ten was left running after its tmux server was killed (a dropped SSH session: SIGHUP and
no terminal). vpstui records what is in flight, asks Textual to close, and ends the
process itself if closing has not finished within `EXIT_GRACE`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import clean_env
from vpstui.ui.app import EXIT_GRACE

#: Terminals dropped at once: each start had ~1 chance in 10 of hanging before the fix.
STARTS = 8


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", socket, "-f", os.devnull, *args],
        capture_output=True, text=True, timeout=10, env=clean_env(),
    )  # fmt: skip


@pytest.fixture
def sockets() -> Iterator[list[str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    names = [f"vpstui-hup-{secrets.token_hex(6)}" for _ in range(STARTS)]
    yield names
    for name in names:
        tmux(name, "kill-server")


def test_a_dropped_terminal_leaves_no_vpstui_behind(sockets: list[str], tmp_path: Path) -> None:
    env = [f"VPSTUI_STATE_DIR={tmp_path / 'state'}", f"VPSTUI_CACHE_DIR={tmp_path / 'cache'}"]
    command = f"exec {sys.executable} -m vpstui --demo"
    pids: list[int] = []
    try:
        for socket in sockets:
            flags = [arg for value in env for arg in ("-e", value)]
            started = tmux(socket, "new-session", "-d", "-s", "t", "-x", "120", "-y", "35",
                           *flags, command)  # fmt: skip
            assert started.returncode == 0, started.stderr
            pane = tmux(socket, "display-message", "-p", "-t", "t", "#{pane_pid}")
            pids.append(int(pane.stdout))
        # Every app is up and drawing (the demo has backups in progress: a spinner ticks).
        deadline = time.monotonic() + 60
        for socket in sockets:
            while "2521" not in tmux(socket, "capture-pane", "-p", "-t", "t").stdout:
                assert time.monotonic() < deadline, "vpstui did not show its rows"
                time.sleep(0.1)
        for socket in sockets:
            tmux(socket, "kill-server")  # the terminal is gone: SIGHUP, then EIO on writes
        deadline = time.monotonic() + EXIT_GRACE + 10
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in pids if alive(pid)]
        assert not left, f"{len(left)} of {len(pids)} vpstui processes outlived their terminal"
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
