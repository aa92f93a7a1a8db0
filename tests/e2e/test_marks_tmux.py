"""End to end: marks in a real terminal against the backend over HTTP — two backups
marked with space, one dialog listing both, the typed count, each DELETE once, the marks
and rows gone, and the audit log's record of each delete."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_mark_two_backups_and_delete_them_with_the_typed_count(
    pane: Any, backend_url: str, api_token: str, empty_config: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    pane.start(
        [sys.executable, "-m", "vpstui", "--api-url", backend_url, "--server", "db-primary"],
        {"VPS_API_TOKEN": api_token, "VPSTUI_CONFIG": str(empty_config),
         "VPSTUI_STATE_DIR": str(state)},
    )  # fmt: skip
    pane.wait_for(
        lambda s: "▕ db-primary · " in s and "completed" in s,
        timeout=20,
        what="db-primary's backups",
    )
    pane.keys("Space")
    pane.wait_for(lambda s: "1 marked" in s, what="one mark in the scope line")
    pane.keys("Space")
    screen = pane.wait_for(lambda s: "2 marked" in s, what="two marks in the scope line")
    marked = [int(m) for m in re.findall(r"^\S*\s*\*\s*(\d+) ", screen, re.MULTILINE)]
    pane.keys("Delete")
    screen = pane.wait_for(
        lambda s: "Type 2 to delete 2 backups" in s, what="one dialog for both marked backups"
    )
    listed = [int(m) for m in re.findall(r"#(\d+)\s+\d{4}-\d\d-\d\d", screen)]
    assert len(listed) == 2 and "Total:" in screen
    if marked:  # the "*" column as drawn (when the row starts where the regex looks)
        assert sorted(marked) == sorted(listed)
    pane.type("1")
    pane.keys("Enter")  # the wrong count: nothing is sent
    pane.wait_for(lambda s: "Type 2 to enable Delete." in s, what="the count asked for again")
    pane.keys("BSpace")
    pane.wait_for(lambda s: "the number of backups" in s, what="the field emptied")
    pane.type("2")
    pane.keys("Enter")
    pane.wait_for(
        lambda s: "Deleted 2 of 2 backups." in " ".join(s.split()),
        timeout=20,
        what="both deleted",
    )
    pane.keys("Escape")
    screen = pane.wait_for(
        lambda s: "Delete backups" not in s and "marked" not in s.splitlines()[1],
        what="the main screen without marks",
    )
    for backup_id in listed:
        assert not re.search(rf"^\S*\s+{backup_id} ", screen, re.MULTILINE)
    pane.keys("q")
    pane.wait_for(lambda _: pane.dead(), timeout=10, what="vpstui to exit")
    pane.capture()
    assert pane.tracebacks() == []
    entries = [json.loads(line) for line in (state / "audit.jsonl").read_text().splitlines()]
    deletes = [(e["action"], e["outcome"], e["backup_id"]) for e in entries]
    assert deletes == [
        ("delete", "attempted", listed[0]),
        ("delete", "succeeded", listed[0]),
        ("delete", "attempted", listed[1]),
        ("delete", "succeeded", listed[1]),
    ]
    assert api_token not in (state / "audit.jsonl").read_text()
