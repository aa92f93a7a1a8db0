"""Guided pruning: which of a server's manual backups would go, and which stay.

Only manual backups are ever candidates (automatic ones expire by themselves). The rule,
the same in the TUI and `vpstui backups prune`:

- the newest `keep` completed manual backups stay;
- a backup in progress stays (it cannot be deleted yet), and so does one without a
  creation time (its age is unknown);
- every other manual backup (older completed ones, failed ones) goes — with
  `older_than`, only those created more than that many seconds ago.

Nothing here deletes anything: it plans, oldest first, and sums what would be freed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

import msgspec

from vpstui.api.models import Backup

__all__ = ["PrunePlan", "plan_prune", "plan_room"]


class PrunePlan(msgspec.Struct, frozen=True):
    """What a prune would do to one server's manual backups."""

    server_id: int
    #: To delete, oldest first.
    delete: tuple[Backup, ...]
    #: To keep, newest first, each with the reason it stays.
    keep: tuple[tuple[Backup, str], ...]

    @property
    def freed_mb(self) -> float:
        """MiB freed by the deletions whose size the API reported."""
        return sum(b.size_mb or 0.0 for b in self.delete)

    @property
    def unknown_sizes(self) -> int:
        """Deletions whose size the API did not report (not in `freed_mb`)."""
        return sum(1 for b in self.delete if b.size_mb is None)


def _newest_first(backups: Iterable[Backup]) -> list[Backup]:
    return sorted(
        backups, key=lambda b: (b.created_at is not None, b.created_at or 0, b.id), reverse=True
    )


def plan_prune(
    backups: Iterable[Backup],
    server_id: int,
    *,
    keep: int,
    now: datetime,
    older_than: float | None = None,
    protect: Collection[int] = (),
) -> PrunePlan:
    """The plan for `server_id`'s manual backups among `backups` (others are ignored).
    The backups whose ids are in `protect` (the one a restore is about to use) are kept,
    whatever their age."""
    if keep < 0:
        raise ValueError("keep must be 0 or more")
    manual = [b for b in backups if b.server_id == server_id and b.is_manual]
    cutoff = now - timedelta(seconds=older_than) if older_than is not None else None
    delete: list[Backup] = []
    kept: list[tuple[Backup, str]] = []
    completed_kept = 0
    for backup in _newest_first(manual):
        if backup.id in protect:
            kept.append((backup, "the backup being restored"))
        elif backup.in_progress:
            kept.append((backup, "in progress"))
        elif backup.created_at is None:
            kept.append((backup, "creation time unknown"))
        elif backup.is_completed and completed_kept < keep:
            completed_kept += 1
            kept.append((backup, f"one of the newest {keep} completed"))
        elif cutoff is not None and backup.created_at > cutoff:
            kept.append((backup, "younger than the age limit"))
        else:
            delete.append(backup)
    delete.reverse()  # oldest first
    return PrunePlan(server_id, tuple(delete), tuple(kept))


def plan_room(
    backups: Iterable[Backup],
    server_id: int,
    *,
    limit: int,
    now: datetime,
    restoring: int | None = None,
) -> PrunePlan:
    """The plan that leaves `server_id` fewer than `limit` manual backups: the shared rule
    with `keep` lowered by the backups it keeps anyway (in progress, creation time unknown,
    `restoring`: the backup a restore is about to use), since those take a slot of the
    quota too. With `keep=limit - 1` alone, one backup still being created made the plan
    empty although deleting an old one would free the slot; and the oldest manual backup,
    proposed first, may be the very one the user is restoring from."""
    manual = [b for b in backups if b.server_id == server_id and b.is_manual]
    protect = () if restoring is None else (restoring,)
    pinned = len(plan_prune(manual, server_id, keep=0, now=now, protect=protect).keep)
    keep = max(0, limit - 1 - pinned)
    return plan_prune(manual, server_id, keep=keep, now=now, protect=protect)
