"""Time on what is running, on the main screen: a running backup's elapsed time (the
table draws it from `created_at` on every tick), an estimate of what is left from the
durations vpstui observed (`vpstui.timing.DurationHistory`), and a followed restore's
elapsed time in the header.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from vpstui.api.models import Backup
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.timing import DURATIONS_FILE, DurationHistory, running_for
from vpstui.ui.screens.notifying import NotifyingScreen

#: Completed backups of a server whose sizes say how big the next one will likely be.
RECENT_SIZES = 5


def durations_path(demo: bool, given: Path | None) -> Path | None:
    """Where the history is kept: `given`, else the state directory (none for the demo)."""
    if given is not None or demo:
        return given
    from vpstui.audit import state_dir

    return state_dir() / DURATIONS_FILE


class TimingActions(NotifyingScreen):
    """Elapsed times and estimates on the main screen."""

    #: Where observed durations are kept; tests and the demo may set a path (None: the
    #: state directory, or memory only for the demo).
    durations_file: Path | None = None

    def __init__(self) -> None:
        super().__init__()
        self.durations: DurationHistory | None = None
        self._sizes: dict[int, tuple[int, list[float]]] = {}
        self._durations_warned = False

    def on_mount(self) -> None:
        settings = self.app.settings
        path = durations_path(settings.demo, self.durations_file)
        self.durations = DurationHistory.load(path, self.app.api_host)
        self.table.eta = self.estimate_short

    def _history(self) -> DurationHistory | None:
        """The history of the API host in use (a profile switch changes the host)."""
        history = self.durations
        if history is not None and history.host != self.app.api_host:
            history = self.durations = DurationHistory.load(history.path, self.app.api_host)
        return history

    def estimate(self, backup: Backup, now: datetime) -> str | None:
        """ "~6 min left, est." for a running backup; None without observed history."""
        history = self._history()
        if history is None:
            return None
        return history.estimate(backup, now, self._likely_sizes(backup.server_id))

    def estimate_short(self, backup: Backup, now: datetime) -> str | None:
        """The table's "~6m left" (in the Size cell of a running backup)."""
        history = self._history()
        if history is None:
            return None
        return history.estimate_short(backup, now, self._likely_sizes(backup.server_id))

    def _likely_sizes(self, server_id: int) -> list[float]:
        """The sizes of the server's newest completed backups (cached per table version)."""
        version, rows = self.table.snapshot()
        cached = self._sizes.get(server_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        done = [
            b
            for b in rows.values()
            if b.server_id == server_id and b.is_completed and b.size_mb and b.created_at
        ]
        done.sort(key=lambda b: b.created_at or 0, reverse=True)
        sizes = [b.size_mb for b in done[:RECENT_SIZES] if b.size_mb]
        self._sizes[server_id] = (version, sizes)
        return sizes

    def running_text(self, backup: Backup, now: datetime) -> str | None:
        """ "12m05s · ~6 min left, est." for the details dialog; None if not running."""
        if not backup.in_progress:
            return None
        running = running_for(backup.created_at, now)
        if running is None:
            return None
        eta = self.estimate(backup, now)
        return f"{running} · {eta}" if eta else running

    def _announce_changes(self, new: Iterable[Backup], was_running: set[int]) -> None:
        """Backups seen going from in progress to completed: their durations are kept."""
        changed = list(new)
        super()._announce_changes(changed, was_running)
        history = self._history()
        if history is None or not was_running:
            return
        now = self._now()
        seen = [b for b in changed if b.id in was_running and b.is_completed]
        recorded = any([history.observe(b, now) for b in seen])
        if recorded and not history.save() and not self._durations_warned:
            self._durations_warned = True
            self.notify(
                _("Backup durations could not be kept: {error}").format(
                    error=safe_text(history.problem, 200)
                ),
                severity="warning",
            )

    def restoring_labels(self) -> tuple[str, ...]:
        """A followed restore's name and how long since the API accepted it."""
        now = self._now()
        labels = []
        for server_id, name in self.follower.restoring.items():
            started = self.follower.started_at(server_id)
            elapsed = running_for(started, now)
            label = safe_text(name, 20)
            labels.append(f"{label} {elapsed}" if elapsed is not None else label)
        return tuple(labels)

    def open_details(self, backup: Backup) -> None:
        """Enter: everything known about one backup, with a running one's time."""
        from vpstui.ui.dialogs.timed_details import TimedDetailsDialog

        server = self.server(backup.server_id)
        manual = self.manual_count(backup.server_id)
        dialog = TimedDetailsDialog(
            self.app.api,
            backup,
            server,
            self.app.clock,
            manual_count=manual,
            running=self.running_text,
        )
        self.app.push_screen(dialog)
