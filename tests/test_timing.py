"""`vpstui.timing`: elapsed times, and estimates only from observed durations."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vpstui.api.models import Backup
from vpstui.timing import PER_SERVER, DurationHistory, running_for

T0 = datetime(2025, 1, 16, 3, 0, tzinfo=UTC)


def backup(
    backup_id: int, status: str = "completed", size: float | None = 1024.0, server: int = 7
) -> Backup:
    return Backup(backup_id, server, "web", "manual", status, size, T0, None, None)


def test_running_for_ticks_in_seconds_then_minutes_hours_days() -> None:
    assert running_for(T0, T0 + timedelta(seconds=45)) == "45s"
    assert running_for(T0, T0 + timedelta(minutes=12, seconds=5)) == "12m05s"
    assert running_for(T0, T0 + timedelta(hours=1, minutes=2, seconds=59)) == "1h02m"
    assert running_for(T0, T0 + timedelta(days=2, hours=3)) == "2d03h"
    assert running_for(None, T0) is None
    assert running_for(T0, T0 - timedelta(seconds=5)) == "0s"  # a clock skew is not negative


def test_no_history_no_estimate(tmp_path: Path) -> None:
    history = DurationHistory.load(tmp_path / "durations.json", "api.example")
    running = backup(9, "in_progress", None)
    assert history.estimate(running, T0 + timedelta(minutes=1), [1024.0]) is None


def test_estimate_from_observed_durations_scaled_by_size(tmp_path: Path) -> None:
    """Seen: 1 GiB in 10 min. A running backup whose server's backups are 2 GiB, 5 min in:
    ~15 min left. Without known sizes: the median duration (10 min), so ~5 min left."""
    path = tmp_path / "durations.json"
    history = DurationHistory.load(path, "api.example")
    assert history.observe(backup(1, size=1024.0), T0 + timedelta(minutes=10))
    assert not history.observe(backup(1, size=1024.0), T0 + timedelta(minutes=11))  # once
    assert history.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = DurationHistory.load(path, "api.example")
    running = backup(2, "in_progress", None)
    now = T0 + timedelta(minutes=5)
    assert again.estimate(running, now, [2048.0]) == "~15 min left, est."
    assert again.estimate(running, now) == "~5 min left, est."
    assert again.estimate_short(running, now, [2048.0]) == "~15m left"
    late = T0 + timedelta(minutes=40)
    assert again.estimate_short(running, late, [2048.0]) == "late, est."
    assert again.estimate(running, late, [2048.0]) == "longer than the usual ~20 min, est."
    # Another host's history and another server's say nothing.
    assert DurationHistory.load(path, "other.example").estimate(running, now) is None
    assert again.estimate(backup(3, "in_progress", None, server=8), now) is None


def test_history_is_bounded_and_read_tolerantly(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    history = DurationHistory.load(path, "api.example")
    for n in range(PER_SERVER + 5):
        history.observe(backup(n), T0 + timedelta(minutes=10))
    assert len(history.durations(7)) == PER_SERVER
    assert history.durations(7)[0].backup_id == 5  # the oldest went
    assert not history.observe(backup(99, "failed"), T0 + timedelta(minutes=1))
    assert not history.observe(backup(98), T0 + timedelta(days=30))  # implausible
    for junk in (b"{not json", b"[1, 2]", json.dumps({"h": {"7": [{"x": 1}]}}).encode()):
        path.write_bytes(junk)
        assert DurationHistory.load(path, "api.example").durations(7) == []
    assert DurationHistory.load(tmp_path / "missing.json", "h").durations(7) == []
