"""End to end: a guarded restore in a real terminal against the backend over HTTP — the
safety backup first, the restore followed on evidence only, the incident summary, and what
was done written to the audit log and (then emptied) operations ledger. Once against a
backend that shows a status while restoring (a demo option), once against one that shows
none, as the API documents it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_restore_with_a_safety_backup_followed_to_the_end(
    pane: Any, restoring_backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    """R, the name, Enter: a safety backup completes, then one restore; the server is seen
    restoring and then back, so the end is announced; I copies the incident summary;
    nothing is left pending."""
    state = tmp_path / "state"
    pane.start(
        [sys.executable, "-m", "vpstui", "--api-url", restoring_backend_url,
         "--server", "web-server-01",
         "--poll-interval", "1"],
        {"VPS_API_TOKEN": api_token, "VPSTUI_CONFIG": str(empty_config),
         "VPSTUI_STATE_DIR": str(state)},
    )  # fmt: skip
    pane.wait_for(
        lambda s: "▕ web-server-01 · " in s and "completed" in s,
        timeout=20,
        what="web-server-01's backups",
    )
    pane.keys("R")
    pane.wait_for(
        lambda s: (
            "Restore web-server-01 (id 12345) from backup #" in s and "manual backups in use" in s
        ),
        what="the restore dialog with the safety backup offered",
    )
    pane.type("web-server-01")
    pane.keys("Enter")
    pane.wait_for(lambda s: "Safety backup #" in s, timeout=10, what="the safety backup")
    pane.wait_for(
        lambda s: "restore accepted: web-server-01" in s.splitlines()[0],
        timeout=30,
        what="the header following the restore",
    )
    screen = pane.wait_for(lambda s: "Restore done" in s, timeout=30, what="the end")
    assert "restoring → active" in " ".join(screen.split())
    pane.keys("I")
    pane.wait_for(lambda s: "Copied the incident summary" in s, what="the incident summary")
    pane.keys("q")
    pane.wait_for(lambda _: pane.dead(), timeout=10, what="vpstui to exit")
    pane.capture()
    assert pane.tracebacks() == []

    entries = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    done = [(e["action"], e["outcome"]) for e in entries]
    assert done == [
        ("create", "attempted"),
        ("create", "succeeded"),
        ("restore", "attempted"),
        ("restore", "succeeded"),
    ]
    assert api_token not in (state / "audit.jsonl").read_text()
    assert json.loads((state / "operations.json").read_text()) == []


def test_restore_against_the_documented_api_claims_no_end(
    pane: Any, backend_url: str, api_token: str, tmp_path: Path
) -> None:
    """No status during the restore (as documented): no "Restore done"; after the follow
    window the app says only that the API accepted it, and the incident summary says the
    end was not reported."""
    state = tmp_path / "state"
    config = tmp_path / "follow.toml"
    config.write_text("restore_follow = 6\n")
    pane.start(
        [sys.executable, "-m", "vpstui", "--api-url", backend_url, "--server", "web-server-01",
         "--poll-interval", "1"],
        {"VPS_API_TOKEN": api_token, "VPSTUI_CONFIG": str(config),
         "VPSTUI_STATE_DIR": str(state)},
    )  # fmt: skip
    pane.wait_for(
        lambda s: "▕ web-server-01 · " in s and "completed" in s,
        timeout=20,
        what="web-server-01's backups",
    )
    pane.keys("R")
    pane.wait_for(lambda s: "manual backups in use" in s, what="the restore dialog")
    pane.type("web-server-01")
    pane.keys("Enter")
    screen = pane.wait_for(
        lambda s: "VPS.org does not report restore progress" in " ".join(s.split()),
        timeout=30,
        what="the honest end of following",
    )
    assert "restore accepted: web-server-01" not in screen.splitlines()[0]  # no longer followed
    flat = " ".join(screen.split())
    assert "Restore of web-server-01 accepted by the API at " in flat
    assert "Restore done" not in flat and "finished" not in flat
    pane.keys("I")
    pane.wait_for(lambda s: "Copied the incident summary" in s, what="the incident summary")
    pane.keys("q")
    pane.wait_for(lambda _: pane.dead(), timeout=10, what="vpstui to exit")
    pane.capture()
    assert pane.tracebacks() == []
    assert not any("Restore done" in screen for screen in pane.screens)
    entries = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    assert [(e["action"], e["outcome"]) for e in entries][-2:] == [
        ("restore", "attempted"),
        ("restore", "succeeded"),
    ]
    assert json.loads((state / "operations.json").read_text()) == []
