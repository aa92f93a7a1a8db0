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
    assert store.added == []  # sorting adds nothing ("↑ N new" counts what `added` holds)


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


def test_diff_from_a_stale_snapshot_falls_back_to_a_full_comparison() -> None:
    """A row added after the snapshot is not lost to a diff computed before it."""
    from vpstui.ui.widgets.rows import diff_rows

    store = RowStore()
    store.replace([backup(i) for i in range(5)])
    version, snapshot = store.version, dict(store.rows)
    fresh = [backup(i, status="failed" if i == 2 else "completed") for i in range(5)]
    diff = diff_rows(version, snapshot, fresh)
    assert [b.id for b in diff.changed] == [2] and not diff.removed
    store.upsert([backup(7)])  # the user created one meanwhile
    assert store.apply(diff)
    assert store.rows[2].status == "failed"
    assert 7 not in store.rows  # the fresh listing is the truth: it did not list 7


def test_current_diff_touches_only_changed_rows() -> None:
    from vpstui.ui.widgets.rows import diff_rows

    store = RowStore()
    store.replace([backup(i) for i in range(5)])
    diff = diff_rows(store.version, dict(store.rows), [backup(i) for i in range(1, 5)])
    assert store.apply(diff)
    assert 0 not in store.rows and store.order == [4, 3, 2, 1]
    assert store.index_of(0) is None and store.index_of(2) == 2
    assert not store.apply(diff_rows(store.version, dict(store.rows), store.rows.values()))


def test_typing_more_letters_narrows_and_deleting_widens() -> None:
    store = RowStore()
    store.replace([backup(i) for i in range(30)])
    store.set_filter("number 1")
    assert store.order == [19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1]
    store.set_filter("number 12")
    assert store.order == [12]
    store.set_filter("number 2")  # not an extension: searches everything again
    assert store.order == [29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 2]
    store.set_filter("")
    assert len(store.order) == 30


def _expected(store: RowStore) -> list[int]:
    """The order a full sort and filter of the store's rows gives (the reference)."""
    from vpstui.ui.widgets.rows import key_function

    key = key_function(store.sort_column, store.reverse)
    ids = sorted(store.rows, key=lambda bid: key(store.rows[bid]), reverse=store.reverse)
    needle = store.filter_text
    if needle:
        ids = [i for i in ids if needle in store._haystack(i)]
    return ids


def test_rows_in_any_order_and_any_batch_size_stay_sorted() -> None:
    """Pages in random order and sizes, moves, removals and filters: `order` is always what
    a full sort gives, `index_of` finds every shown row (few-row and many-row paths), and
    the rows a batch added above a row are counted right."""
    import random

    rng = random.Random(13)
    for column, reverse, needle in [
        ("created", True, ""),
        ("created", False, "srv-1"),
        ("size", True, "number 1"),
        ("server", False, ""),
        ("expires", True, "srv-2"),
    ]:
        store = RowStore(column, reverse)
        store.set_filter(needle)
        ids = list(range(3_000))
        rng.shuffle(ids)
        while ids:  # batches of 1 to 300 rows; some rows come again with another size
            size = rng.randint(1, 300)
            batch, ids = ids[:size], ids[size:]
            if store.rows and rng.random() < 0.2:
                batch += rng.sample(sorted(store.rows), min(20, len(store.rows)))
            before = set(store.rows)
            store.upsert([backup(i, size_mb=float(rng.randint(0, 50))) for i in batch])
            assert store.order == _expected(store)
            assert sorted(store.added) == sorted(set(batch) - before)
            top = rng.randint(0, len(store.order) + 1)  # "↑ N new" above a scrolled view
            above = sum(1 for bid in store.order[:top] if bid not in before)
            assert store.count_above(store.added, top) == above
        for _ in range(40):
            picked = rng.sample(sorted(store.rows), rng.choice([1, 5, 200]))
            if rng.random() < 0.3:
                for bid in picked[:5]:
                    store.remove(bid)
            else:
                store.upsert(
                    [
                        backup(
                            i,
                            size_mb=float(rng.randint(0, 50)),
                            created_at=T0 + timedelta(minutes=rng.randint(0, 10_000)),
                            description=rng.choice(["number 1", "other"]),
                        )
                        for i in picked
                    ]
                )
            assert store.order == _expected(store)
        for position, bid in enumerate(store.order):
            assert store.index_of(bid) == position
        hidden = store.rows.keys() - set(store.order)
        assert all(store.index_of(bid) is None for bid in list(hidden)[:50])
