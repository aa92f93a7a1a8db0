"""Parsing API objects into models: the provider's examples, and liberal parsing of the rest."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vpstui.api.models import (
    Backup,
    Listing,
    Server,
    UnreadableItem,
    parse_backup,
    parse_datetime,
    parse_server,
)

# Verbatim from the provider's backups document (seed/000_0be83ac24b0704bb.txt, 示例回复).
PROVIDER_LIST_EXAMPLE = """
{
  "count": 3,
  "results": [
    {
      "id": 501,
      "server": {
        "id": 12345,
        "name": "web-server-01"
      },
      "backup_type": "automatic",
      "status": "completed",
      "size_mb": 4523,
      "created_at": "2025-01-16T03:00:00Z",
      "expires_at": "2025-02-16T03:00:00Z",
      "description": "Automatic daily backup"
    },
    {
      "id": 499,
      "server": {
        "id": 12345,
        "name": "web-server-01"
      },
      "backup_type": "manual",
      "status": "completed",
      "size_mb": 4456,
      "created_at": "2025-01-14T10:30:00Z",
      "expires_at": null,
      "description": "Pre-update backup"
    },
    {
      "id": 495,
      "server": {
        "id": 12345,
        "name": "web-server-01"
      },
      "backup_type": "automatic",
      "status": "completed",
      "size_mb": 4389,
      "created_at": "2025-01-15T03:00:00Z",
      "expires_at": "2025-02-15T03:00:00Z",
      "description": "Automatic daily backup"
    }
  ]
}
"""

PROVIDER_CREATE_EXAMPLE = """
{
  "id": 502,
  "server": {
    "id": 12345,
    "name": "web-server-01"
  },
  "backup_type": "manual",
  "status": "in_progress",
  "size_mb": null,
  "created_at": "2025-01-16T15:45:00Z",
  "expires_at": null,
  "description": "Pre-deployment backup",
  "message": "Backup is being created. This may take several minutes depending on server size."
}
"""

# The server object shown in VPS-API.md (Servers API).
SERVER_EXAMPLE: dict[str, Any] = {
    "id": 12345,
    "name": "web-server-01",
    "hostname": "web01.example.com",
    "status": "active",
    "ip_address": "203.0.113.10",
    "location": "us-west",
    "plan": {"id": 1, "name": "Standard VPS", "vcpus": 2, "memory": 4096, "storage": 80},
    "os": {"id": 5, "name": "Ubuntu 22.04 LTS"},
    "created_at": "2025-01-10T14:30:00Z",
    "updated_at": "...",
}


def backup_item(**fields: Any) -> dict[str, Any]:
    """A minimal valid backup object, with `fields` overriding or adding keys."""
    item: dict[str, Any] = {"id": 7, "server": {"id": 1, "name": "db-1"}}
    item.update(fields)
    return item


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the provider's example payloads --------------------------------------------------------


class TestProviderExamples:
    def test_list_example_parses_every_item(self) -> None:
        """All three backups of the documented list response parse, in the order sent."""
        backups = [parse_backup(item) for item in json.loads(PROVIDER_LIST_EXAMPLE)["results"]]
        assert [b.id for b in backups] == [501, 499, 495]
        assert {(b.server_id, b.server_name) for b in backups} == {(12345, "web-server-01")}
        assert [b.backup_type for b in backups] == ["automatic", "manual", "automatic"]
        assert [b.status for b in backups] == ["completed"] * 3
        assert [b.size_mb for b in backups] == [4523, 4456, 4389]
        assert [b.description for b in backups] == [
            "Automatic daily backup",
            "Pre-update backup",
            "Automatic daily backup",
        ]

    def test_list_example_timestamps_are_aware_utc(self) -> None:
        """created_at/expires_at become timezone-aware UTC datetimes; a manual one never expires."""
        automatic, manual, older = (
            parse_backup(item) for item in json.loads(PROVIDER_LIST_EXAMPLE)["results"]
        )
        assert automatic.created_at == utc(2025, 1, 16, 3, 0)
        assert automatic.expires_at == utc(2025, 2, 16, 3, 0)
        assert manual.created_at == utc(2025, 1, 14, 10, 30)
        assert manual.expires_at is None
        assert older.expires_at == utc(2025, 2, 15, 3, 0)
        for when in (automatic.created_at, automatic.expires_at, manual.created_at):
            assert when is not None
            assert when.utcoffset() == timedelta(0)

    def test_list_example_flags(self) -> None:
        """is_manual / is_completed / in_progress read the documented values correctly."""
        automatic, manual, _ = (
            parse_backup(item) for item in json.loads(PROVIDER_LIST_EXAMPLE)["results"]
        )
        assert manual.is_manual and not automatic.is_manual
        assert automatic.is_completed and not automatic.in_progress

    def test_create_example_is_an_in_progress_manual_backup(self) -> None:
        """The documented 201 body parses: in progress, no size yet, never expires."""
        backup = parse_backup(json.loads(PROVIDER_CREATE_EXAMPLE))
        assert backup == Backup(
            id=502,
            server_id=12345,
            server_name="web-server-01",
            backup_type="manual",
            status="in_progress",
            size_mb=None,
            created_at=utc(2025, 1, 16, 15, 45),
            expires_at=None,
            description="Pre-deployment backup",
        )
        assert backup.in_progress and backup.is_manual and not backup.is_completed

    def test_server_example_parses(self) -> None:
        """The documented server object parses; plan and os are shown by name."""
        assert parse_server(SERVER_EXAMPLE) == Server(
            id=12345,
            name="web-server-01",
            status="active",
            hostname="web01.example.com",
            ip_address="203.0.113.10",
            location="us-west",
            plan="Standard VPS",
            os="Ubuntu 22.04 LTS",
            created_at=utc(2025, 1, 10, 14, 30),
        )


# --- liberal parsing ------------------------------------------------------------------------


class TestLiberalBackupParsing:
    def test_unknown_fields_are_ignored(self) -> None:
        """Extra keys the documents do not mention change nothing."""
        plain = parse_backup(backup_item())
        extra = parse_backup(backup_item(region="eu", checksum={"sha": "x"}, tags=[1, 2]))
        assert extra == plain

    @pytest.mark.parametrize("status", ["failed", "pending", "restoring", "deleting", "Weird"])
    def test_unknown_status_is_kept_as_text(self, status: str) -> None:
        """A status outside the documented ones is kept verbatim, not rejected."""
        assert parse_backup(backup_item(status=status)).status == status

    def test_unknown_backup_type_is_kept_as_text(self) -> None:
        """An undocumented backup_type survives as text and is not taken for manual."""
        backup = parse_backup(backup_item(backup_type="snapshot"))
        assert backup.backup_type == "snapshot"
        assert not backup.is_manual

    def test_missing_optional_fields_become_none(self) -> None:
        """Only id and server are needed; everything else is unknown (None)."""
        backup = parse_backup({"id": 9, "server": {"id": 3, "name": "x"}})
        assert (
            backup.backup_type,
            backup.status,
            backup.size_mb,
            backup.created_at,
            backup.expires_at,
            backup.description,
        ) == (None, None, None, None, None, None)

    def test_server_without_name_gets_a_readable_placeholder(self) -> None:
        """A server object with no name is shown as "server <id>"."""
        assert parse_backup(backup_item(server={"id": 42})).server_name == "server 42"

    @pytest.mark.parametrize(
        "fields",
        [
            {"server": 42},
            {"server": "42"},
            {"server": None, "server_id": 42},
        ],
        ids=["bare-int", "bare-string", "server_id-field"],
    )
    def test_server_given_as_an_id(self, fields: dict[str, Any]) -> None:
        """A server given as a plain id (or a server_id key) is still understood."""
        item = {"id": 7, **fields}
        assert parse_backup(item).server_id == 42

    @pytest.mark.parametrize(
        ("item", "why"),
        [
            ({"id": None, "server": {"id": 1}}, "id"),
            ({"id": "abc", "server": {"id": 1}}, "id"),
            ({"id": True, "server": {"id": 1}}, "id"),
            ({"id": 1.5, "server": {"id": 1}}, "id"),
            ({"server": {"id": 1}}, "id"),
            ({"id": 7}, "server"),
            ({"id": 7, "server": {"name": "no id"}}, "server"),
            ({"id": 7, "server": {"id": "x"}}, "server"),
            ([1, 2], "object"),
            ("a string", "object"),
            (None, "object"),
        ],
        ids=[
            "id-null",
            "id-abc",
            "id-bool",
            "id-fraction",
            "id-missing",
            "no-server",
            "server-no-id",
            "server-bad-id",
            "list",
            "string",
            "null",
        ],
    )
    def test_unreadable_items_raise_unreadable_item(self, item: Any, why: str) -> None:
        """An item without a usable id or server is refused with a message saying what is wrong."""
        with pytest.raises(UnreadableItem) as info:
            parse_backup(item)
        assert why in str(info.value)

    def test_superscript_digit_id_is_unreadable_not_a_crash(self) -> None:
        """An id like "²" (isdigit() but not int()-able) is an unreadable item, not a crash."""
        with pytest.raises(UnreadableItem):
            parse_backup({"id": "²", "server": {"id": 1}})

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (4523, 4523.0),
            (4523.5, 4523.5),
            ("4523", 4523.0),
            ("12.25", 12.25),
            (0, 0.0),
            (None, None),
            ("big", None),
            ("", None),
            (-5, None),
            (True, None),
            ("nan", None),
            ({"mb": 1}, None),
        ],
    )
    def test_size_mb(self, raw: Any, expected: float | None) -> None:
        """size_mb accepts numbers and numeric strings; anything else is unknown (None)."""
        assert parse_backup(backup_item(size_mb=raw)).size_mb == expected

    def test_numeric_string_ids_are_accepted(self) -> None:
        """ids sent as strings (" 501 ", "12345") are read as integers."""
        backup = parse_backup({"id": " 501 ", "server": {"id": "12345", "name": "w"}})
        assert (backup.id, backup.server_id) == (501, 12345)

    def test_whole_float_id_is_accepted(self) -> None:
        """An id serialised as 501.0 is the integer 501."""
        assert parse_backup(backup_item(id=501.0)).id == 501

    def test_non_text_description_is_unknown(self) -> None:
        """A description that is an object is dropped rather than shown as a Python repr."""
        assert parse_backup(backup_item(description={"x": 1})).description is None


class TestDatetimes:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("2025-01-16T03:00:00Z", utc(2025, 1, 16, 3, 0)),
            ("2025-01-16T03:00:00+00:00", utc(2025, 1, 16, 3, 0)),
            ("2025-01-16T03:00:00.250Z", datetime(2025, 1, 16, 3, 0, 0, 250000, tzinfo=UTC)),
            ("2025-01-16T03:00:00", utc(2025, 1, 16, 3, 0)),
            ("2025-01-16T05:00:00+02:00", utc(2025, 1, 16, 3, 0)),
        ],
        ids=["zulu", "offset-zero", "fraction", "naive", "offset-plus-2"],
    )
    def test_timestamps_become_aware(self, raw: str, expected: datetime) -> None:
        """ISO 8601 timestamps parse to aware datetimes at the right instant."""
        when = parse_datetime(raw)
        assert when is not None
        assert when.tzinfo is not None
        assert when == expected

    def test_naive_timestamp_is_taken_as_utc(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A timestamp without zone gets UTC, not the machine's local zone."""
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        try:
            when = parse_datetime("2025-01-14T10:30:00")
        finally:
            monkeypatch.undo()
            time.tzset()
        assert when is not None
        assert when.utcoffset() == timedelta(0)
        assert when.hour == 10

    @pytest.mark.parametrize(
        "raw", ["", "yesterday", "2025-13-01T00:00:00Z", "...", 1737000000, None, ["2025"]]
    )
    def test_garbage_timestamps_are_unknown(self, raw: Any) -> None:
        """Anything that is not an ISO 8601 string is unknown (None), never an exception."""
        assert parse_datetime(raw) is None

    def test_garbage_timestamp_does_not_sink_the_backup(self) -> None:
        """A backup with unreadable dates still parses, with those dates unknown."""
        backup = parse_backup(backup_item(created_at="soon", expires_at=12))
        assert backup.id == 7
        assert (backup.created_at, backup.expires_at) == (None, None)


