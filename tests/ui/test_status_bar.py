"""The header line at a narrow width: what it leaves out first, and what it keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.app import App, ComposeResult

from vpstui.ui.widgets.status_bar import Connection, StatusBar

NOW = datetime(2026, 1, 16, 12, 0, tzinfo=UTC)


class HeaderApp(App[None]):
    CSS = "StatusBar { height: 1; }"  # as on the main screen

    def compose(self) -> ComposeResult:
        yield StatusBar()


async def rendered(state: Connection, width: int) -> str:
    """The header line as drawn in a terminal `width` columns wide."""
    app = HeaderApp()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(state, NOW)
        await pilot.pause()
        return bar.render_line(0).text


@pytest.mark.parametrize(
    "state",
    [
        Connection(host="admin.vps.org"),
        Connection(host="admin.vps.org", profile="production", colour="#aa0000"),
        Connection(host="x", demo=True, profile="staging", read_only=True),
    ],
    ids=["host", "profile", "demo-read-only"],
)
async def test_at_80_columns_a_refresh_never_hides_the_server_being_restored(
    state: Connection,
) -> None:
    """ "refreshing…" (or how much has loaded) goes before the name of a server being
    restored: the name was cut off the end of the line at 80 columns."""
    state.last_ok = NOW - timedelta(seconds=40)
    state.restoring = ("web-server-01 1m05s",)
    for loading in ({"loading": True}, {"loading": True, "loaded": 2_540, "expected": 3_000}):
        state.loading = True
        state.loaded = loading.get("loaded", 0)
        state.expected = loading.get("expected")
        line = await rendered(state, 80)
        assert "restore accepted: web-server-01 1m05s" in line, line
    wide = await rendered(state, 160)
    assert "loaded 2,540 of 3,000" in wide and "web-server-01" in wide  # all of it when it fits
