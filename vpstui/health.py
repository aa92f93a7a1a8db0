"""Is every server backed up? The verdicts behind `vpstui check` (and, later, `watch`).

For each server, from one listing of its backups:

- CRITICAL: no completed backup at all, or the newest completed one is older than the
  critical age;
- WARNING: the newest completed backup is older than the warning age; a backup failed
  within the failed window; the manual-backup quota is full (nothing more can be taken
  before a risky change);
- OK otherwise.

Only what the API listed counts. When it sent items that could not be read, a verdict can
be too kind (an unread item may be a failed backup), so the account's verdict is at
least WARNING and says why. No Textual, no I/O: the command reads, this module judges.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

import msgspec

from vpstui.api.models import MANUAL_BACKUP_LIMIT, Backup, Listing, Server
from vpstui.i18n import _

__all__ = [
    "STATES",
    "AccountHealth",
    "ServerHealth",
    "State",
    "Thresholds",
    "judge",
    "judge_listing",
    "parse_duration",
    "short_duration",
]

State = Literal["OK", "WARNING", "CRITICAL", "UNKNOWN"]
#: The monitoring-plugin exit code of each state (Nagios, Icinga, Sensu, Checkmk).
STATES: dict[State, int] = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds in "30h", "2d", "90m", "45s", "1w" or a bare number of hours ("36").

    Raises ValueError with a readable message for anything else (negative, zero, inf).
    """
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(_("not a duration: {text!r} (use e.g. 30h, 2d, 90m)").format(text=text))
    value = float(match.group(1)) * _UNITS[(match.group(2) or "h").lower()]
    if not (math.isfinite(value) and value > 0):
        raise ValueError(_("must be a positive duration: {text!r}").format(text=text))
    return value


def short_duration(seconds: float) -> str:
    """ "58h", "3d", "45m": whole units, the way the thresholds are written."""
    seconds = max(0.0, seconds)
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 4 * 86400:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


class Thresholds(msgspec.Struct, frozen=True):
    """Ages in seconds; `failed_window`: how far back a failed backup counts."""

    warn_age: float
    crit_age: float
    failed_window: float
    manual_limit: int = MANUAL_BACKUP_LIMIT


class ServerHealth(msgspec.Struct):
    """One server's verdict and the facts it rests on."""

    server_id: int
    name: str
    state: State = "OK"
    reasons: list[str] = msgspec.field(default_factory=list)
    #: Seconds since the newest completed backup was created (None: there is none).
    age: float | None = None
    newest_completed_id: int | None = None
    failed: int = 0
    manual: int = 0
    in_progress: int = 0
    backups: int = 0

    def worsen(self, state: State, reason: str) -> None:
        self.reasons.append(reason)
        if STATES[state] > STATES[self.state]:
            self.state = state


class AccountHealth(msgspec.Struct):
    """Every judged server, worst first, and the account's verdict."""

    state: State
    servers: list[ServerHealth]
    thresholds: Thresholds
    checked_at: datetime
    #: Why the verdict may be incomplete (items the API sent that could not be read).
    notes: list[str] = msgspec.field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return STATES[self.state]


def judge(
    backups: Iterable[Backup],
    servers: Iterable[Server],
    now: datetime,
    thresholds: Thresholds,
    *,
    skipped: int = 0,
) -> AccountHealth:
    """The verdict on `servers`, from `backups` (only those of these servers count).

    `skipped`: items of the listing that could not be read.
    """
    judged = {s.id: ServerHealth(s.id, s.name) for s in servers}
    newest: dict[int, Backup] = {}
    window_start = now - timedelta(seconds=thresholds.failed_window)
    for backup in backups:
        health = judged.get(backup.server_id)
        if health is None:
            continue
        health.backups += 1
        if backup.is_manual:
            health.manual += 1
        if backup.in_progress:
            health.in_progress += 1
        created = backup.created_at
        if backup.status == "failed" and (created is None or created >= window_start):
            health.failed += 1  # an undated failure is counted: it may be recent
        if backup.is_completed and created is not None:
            best = newest.get(backup.server_id)
            if best is None or best.created_at is None or created > best.created_at:
                newest[backup.server_id] = backup
    for health in judged.values():
        _verdict(health, newest.get(health.server_id), now, thresholds)
    ordered = sorted(judged.values(), key=lambda h: (-STATES[h.state], h.name.lower(), h.server_id))
    state: State = ordered[0].state if ordered else "OK"
    notes: list[str] = []
    if skipped:
        notes.append(f"{skipped} item(s) the API sent could not be read; a verdict may miss them.")
        if STATES[state] < STATES["WARNING"]:
            state = "WARNING"
    return AccountHealth(state, ordered, thresholds, now, notes)


def _verdict(
    health: ServerHealth, newest: Backup | None, now: datetime, limits: Thresholds
) -> None:
    if newest is None or newest.created_at is None:
        what = "no backup at all" if health.backups == 0 else "no completed backup"
        health.worsen("CRITICAL", what)
    else:
        health.newest_completed_id = newest.id
        # A backup dated in the future (clock skew) is as fresh as can be.
        health.age = max(0.0, (now - newest.created_at).total_seconds())
        age = short_duration(health.age)
        if health.age > limits.crit_age:
            health.worsen(
                "CRITICAL",
                f"newest completed backup {age} old (crit {short_duration(limits.crit_age)})",
            )
        elif health.age > limits.warn_age:
            health.worsen(
                "WARNING",
                f"newest completed backup {age} old (warn {short_duration(limits.warn_age)})",
            )
    if health.failed:
        health.worsen(
            "WARNING", f"{health.failed} failed in {short_duration(limits.failed_window)}"
        )
    if health.manual >= limits.manual_limit:
        health.worsen("WARNING", f"manual backups full ({health.manual} of {limits.manual_limit})")


def judge_listing(
    listing: Listing[Backup], servers: Iterable[Server], now: datetime, thresholds: Thresholds
) -> AccountHealth:
    """`judge` on a listing as the client returns it (its unreadable items counted)."""
    return judge(listing, servers, now, thresholds, skipped=listing.skipped)
