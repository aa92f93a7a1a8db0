"""vpstui end to end: the real app in a real terminal (tmux) against the demo backend over HTTP.

These start processes and take real time (about 15 s in all); run them with
`pytest tests/e2e`. They skip when tmux is not installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e

WEB_SERVER_01 = 12345
DESCRIPTION = "e2e check"
#: A table row of the backup this test creates: "2522  web-server-01  manual ⠏ in progress …".
OUR_ROW = re.compile(
    r"(?P<id>\d+)\s+web-server-01\s+manual\s+\S\s+(?P<status>[a-z0-9][a-z0-9 ]*?)\s{2,}.*"
    + re.escape(DESCRIPTION)
)


def vpstui(*args: str) -> list[str]:
    """The command line that runs this checkout's vpstui with this interpreter."""
    return [sys.executable, "-m", "vpstui", *args]


def our_rows(screen: str) -> list[re.Match[str]]:
    """The table rows on `screen` showing the backup this test created."""
    return [found for line in screen.splitlines() if (found := OUR_ROW.search(line))]


def shows_status(status: str) -> Any:
    """A screen predicate: exactly one row of our backup, in `status`."""

    def predicate(screen: str) -> bool:
        rows = our_rows(screen)
        return len(rows) == 1 and rows[0]["status"] == status

    return predicate


def shows_running(screen: str) -> bool:
    """Exactly one row of our backup, running: its status cell says for how long ("12s")."""
    rows = our_rows(screen)
    return len(rows) == 1 and re.fullmatch(r"\d+[smhd](\d\d[smh])?", rows[0]["status"]) is not None


def manual_backups(url: str, token: str, server_id: int) -> list[dict[str, Any]]:
    """Every manual backup of `server_id`, read from the backend over HTTP (all pages)."""
    backups: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {token}"}
    next_url: str | None = f"{url}/api/v1/backups/"
    params: dict[str, Any] | None = {"server_id": server_id, "backup_type": "manual"}
    while next_url:
        response = httpx.get(next_url, params=params, headers=headers, timeout=10)
        response.raise_for_status()
        body = response.json()
        backups.extend(body["results"])
        next_url, params = body["next"], None
    return backups


def search_field(pane: Any) -> str:
    """The server search field as drawn (with colours), left of the picker's border."""
    return str(pane.styled_line(1)).partition("▕")[0]


def quit_and_wait(pane: Any) -> int:
    """Press q, wait until the app's process has exited, and return its exit status."""
    pane.keys("q")
    pane.wait_for(
        lambda _: pane.dead() and pane.exit_status() is not None,
        timeout=10,
        what="vpstui to exit",
    )
    pane.capture()  # the dead pane stays (remain-on-exit): check its last screen for tracebacks
    return int(pane.exit_status())


def test_create_a_backup_and_watch_it_complete(
    pane: Any, unhurried_backend_url: str, api_token: str, empty_config: Path
) -> None:
    """Scope to one server, create a described backup, and see polling finish it: one POST.

    (The backup stays in progress long enough to be seen running on a loaded machine.)"""
    backend_url = unhurried_backend_url
    pane.start(
        vpstui("--api-url", backend_url, "--poll-interval", "1"),
        {"VPS_API_TOKEN": api_token, "VPSTUI_CONFIG": str(empty_config)},
    )
    pane.wait_for(
        lambda s: re.search(r"^web-server-01\b", s, re.M) is not None and "completed" in s,
        timeout=20,
        what="the server picker and the backup table",
    )

    # Keys typed in the same burst as `s` reach the table, not the search (reported): wait
    # until the search field looks focused before typing into it.
    unfocused = search_field(pane)
    pane.keys("s")
    pane.wait_for(lambda _: search_field(pane) != unfocused, what="the server search to focus")
    pane.type("web-server-01")
    pane.wait_for(lambda s: s.splitlines()[1].startswith(" web-server-01 "), what="the search text")
    pane.keys("Enter")
    pane.wait_for(
        lambda s: "▕ web-server-01 · " in s.splitlines()[1],
        what="the line over the table naming web-server-01 as the scope",
    )

    pane.keys("n")
    pane.wait_for(
        lambda s: "Create a manual backup" in s and "web-server-01 (id 12345)" in s,
        what="the create dialog for web-server-01",
    )
    pane.type(DESCRIPTION)
    pane.wait_for(
        lambda s: any("▊" in line and DESCRIPTION in line for line in s.splitlines()),
        what="the description in the create dialog",
    )
    pane.keys("Enter")
    pane.wait_for(shows_running, timeout=10, what="our backup running, with its elapsed time")
    # Nothing pressed from here on: the app's own polling must notice it finished.
    screen = pane.wait_for(shows_status("completed"), timeout=30, what="our backup completed")

    assert len(our_rows(screen)) == 1
    described = [
        b
        for b in manual_backups(backend_url, api_token, WEB_SERVER_01)
        if b["description"] == DESCRIPTION
    ]
    assert len(described) == 1, described
    assert described[0]["status"] == "completed"
    assert str(described[0]["id"]) == our_rows(screen)[0]["id"]

    assert quit_and_wait(pane) == 0
    assert pane.tracebacks() == []


def test_a_rejected_token_is_explained(pane: Any, backend_url: str, empty_config: Path) -> None:
    """A token the API rejects gets an explanation screen (no traceback), and q quits."""
    pane.start(
        vpstui("--api-url", backend_url),
        {"VPS_API_TOKEN": "wrong", "VPSTUI_CONFIG": str(empty_config)},
    )
    screen = pane.wait_for(
        lambda s: "Press q to quit" in s, timeout=20, what="the token explanation"
    )
    assert "rejected the token" in screen
    assert "VPS_API_TOKEN" in screen

    assert quit_and_wait(pane) == 0
    assert pane.tracebacks() == []


def test_no_token_without_a_terminal_exits_2_with_advice(
    environ: Callable[..., dict[str, str]], empty_config: Path
) -> None:
    """Piped (no terminal) and no token: exit 2, naming VPS_API_TOKEN and --demo."""
    done = subprocess.run(
        vpstui(),
        stdin=subprocess.DEVNULL,
        env=environ(VPSTUI_CONFIG=str(empty_config)),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done
    assert "VPS_API_TOKEN" in done.stderr
    assert "--demo" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_help_lists_the_environment_variables(environ: Callable[..., dict[str, str]]) -> None:
    """`vpstui --help` exits 0 and names every environment variable it reads."""
    done = subprocess.run(
        vpstui("--help"),
        stdin=subprocess.DEVNULL,
        env=environ(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done
    for name in ("VPS_API_TOKEN", "VPS_API_URL", "VPSTUI_CONFIG"):
        assert name in done.stdout
