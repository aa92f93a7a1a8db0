"""`vpstui check` as a monitoring system runs it: a separate process, the demo backend over
real HTTP on 127.0.0.1, the status line and performance data parsed as Nagios/Icinga do,
and the exit code agreeing with the state."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO
from tests.test_check import parse_plugin_output

pytestmark = pytest.mark.e2e

STATE_CODES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def run_check(
    environ: Callable[..., dict[str, str]],
    config: Path,
    url: str,
    token_file: Path,
    *args: str,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpstui", "check", "--api-url", url, "--token-file", str(token_file),
         "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environ(),
        timeout=60,
    )  # fmt: skip


@pytest.fixture
def token_file(tmp_path: Path, api_token: str) -> Path:
    path = tmp_path / "token"
    path.write_text(api_token + "\n")
    path.chmod(0o600)
    return path


def test_check_over_http_parsed_as_a_monitoring_system(
    backend_url: str,
    token_file: Path,
    empty_config: Path,
    environ: Callable[..., dict[str, str]],
    api_token: str,
) -> None:
    # The seeded account's ages depend on the time of day: its automatic backups run at
    # 03:00 UTC, so every server's newest completed backup is 0-24 h old, except
    # db-replica's (today's run is still in progress): 24-48 h. With the default 36 h limit
    # db-replica was overdue only after 15:00 UTC, and past 40 h (the strict run below)
    # critical after 19:00 UTC. A 24 h limit (so critical at 48 h) tells them apart at any
    # hour, and still comes from the config as a monitoring host's would.
    config = empty_config.with_name("check.toml")
    config.write_text("stale_after_hours = 24\n")
    done = run_check(environ, config, backend_url, token_file)
    state, text, perf, details = parse_plugin_output(done.stdout)
    assert done.returncode == STATE_CODES[state] == 1, done.stderr
    assert "db-primary: manual backups full (10 of 10)" in text
    # Every server has its three series, and a detail line whose state agrees with its age.
    states = {line.split()[1]: line.split()[0] for line in details}
    assert {label.rsplit("_", 1)[0] for label in perf} == set(states)
    assert len(states) >= 5
    for server, server_state in states.items():
        age = perf[f"{server}_age"]
        assert age["uom"] == "s"
        overdue = float(age["value"] or 0) > float(age["warn"] or 0)
        assert overdue == (server == "db-replica")  # the seeded account's overdue server
        assert (server_state != "OK") == (overdue or server == "db-primary")
    assert api_token not in done.stdout + done.stderr

    strict = run_check(
        environ, empty_config, backend_url, token_file, "--warn-age", "1m", "--crit-age", "50h"
    )
    state, _, _, _ = parse_plugin_output(strict.stdout)
    assert (state, strict.returncode) == ("WARNING", 1)
    # 1 s, the least it takes: in the minute after the demo's 03:00 UTC daily run,
    # web-server-01's newest backup was under 1m old and this read WARNING (CI, 03:00:4x).
    crit = run_check(environ, empty_config, backend_url, token_file, "--crit-age", "1s",
                     "--warn-age", "1s", "--server", "web-server-01")  # fmt: skip
    state, text, _, _ = parse_plugin_output(crit.stdout)
    assert (state, crit.returncode) == ("CRITICAL", 2)
    assert text.startswith("web-server-01: newest completed backup")


def test_wrong_token_and_no_api_are_unknown(
    backend_url: str,
    tmp_path: Path,
    empty_config: Path,
    environ: Callable[..., dict[str, str]],
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-token-0123456789\n")
    wrong.chmod(0o600)
    done = run_check(environ, empty_config, backend_url, wrong)
    assert done.returncode == 3 and done.stdout.startswith("BACKUPS UNKNOWN - ")
    assert "not-the-token-0123456789" not in done.stdout + done.stderr

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_check(
        environ, empty_config, f"http://127.0.0.1:{port}", wrong, "--timeout", "2", "--json"
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert '"state": "UNKNOWN"' in done.stdout
