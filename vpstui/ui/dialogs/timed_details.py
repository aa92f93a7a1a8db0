"""The details dialog, with how long a running backup has been running and, when vpstui
has observed earlier ones, an estimate of what is left (both move on with the clock)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.widgets import Static

from vpstui.api import Backup, Server, VpsClient
from vpstui.clock import Clock
from vpstui.i18n import _
from vpstui.ui.dialogs.details import DetailsDialog

__all__ = ["TimedDetailsDialog"]


class TimedDetailsDialog(DetailsDialog):
    """`DetailsDialog`, plus a row under Status for a running backup: "Running: 12m05s ·
    ~6 min left, est."."""

    def __init__(
        self,
        client: VpsClient,
        backup: Backup,
        server: Server | None,
        clock: Clock,
        manual_count: int | None = None,
        *,
        running: Callable[[Backup, datetime], str | None],
    ) -> None:
        super().__init__(client, backup, server, clock, manual_count=manual_count)
        self._running_text = running

    def prepare(self) -> None:
        super().prepare()
        if self._running_text(self.backup, self.clock.now()) is not None:
            row = Static("", id="field-running")
            self.query_one("#dialog-body").mount(row, after="#field-status")
        self._show_running(self.clock.now())

    def refresh_times(self, now: datetime) -> None:
        super().refresh_times(now)
        self._show_running(now)

    def _show_running(self, now: datetime) -> None:
        rows = self.query("#field-running")
        running = self._running_text(self.backup, now)
        if running is None or not rows:
            return
        rows.first(Static).update(self._line(_("Running for"), running))
