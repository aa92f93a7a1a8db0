"""The listing cache (issue 13): per account, 0600, no token, versioned, bounded."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vpstui import cache as cache_module
from vpstui.api.models import Backup
from vpstui.cache import CACHE_FORMAT, ListingCache, cache_dir

NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
ALL = (None, None)


def backup(backup_id: int, hours_ago: float = 1.0) -> Backup:
    return Backup(
        id=backup_id,
        server_id=7,
        server_name="web-01",
        backup_type="manual",
        status="completed",
        size_mb=12.5,
        created_at=NOW - timedelta(hours=hours_ago),
        expires_at=None,
        description="before upgrade",
    )


def test_round_trip_is_private_and_holds_no_token(tmp_path: Path) -> None:
    cache = ListingCache("admin.vps.org", "prod", tmp_path / "cache")
    cache.save(ALL, [backup(1, hours_ago=2), backup(2), backup(3)], NOW)
    found = cache.load(ALL)
    # Newest first, the table's default order (ties: the higher id first, as there).
    assert found is not None and found.backups == [backup(3), backup(2), backup(1, hours_ago=2)]
    assert found.saved_at == NOW and cache.note is None
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    text = cache.path.read_text()
    assert json.loads(text)["format"] == CACHE_FORMAT
    assert "Bearer" not in text and "token" not in text.lower()


def test_each_profile_and_host_has_its_own_file(tmp_path: Path) -> None:
    paths = {
        ListingCache(api, profile, tmp_path).path
        for api in ("a.example", "b.example")
        for profile in (None, "prod")
    }
    assert len(paths) == 4


def test_another_scope_is_not_used(tmp_path: Path) -> None:
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save((7, None), [backup(1)], NOW)
    assert cache.load(ALL) is None and cache.note is None
    assert cache.load((7, None)) is not None


def test_looking_at_a_server_keeps_all_servers_listing(tmp_path: Path) -> None:
    """Each scope has its own file: a session that ended on one server left the next
    start, on All servers, with no cached rows (found in tmux)."""
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save(ALL, [backup(1), backup(2)], NOW)
    cache.save((7, None), [backup(1)], NOW)
    cache.save((7, "manual"), [backup(1)], NOW)
    everything = cache.load(ALL)
    assert everything is not None and len(everything.backups) == 2
    one = cache.load((7, None))
    assert one is not None and one.scope == (7, None) and len(one.backups) == 1
    assert cache.load((7, "manual")) is not None and cache.load((8, None)) is None


def test_only_the_last_few_other_scopes_are_kept(tmp_path: Path) -> None:
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save(ALL, [backup(1)], NOW)
    for server in range(1, 8):
        cache.save((server, None), [backup(server)], NOW)
        path = cache.path_of((server, None))
        os.utime(path, (server, server))  # saved one after another
    kept = sorted(p.name for p in tmp_path.glob("listing-*.json"))
    assert len(kept) == 1 + cache_module.MAX_SCOPES
    assert cache.load(ALL) is not None
    assert [cache.load((s, None)) is not None for s in range(1, 8)] == [False] * 3 + [True] * 4
    cache.clear()
    assert not list(tmp_path.glob("listing-*.json"))


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"{not json", "unreadable or of another version"),
        (b'{"format": "vpstui-listing/99"}', "unreadable or of another version"),
        (b"[1, 2, 3]", "unreadable or of another version"),
    ],
)
def test_a_corrupt_or_foreign_file_is_ignored_with_a_note(
    tmp_path: Path, content: bytes, note: str
) -> None:
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.path.write_bytes(content)
    assert cache.load(ALL) is None
    assert cache.note is not None and note in cache.note and "\n" not in cache.note


@pytest.mark.parametrize(
    "naive",
    [("saved_at", "2025-01-16T16:00:00"), ("created_at", "2025-01-16T15:00:00"),
     ("expires_at", "2025-02-16T15:00:00")],
)  # fmt: skip
def test_a_time_without_a_zone_is_ignored_with_a_note(
    tmp_path: Path, naive: tuple[str, str]
) -> None:
    """A time with no zone (a file edited, or written by something else) cannot be set
    against the clock: it crashed the app on every start, before a live listing could
    replace the file. The file is ignored, with the note of a foreign file."""
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save(ALL, [backup(1), backup(2)], NOW)
    data = json.loads(cache.path.read_text())
    field, value = naive
    if field == "saved_at":
        data["saved_at"] = value
    else:
        data["backups"][1][field] = value
    cache.path.write_text(json.dumps(data))
    assert cache.load(ALL) is None
    assert cache.note is not None and "unreadable or of another version" in cache.note


def test_another_accounts_file_is_ignored(tmp_path: Path) -> None:
    ListingCache("other.example", None, tmp_path).save(ALL, [backup(1)], NOW)
    mine = ListingCache("admin.vps.org", None, tmp_path)
    (tmp_path / mine.path.name).write_bytes(
        ListingCache("other.example", None, tmp_path).path.read_bytes()
    )
    assert mine.load(ALL) is None
    assert mine.note == "The listing cache belongs to another account; ignored."


def test_big_listings_keep_the_newest_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_ROWS", 3)
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save(ALL, [backup(i, hours_ago=i) for i in range(1, 8)], NOW)
    found = cache.load(ALL)
    assert found is not None and [b.id for b in found.backups] == [1, 2, 3]


def test_an_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ListingCache("admin.vps.org", None, tmp_path)
    cache.save(ALL, [backup(1)], NOW)
    monkeypatch.setattr(cache_module, "MAX_BYTES", 10)
    assert cache.load(ALL) is None and cache.note is not None and "too big" in cache.note


def test_an_unwritable_directory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    ListingCache("admin.vps.org", None, blocker / "cache").save(ALL, [backup(1)], NOW)


def test_the_directory_comes_from_the_environment(tmp_path: Path) -> None:
    assert cache_dir({"VPSTUI_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_dir({}).name == "vpstui"


def test_files_under_the_earlier_names_are_removed_once_all_servers_is_saved(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "cache"
    directory.mkdir()
    old = [directory / "listing-201beaef41bac8769dc8.json"]
    old.append(directory / "listing-201beaef41bac8769dc8-7-any.json")
    other = ListingCache("other.example", None, directory)
    other.save(ALL, [backup(9)], NOW)
    for path in old:
        path.write_text("{}")
    cache = ListingCache("admin.vps.org", "prod", directory)
    cache.save((7, None), [backup(1)], NOW)
    assert all(path.exists() for path in old)  # a server's listing leaves them be
    cache.save(ALL, [backup(1)], NOW)
    assert not any(path.exists() for path in old)
    # Today's files stay, this account's and another's.
    assert cache.load(ALL) is not None and cache.load((7, None)) is not None
    assert other.load(ALL) is not None
