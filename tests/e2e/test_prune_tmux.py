"""`vpstui backups prune` in a real terminal against the demo backend over HTTP: the
preview on screen, the typed count at the prompt, the deletes in order, and the audit
log's record of each."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_prune_previewed_confirmed_and_audited(
    pane: Any, backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    pane.start(
        [sys.executable, "-m", "vpstui", "backups", "prune", "db-primary", "--keep", "8",
         "--api-url", backend_url],
        {"VPS_API_TOKEN": api_token, "VPSTUI_CONFIG": str(empty_config),
         "VPSTUI_STATE_DIR": str(state)},
    )  # fmt: skip
    screen = pane.wait_for(
        lambda s: "Type the number of backups to delete (2)" in s,
        timeout=20,
        what="the preview and the prompt",
    )
    assert "Manual backups of db-primary: 10; 2 would be deleted." in screen
    assert "Space freed:" in screen and "one of the newest 8 completed" in screen
    doomed = [
        int(line.split()[0][1:])
        for line in screen.split("Delete (oldest first):")[1].split("Keep:")[0].splitlines()
        if line.strip().startswith("#")
    ]
    assert len(doomed) == 2
    pane.type("2")
    pane.keys("Enter")
    screen = pane.wait_for(
        lambda s: "Deleted 2 manual backups of db-primary" in s, timeout=20, what="the result"
    )
    assert "[1/2] deleting" in screen and "[2/2] deleting" in screen
    pane.wait_for(lambda s: pane.exit_status() is not None, what="the exit")
    assert pane.exit_status() == 0 and not pane.tracebacks()
    entries = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    assert [(e["action"], e["outcome"], e["backup_id"]) for e in entries] == [
        ("delete", outcome, backup_id)
        for backup_id in doomed
        for outcome in ("attempted", "succeeded")
    ]
    assert api_token not in (state / "audit.jsonl").read_text()
