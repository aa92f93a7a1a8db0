"""Time on what is running: how long a backup has been running, and an estimate of what
is left, made only from what vpstui itself observed.

    running_for(created_at, now) -> str         "45s", "12m05s", "1h02m", "2d03h"
    DurationHistory                             observed durations, per API host and server
    DurationHistory.estimate(backup, now, ...)  "~6 min left, est." or None

The history keeps, per API host and server, the durations of backups vpstui SAW go from
in progress to completed (created_at → the refresh that first showed it completed: at
most one poll interval long), with their sizes. It lives in a small JSON file (0600, in
the state directory, through `vpstui.statefiles`), bounded in size and read tolerantly
(anything unreadable is an empty history, never an error). Without history for a server
there is no estimate: nothing is guessed. No Textual here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import msgspec

from vpstui.api.models import Backup
from vpstui.format import duration
from vpstui.i18n import _
from vpstui.statefiles import open_private

__all__ = ["DURATIONS_FILE", "DurationHistory", "Observed", "running_for"]

#: The history's file name in the state directory.
DURATIONS_FILE = "durations.json"
#: Observations kept per server (the newest).
PER_SERVER = 20
#: Servers kept per API host (those observed most recently).
SERVERS_PER_HOST = 200
#: API hosts kept.
HOSTS = 10
#: A file bigger than this is not read (it was not written by us).
MAX_BYTES = 1_000_000
#: Durations outside this range are not believed (seconds).
PLAUSIBLE = (1.0, 7 * 86400.0)


def running_for(created_at: datetime | None, now: datetime) -> str | None:
    """How long since `created_at`, precise enough to tick: "45s", "12m05s", "1h02m",
    "2d03h"; None when the start is unknown."""
    if created_at is None:
        return None
    seconds = max(0, int((now - created_at).total_seconds()))
    minutes, secs = divmod(seconds, 60)
    hours, mins = divmod(minutes, 60)
    days, hrs = divmod(hours, 24)
    if days:
        return _("{d}d{h:02d}h").format(d=days, h=hrs)
    if hours:
        return _("{h}h{m:02d}m").format(h=hours, m=mins)
    if minutes:
        return _("{m}m{s:02d}s").format(m=minutes, s=secs)
    return _("{s}s").format(s=secs)


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return _("~1 min")
    if seconds < 90 * 60:
        return _("~{n} min").format(n=round(seconds / 60))
    return _("~{h:.1f} h").format(h=seconds / 3600)


class Observed(msgspec.Struct, frozen=True):
    """One backup seen going from in progress to completed."""

    backup_id: int
    seconds: float
    size_mb: float | None = None
    #: When it was seen completed (ISO 8601), to keep the most recent servers.
    seen: str = ""


History = dict[str, dict[str, list[Observed]]]
_decoder = msgspec.json.Decoder(History)


class DurationHistory:
    """Observed backup durations for one API host, kept in `path` (None: in memory only)."""

    def __init__(self, path: Path | None, host: str, data: History | None = None) -> None:
        self.path = path
        self.host = host
        self._data: History = data or {}
        #: Why the last save failed (None: it did not); said once by the caller.
        self.problem: str | None = None

    @classmethod
    def load(cls, path: Path | None, host: str) -> DurationHistory:
        """Read `path` tolerantly: a missing, unreadable, oversized or malformed file is an
        empty history (the next save replaces it)."""
        data: History = {}
        if path is not None:
            with contextlib.suppress(OSError, msgspec.DecodeError, ValueError):
                if path.stat().st_size <= MAX_BYTES:
                    data = _decoder.decode(path.read_bytes())
        return cls(path, host, data)

    def durations(self, server_id: int) -> list[Observed]:
        return list(self._data.get(self.host, {}).get(str(server_id), []))

    def observe(self, backup: Backup, seen_at: datetime) -> bool:
        """Record `backup`, just seen completed after having been seen in progress. Returns
        False when there is nothing to record (no start time, an implausible duration,
        already recorded)."""
        if backup.created_at is None or not backup.is_completed:
            return False
        seconds = (seen_at - backup.created_at).total_seconds()
        if not PLAUSIBLE[0] <= seconds <= PLAUSIBLE[1]:
            return False
        servers = self._data.setdefault(self.host, {})
        key = str(backup.server_id)
        kept = servers.get(key, [])
        if any(o.backup_id == backup.id for o in kept):
            return False
        entry = Observed(backup.id, seconds, backup.size_mb, seen_at.isoformat())
        servers[key] = [*kept, entry][-PER_SERVER:]
        self._bound()
        return True

    def _bound(self) -> None:
        def newest(entries: list[Observed]) -> str:
            return max((o.seen for o in entries), default="")

        servers = self._data[self.host]
        if len(servers) > SERVERS_PER_HOST:
            keep = sorted(servers, key=lambda k: newest(servers[k]))[-SERVERS_PER_HOST:]
            self._data[self.host] = {k: servers[k] for k in keep}
        if len(self._data) > HOSTS:
            hosts = sorted(
                self._data,
                key=lambda h: max((newest(v) for v in self._data[h].values()), default=""),
            )
            for host in hosts[: len(self._data) - HOSTS]:
                if host != self.host:
                    del self._data[host]

    def save(self) -> bool:
        """Write the history (0600, replaced whole); False (and `problem`) if it failed."""
        if self.path is None:
            return True
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            fd = open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            with os.fdopen(fd, "wb") as handle:
                handle.write(msgspec.json.encode(self._data))
            os.replace(temporary, self.path)
        except OSError as error:
            self.problem = str(error)
            return False
        self.problem = None
        return True

    def expected_seconds(self, backup: Backup, sizes: Iterable[float] = ()) -> float | None:
        """How long a backup of this server usually takes, from what was observed: the
        median seconds per MiB times the size it will likely have (the median of `sizes`,
        e.g. the server's completed backups) when sizes are known; else the median duration.
        None without history."""
        seen = self.durations(backup.server_id)
        if not seen:
            return None
        import statistics  # not on the app's start path

        rates = [o.seconds / o.size_mb for o in seen if o.size_mb]
        likely = [s for s in sizes if s > 0]
        if rates and likely:
            return statistics.median(rates) * statistics.median(likely)
        return statistics.median(o.seconds for o in seen)

    def remaining(
        self, backup: Backup, now: datetime, sizes: Iterable[float] = ()
    ) -> tuple[float, float] | None:
        """(seconds left, seconds expected in all) for a running backup; None without
        history (or without its start time). Seconds left are negative past the estimate."""
        if not backup.in_progress or backup.created_at is None:
            return None
        expected = self.expected_seconds(backup, sizes)
        if expected is None:
            return None
        return expected - (now - backup.created_at).total_seconds(), expected

    def estimate(self, backup: Backup, now: datetime, sizes: Iterable[float] = ()) -> str | None:
        """ "~6 min left, est." for a running backup; None without history (or start)."""
        found = self.remaining(backup, now, sizes)
        if found is None:
            return None
        left, expected = found
        if left <= 0:
            return _("longer than the usual {usual}, est.").format(usual=_minutes(expected))
        return _("{left} left, est.").format(left=_minutes(left))

    def estimate_short(
        self, backup: Backup, now: datetime, sizes: Iterable[float] = ()
    ) -> str | None:
        """The table's cell for the same: "~6m left" (at most 10 cells), "late" past it."""
        found = self.remaining(backup, now, sizes)
        if found is None:
            return None
        left = found[0]
        if left <= 0:
            return _("late, est.")
        return _("~{left} left").format(left=duration(max(left, 60.0)))
