"""The fast (msgspec) and liberal page decoders agree, and odd pages fall back safely."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from vpstui.api.models import (
    UnreadablePage,
    decode_backup_page,
    decode_page,
    parse_backup,
)


def item(i: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": i,
        "server": {"id": 12345, "name": "web-server-01"},
        "backup_type": "automatic",
        "status": "completed",
        "size_mb": 4523,
        "created_at": "2025-01-16T03:00:00Z",
        "expires_at": "2025-02-16T03:00:00Z",
        "description": "Automatic daily backup",
        "unknown_field": {"ignored": True},
    }
    data.update(overrides)
    return data


def body(*items: Any, **envelope: Any) -> bytes:
    return json.dumps(
        {"count": len(items), "next": None, "results": list(items), **envelope}
    ).encode()


def test_fast_path_equals_liberal_path() -> None:
    """On well-formed pages both decoders build identical backups."""
    items = [item(i, size_mb=None if i % 3 else 10 + i, expires_at=None) for i in range(50)]
    fast = decode_backup_page(body(*items))
    slow = decode_page(json.loads(body(*items)), parse_backup)
    assert fast.items == slow.items
    assert fast.count == 50 and fast.skipped == 0


def test_one_bad_item_costs_only_itself() -> None:
    """A page with id null and size "big" falls back: the bad item skipped, the rest kept."""
    page = decode_backup_page(body(item(1), item(2, id=None), item(3, size_mb="big")))
    assert [b.id for b in page.items] == [1, 3]
    assert page.items[1].size_mb is None
    assert page.skipped == 1 and page.problems


def test_naive_timestamps_take_the_liberal_path_and_become_utc() -> None:
    """msgspec would keep a naive datetime; the liberal path reads it as UTC."""
    page = decode_backup_page(body(item(1, created_at="2025-01-16T03:00:00")))
    assert page.items[0].created_at == datetime(2025, 1, 16, 3, 0, tzinfo=UTC)


def test_negative_size_is_unknown_not_negative() -> None:
    page = decode_backup_page(body(item(1, size_mb=-5)))
    assert page.items[0].size_mb is None


def test_missing_server_name_gets_a_readable_stand_in() -> None:
    page = decode_backup_page(body(item(1, server={"id": 7})))
    assert page.items[0].server_name == "server 7"


def test_bare_list_and_no_results() -> None:
    """A bare JSON list is one page; an object without results is unreadable."""
    assert [b.id for b in decode_backup_page(json.dumps([item(1)]).encode()).items] == [1]
    with pytest.raises(UnreadablePage):
        decode_backup_page(b'{"detail": "nope"}')


def test_not_json_raises_value_error() -> None:
    with pytest.raises(ValueError):
        decode_backup_page(b"<html>502</html>")
