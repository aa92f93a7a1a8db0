"""RowStore: the incremental sort/filter behind the backup table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from vpstui.api.models import Backup
from vpstui.ui.widgets.rows import RowStore

T0 = datetime(2025, 1, 16, tzinfo=UTC)


def backup(i: int, **changes: object) -> Backup:
    base = Backup(
        id=i,
        server_id=1 + i % 3,
        server_name=f"srv-{i % 3}",
        backup_type="automatic",
        status="completed",
        size_mb=float(i * 10),
        created_at=T0 + timedelta(hours=i),
        expires_at=None,
        description=f"backup number {i}",
    )
    return msgspec.structs.replace(base, **changes)


def test_newest_first_and_unknown_last_both_ways() -> None:
    store = RowStore()
    store.replace([backup(1), backup(2), backup(3, created_at=None)])
    assert store.order == [2, 1, 3]
    store.set_sort("created", reverse=False)
    assert store.order == [1, 2, 3]


def test_a_poll_changing_status_only_keeps_the_order_object() -> None:
    """Changing a field that is not the sort key re-sorts nothing."""
    store = RowStore()
    store.replace([backup(i, status="in_progress" if i == 5 else "completed") for i in range(10)])
    order = store.order
    assert store.in_progress == {5}
    assert store.replace([backup(i) for i in range(10)])
    assert store.order is order
    assert store.in_progress == set()


def test_rows_added_and_removed_merge_into_place() -> None:
    store = RowStore()
    store.replace([backup(i) for i in range(0, 10, 2)])
    store.upsert([backup(5)])
    assert store.order == [8, 6, 5, 4, 2, 0]
    store.remove(6)
    assert store.order == [8, 5, 4, 2, 0]
    assert store.index_of(4) == 2 and store.index_of(6) is None


def test_filter_walks_sorted_ids_and_survives_updates() -> None:
    store = RowStore()
    store.replace([backup(i) for i in range(12)])
    assert store.set_filter("srv-1")
    assert store.order == [10, 7, 4, 1]
    store.upsert([backup(13)])
    assert store.order == [13, 10, 7, 4, 1]
    store.upsert([backup(4, description="renamed srv-x", server_name="other")])
    assert store.order == [13, 10, 7, 1]


def test_stale_sort_keys_from_a_thread_are_completed() -> None:
    """Keys computed before a row arrived still give a full, correct sort."""
    store = RowStore()
    store.replace([backup(i) for i in range(5)])
    keys = store.sort_keys("size", reverse=True)
    store.upsert([backup(9)])
    store.set_sort("size", True, keys)
    assert store.order == [9, 4, 3, 2, 1, 0]


def test_warm_haystacks_then_filter() -> None:
    store = RowStore()
    store.replace([backup(i) for i in range(5)])
    store.warm_haystacks()
    store.set_filter("number 3")
    assert store.order == [3]
