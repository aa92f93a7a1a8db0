"""`vpstui check` and `vpstui watch` in a real terminal (tmux) against the demo backend over
HTTP: the check's status line read off the screen and parsed as a monitoring system would,
its exit status recorded by the pane's shell; watch running in a pane as an on-call would
leave it, printing the event of a backup another process started, stopped with Ctrl-C."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, clean_env
from tests.test_check import parse_plugin_output

pytestmark = pytest.mark.e2e


def joined_screen(pane: Any) -> str:
    """The screen and its scrollback with wrapped lines joined (a long status line stays one
    line, even when it scrolled off the top)."""
    done = pane.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "e2e", check=False)
    return str(done.stdout)


def test_check_in_a_terminal(
    pane: Any, backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    pane.start(
        [sys.executable, "-m", "vpstui", "check", "--api-url", backend_url,
         "--config", str(empty_config), "--warn-age", "1m", "--crit-age", "50h"],
        {"VPS_API_TOKEN": api_token, "VPSTUI_STATE_DIR": str(tmp_path / "state")},
    )  # fmt: skip
    # (--crit-age 50h: no seeded backup is that old at any hour; the oldest newest-completed
    # one, db-replica's, is 24-48 h old depending on the time of day.)
    pane.wait_for(lambda s: pane.exit_status() is not None, timeout=30, what="the check's exit")
    # (tmux adds a "Pane is dead" line once the shell has exited: not the plugin's.)
    lines = [
        line
        for line in joined_screen(pane).splitlines()
        if line.strip() and not line.startswith("Pane is dead")
    ]
    first = next(i for i, line in enumerate(lines) if line.startswith("BACKUPS "))
    state, text, perf, details = parse_plugin_output("\n".join(lines[first:]))
    assert (state, pane.exit_status()) == ("WARNING", 1)
    assert "db-primary: " in text and "(warn 1m)" in text
    assert perf["db-primary_manual"]["value"] == "10"
    assert all(line.split()[0] in ("WARNING", "CRITICAL", "OK") for line in details)
    assert api_token not in "\n".join(lines) and not pane.tracebacks()


def test_watch_in_a_pane_reports_a_backup_and_stops_on_ctrl_c(
    pane: Any, backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    """...and hands the event to a notify_command that writes its stdin to a file."""
    state = tmp_path / "state"
    received = tmp_path / "notified.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(received)!r}, 'a').write(sys.stdin.read())\n")
    config = tmp_path / "notify.toml"
    config.write_text(f"notify_command = {json.dumps([sys.executable, str(hook)])}\n")
    pane.start(
        [sys.executable, "-m", "vpstui", "watch", "--api-url", backend_url, "--config",
         str(config), "--server", "web-server-02", "--poll-interval", "0.5",
         "--idle-refresh", "2"],
        {"VPS_API_TOKEN": api_token, "VPSTUI_STATE_DIR": str(state)},
    )  # fmt: skip
    pane.wait_for(lambda s: "watching web-server-02" in s, timeout=20, what="watch started")
    created = subprocess.run(
        [sys.executable, "-m", "vpstui", "backups", "create", "web-server-02", "--json",
         "--api-url", backend_url, "--config", str(empty_config)],
        capture_output=True, text=True, cwd=REPO, timeout=60,
        env=clean_env(VPS_API_TOKEN=api_token, VPSTUI_STATE_DIR=str(state)),
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    new_id = json.loads(created.stdout)["id"]
    pane.wait_for(
        lambda s: f'"backup_id": {new_id}' in s.replace("\n", ""),
        timeout=30,
        what="the completed backup's event",
    )
    events = [
        json.loads(line)
        for line in joined_screen(pane).splitlines()
        if line.startswith("{") and line.rstrip().endswith("}")
    ]
    mine = [e for e in events if e["backup_id"] == new_id]
    assert [e["event"] for e in mine] == ["backup_completed"]
    pane.keys("C-c")
    pane.wait_for(lambda s: pane.exit_status() is not None, timeout=15, what="watch to stop")
    assert pane.exit_status() == 0
    assert "stopped watching" in pane.capture() and not pane.tracebacks()
    notified = [json.loads(line) for line in received.read_text().splitlines()]
    assert any(n["backup_id"] == new_id and n["event"] == "backup_completed" for n in notified)
    assert api_token not in received.read_text()
