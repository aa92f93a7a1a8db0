"""Guided pruning's plan: only manual backups of the server, the newest completed kept,
nothing in progress or undated ever chosen, oldest first, sizes summed honestly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from vpstui.api import Backup
from vpstui.pruning import plan_prune, plan_room

NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)


def manual(
    id: int, days: float, status: str = "completed", server: int = 1, size: float | None = 100
) -> Backup:
    return Backup(
        id=id,
        server_id=server,
        server_name="web",
        backup_type="manual",
        status=status,
        size_mb=size,
        created_at=NOW - timedelta(days=days),
        expires_at=None,
        description=None,
    )


def test_keeps_the_newest_completed_and_deletes_the_rest_oldest_first() -> None:
    backups = [manual(i, days=i) for i in range(1, 11)]
    plan = plan_prune(backups, 1, keep=3, now=NOW)
    assert [b.id for b in plan.delete] == [10, 9, 8, 7, 6, 5, 4]
    assert [b.id for b, _ in plan.keep] == [1, 2, 3]
    assert plan.freed_mb == 700 and plan.unknown_sizes == 0


def test_never_in_progress_undated_automatic_or_other_servers() -> None:
    automatic = msgspec.structs.replace(manual(20, days=50), backup_type="automatic")
    undated = msgspec.structs.replace(manual(21, days=40), created_at=None)
    backups = [
        manual(1, days=1, status="in_progress"),
        manual(2, days=2),
        manual(3, days=30, server=2),
        automatic,
        undated,
        manual(4, days=9),
    ]
    plan = plan_prune(backups, 1, keep=1, now=NOW)
    assert [b.id for b in plan.delete] == [4]
    assert dict((b.id, why) for b, why in plan.keep) == {
        1: "in progress",
        2: "one of the newest 1 completed",
        21: "creation time unknown",
    }


def test_failed_backups_do_not_count_towards_keep() -> None:
    """Keeping "the newest 2" never means keeping two failures and deleting the last good
    backup."""
    backups = [manual(1, 1, "failed"), manual(2, 2, "failed"), manual(3, 3), manual(4, 4)]
    plan = plan_prune(backups, 1, keep=2, now=NOW)
    assert [b.id for b in plan.delete] == [2, 1]
    assert {b.id for b, _ in plan.keep} == {3, 4}


def test_older_than_limits_what_goes_and_unknown_sizes_are_counted_apart() -> None:
    backups = [manual(1, 1), manual(2, 5), manual(3, 40, size=None), manual(4, 60, size=250)]
    plan = plan_prune(backups, 1, keep=1, now=NOW, older_than=30 * 86400)
    assert [b.id for b in plan.delete] == [4, 3]
    assert plan.freed_mb == 250 and plan.unknown_sizes == 1
    assert ("younger than the age limit") in dict((b.id, w) for b, w in plan.keep)[2]


def test_keep_must_not_be_negative() -> None:
    with pytest.raises(ValueError):
        plan_prune([], 1, keep=-1, now=NOW)


def test_room_counts_backups_in_progress_as_taking_a_slot() -> None:
    """10 of 10 with one still being created: deleting the oldest completed frees a slot
    (the backup in progress and the undated one stay, and are counted)."""
    backups = [manual(1, days=0, status="in_progress"), *(manual(i, days=i) for i in range(2, 11))]
    plan = plan_room(backups, 1, limit=10, now=NOW)
    assert [b.id for b in plan.delete] == [10]
    undated = msgspec.structs.replace(manual(2, days=2), created_at=None)
    backups[1] = undated
    plan = plan_room(backups, 1, limit=10, now=NOW)
    assert [b.id for b in plan.delete] == [10]
    assert len(plan.keep) == 9
    every_slot_busy = [manual(i, days=i, status="in_progress") for i in range(1, 11)]
    assert plan_room(every_slot_busy, 1, limit=10, now=NOW).delete == ()


def test_room_never_proposes_the_backup_being_restored() -> None:
    """The oldest manual backup is proposed first: not when a restore is about to use it.
    It still takes a slot, so the next oldest goes instead."""
    backups = [manual(i, days=i) for i in range(1, 11)]  # 10 of 10, #10 the oldest
    assert [b.id for b in plan_room(backups, 1, limit=10, now=NOW).delete] == [10]
    plan = plan_room(backups, 1, limit=10, now=NOW, restoring=10)
    assert [b.id for b in plan.delete] == [9]
    assert dict((b.id, why) for b, why in plan.keep)[10] == "the backup being restored"


def test_the_quota_advice_never_names_the_backup_being_restored() -> None:
    """At a full quota the restore says which backups to delete for a safety backup (the
    TUI's dialog and `vpstui restore`): the oldest three, but never the restore's own."""
    from vpstui.operations import quota_verdict

    backups = [manual(i, days=i) for i in range(1, 11)]
    possible, text = quota_verdict(backups)
    assert not possible and "#10" in text and "#7" not in text
    possible, text = quota_verdict(backups, restoring=10)
    assert not possible and "#10" not in text and all(f"#{i}" in text for i in (9, 8, 7))
