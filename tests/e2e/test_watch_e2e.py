"""`vpstui watch` as a systemd unit runs it: its own process against the demo backend over
real HTTP on 127.0.0.1, with a `notify_command` that writes its stdin to a file. A backup
started by another process is reported when the API shows it completed, on stdout and
through the command; SIGTERM stops it with exit 0."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, stop

pytestmark = pytest.mark.e2e


def test_watch_reports_a_completed_backup_and_stops_on_sigterm(
    backend_url: str,
    api_token: str,
    tmp_path: Path,
    environ: Callable[..., dict[str, str]],
) -> None:
    received = tmp_path / "notified.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(received)!r}, 'a').write(sys.stdin.read())\n")
    config = tmp_path / "config.toml"
    config.write_text(f"notify_command = {json.dumps([sys.executable, str(hook)])}\n")
    token = tmp_path / "token"
    token.write_text(api_token)
    token.chmod(0o600)
    common = ["--api-url", backend_url, "--token-file", str(token), "--config", str(config)]
    env = environ()
    watch = subprocess.Popen(
        [sys.executable, "-m", "vpstui", "watch", "--server", "web-server-01",
         "--poll-interval", "0.5", "--idle-refresh", "2", *common],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env,
    )  # fmt: skip
    try:
        assert watch.stderr is not None and watch.stdout is not None
        ready, _, _ = select.select([watch.stderr], [], [], 20)
        assert ready and "watching web-server-01" in watch.stderr.readline()
        created = subprocess.run(
            [sys.executable, "-m", "vpstui", "backups", "create", "web-server-01", "--json",
             "--description", "e2e watch", *common],
            capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
        new_id = json.loads(created.stdout)["id"]
        events = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([watch.stdout], [], [], 1)
            if ready:
                events.append(json.loads(watch.stdout.readline()))
                if any(e["backup_id"] == new_id for e in events):
                    break
        mine = [e for e in events if e["backup_id"] == new_id]
        assert [e["event"] for e in mine] == ["backup_completed"], events
        assert mine[0]["server_name"] == "web-server-01" and mine[0]["api_host"]
        watch.send_signal(signal.SIGTERM)
        assert watch.wait(timeout=15) == 0
        rest = watch.stderr.read()
        assert "stopped watching" in rest and "Traceback" not in rest
        notified = [json.loads(line) for line in received.read_text().splitlines()]
        assert any(n["backup_id"] == new_id and n["event"] == "backup_completed" for n in notified)
        assert api_token not in received.read_text() + rest
    finally:
        stop(watch)