class TestServerParsing:
    def test_minimal_server(self) -> None:
        """A server needs only an id; a missing name becomes "server <id>"."""
        server = parse_server({"id": "8"})
        assert server == Server(id=8, name="server 8")

    def test_plan_and_os_may_be_plain_strings(self) -> None:
        """plan/os given as names rather than objects are kept."""
        server = parse_server({"id": 1, "name": "a", "plan": "Tiny", "os": "Debian 12"})
        assert (server.plan, server.os) == ("Tiny", "Debian 12")

    @pytest.mark.parametrize("item", [{"name": "no id"}, {"id": None}, {"id": "x"}, [1], 3])
    def test_unreadable_servers(self, item: Any) -> None:
        """A server without a usable id (or not an object) is an UnreadableItem."""
        with pytest.raises(UnreadableItem):
            parse_server(item)


class TestListing:
    def test_listing_is_a_list_with_bookkeeping(self) -> None:
        """A Listing behaves as a list and starts with nothing skipped and no total."""
        listing = Listing([1, 2])
        assert listing == [1, 2]
        assert (listing.skipped, listing.problems, listing.total) == (0, [], None)

    def test_note_counts_and_caps_problems(self) -> None:
        """note() counts every skip but keeps at most 20 problem lines."""
        listing: Listing[int] = Listing()
        for n in range(25):
            listing.note(f"problem {n}")
        listing.note("just a remark", skipped=False)
        assert listing.skipped == 25
        assert len(listing.problems) == 20
        assert listing.problems[0] == "problem 0"
