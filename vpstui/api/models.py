"""What the API returns, as small immutable objects, parsed liberally.

The API's documents are the contract, but the real API wins: unknown fields are
ignored, missing optional fields become None ("unknown"), an unknown status or type
is kept as text, and an item that cannot be read at all (no usable id) is skipped
and counted so the caller can say "2 items could not be read" instead of crashing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

import msgspec

from vpstui.api.secret import redact_known
from vpstui.i18n import L_

__all__ = [
    "MANUAL_BACKUP_LIMIT",
    "Backup",
    "CreateResult",
    "Listing",
    "RestoreResult",
    "Server",
    "decode_backup_page",
    "decode_page",
    "parse_backup",
    "parse_datetime",
    "parse_server",
]

#: The API allows at most this many manual backups per server.
MANUAL_BACKUP_LIMIT = 10

#: Statuses that mean "not finished yet": the UI polls while any row has one.
IN_PROGRESS_STATUSES = frozenset({"in_progress", "pending", "creating", "queued", "running"})


class UnreadableItem(ValueError):
    """An item the API sent that cannot be turned into a model."""


class Server(msgspec.Struct, frozen=True, gc=False):
    """A VPS on the account. Only `id` and `name` are guaranteed."""

    id: int
    name: str
    status: str | None = None
    hostname: str | None = None
    ip_address: str | None = None
    location: str | None = None
    plan: str | None = None
    os: str | None = None
    created_at: datetime | None = None


class Backup(msgspec.Struct, frozen=True, gc=False):
    """One backup of one server. (A msgspec Struct: built ~4x faster than a frozen
    dataclass, which matters at 100,000 rows; `msgspec.structs.replace` copies one.)"""

    id: int
    server_id: int
    server_name: str
    backup_type: str | None
    status: str | None
    size_mb: float | None
    created_at: datetime | None
    expires_at: datetime | None
    description: str | None

    @property
    def is_manual(self) -> bool:
        return self.backup_type == "manual"

    @property
    def is_completed(self) -> bool:
        return self.status == "completed"

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS_STATUSES


class CreateResult(msgspec.Struct, frozen=True):
    """The answer to creating a backup: the new backup (still in progress) and the API's message."""

    backup: Backup
    message: str | None


class RestoreResult(msgspec.Struct, frozen=True):
    """The answer to starting a restore: whatever message the API gave, and its status code."""

    status_code: int
    message: str | None
    data: Mapping[str, Any] = msgspec.field(default_factory=dict)


T = TypeVar("T")


class Listing(list[T], Generic[T]):
    """A list of items plus what went wrong reading them.

    `skipped` counts items that could not be read; `problems` says why, one line each
    (capped); `total` is the count the API announced, when it did.
    """

    skipped: int
    problems: list[str]
    total: int | None

    def __init__(self, items: Iterable[T] = ()) -> None:
        super().__init__(items)
        self.skipped = 0
        self.problems = []
        self.total = None

    def note(self, problem: str, *, skipped: bool = True) -> None:
        if skipped:
            self.skipped += 1
        if len(self.problems) < 20:
            self.problems.append(problem)


# --- parsing --------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        # isascii(): "²" and other Unicode digits pass isdigit() but are no id
        return int(text) if text.isascii() and text.isdigit() else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if value == value and value >= 0 else None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number and number >= 0 else None
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def parse_datetime(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (naive ones are taken as UTC), else None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def parse_backup(item: Any) -> Backup:
    """A `Backup` from one API object. Raises `UnreadableItem` if it has no usable id/server."""
    if not isinstance(item, dict):
        raise UnreadableItem(L_("expected an object, got {kind}", kind=type(item).__name__))
    backup_id = _int(item.get("id"))
    if backup_id is None:
        raise UnreadableItem(
            L_("backup without a valid id ({value})", value=_preview(item.get("id")))
        )
    server = item.get("server")
    server_id: int | None
    if isinstance(server, dict):
        server_id = _int(server.get("id"))
        server_name = _text(server.get("name"))
    else:
        server_id = _int(server if server is not None else item.get("server_id"))
        server_name = _text(item.get("server_name"))
    if server_id is None:
        raise UnreadableItem(L_("backup {id} has no valid server id", id=backup_id))
    return Backup(
        id=backup_id,
        server_id=server_id,
        server_name=server_name or f"server {server_id}",
        backup_type=_text(item.get("backup_type")),
        status=_text(item.get("status")),
        size_mb=_number(item.get("size_mb")),
        created_at=parse_datetime(item.get("created_at")),
        expires_at=parse_datetime(item.get("expires_at")),
        description=_text(item.get("description")),
    )


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def parse_server(item: Any) -> Server:
    """A `Server` from one API object. Raises `UnreadableItem` without a usable id."""
    if not isinstance(item, dict):
        raise UnreadableItem(L_("expected an object, got {kind}", kind=type(item).__name__))
    server_id = _int(item.get("id"))
    if server_id is None:
        raise UnreadableItem(
            L_("server without a valid id ({value})", value=_preview(item.get("id")))
        )
    return Server(
        id=server_id,
        name=_text(item.get("name")) or f"server {server_id}",
        status=_text(item.get("status")),
        hostname=_text(item.get("hostname")),
        ip_address=_text(item.get("ip_address")),
        location=_text(item.get("location")),
        plan=_name(item.get("plan")),
        os=_name(item.get("os")),
        created_at=parse_datetime(item.get("created_at")),
    )


def _preview(value: Any) -> str:
    text = redact_known(repr(value))  # before it is cut: see vpstui.api.secret
    return text if len(text) <= 40 else text[:39] + "…"


# --- decoding whole pages ---------------------------------------------------------------------


class UnreadablePage(ValueError):
    """A page body that is JSON but has no list of results."""


class DecodedPage(msgspec.Struct, Generic[T]):
    """One page of a DRF listing: its items and what could not be read."""

    items: list[T]
    count: int | None
    next: Any
    skipped: int = 0
    problems: list[str] = msgspec.field(default_factory=list)


def decode_page(data: Any, parse: Callable[[Any], T]) -> DecodedPage[T]:
    """The liberal path: a decoded JSON page (DRF envelope or a bare list), item by item."""
    count: int | None
    if isinstance(data, list):
        results, count, next_url = data, len(data), None
    elif isinstance(data, dict) and isinstance(data.get("results"), list):
        results, next_url = data["results"], data.get("next")
        raw = data.get("count")
        count = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    else:
        raise UnreadablePage("the answer has no list of results")
    page: DecodedPage[T] = DecodedPage([], count, next_url)
    for raw in results:
        try:
            page.items.append(parse(raw))
        except UnreadableItem as exc:
            page.skipped += 1
            if len(page.problems) < 20:
                page.problems.append(str(exc))
    return page


_Aware = Annotated[datetime, msgspec.Meta(tz=True)]


class _WireServerRef(msgspec.Struct, gc=False):
    id: int
    name: str | None = None


class _WireBackup(msgspec.Struct, gc=False):
    id: int
    server: _WireServerRef
    backup_type: str | None = None
    status: str | None = None
    size_mb: Annotated[float, msgspec.Meta(ge=0)] | None = None
    created_at: _Aware | None = None
    expires_at: _Aware | None = None
    description: str | None = None


class _WireBackupPage(msgspec.Struct, gc=False):
    results: list[_WireBackup]
    count: int | None = None
    next: str | None = None


_BACKUP_PAGE = msgspec.json.Decoder(_WireBackupPage)


def decode_backup_page(body: bytes) -> DecodedPage[Backup]:
    """A page of backups from the raw body.

    The fast path decodes the documented shape strictly in C (msgspec); a page with
    anything unexpected (a missing id, a size of "big", a naive timestamp, not JSON)
    takes the liberal path, item by item, so one bad item costs only itself.
    Raises `ValueError` if the body is not JSON, `UnreadablePage` if it has no results.
    """
    try:
        wire = _BACKUP_PAGE.decode(body)
    except msgspec.DecodeError:
        import json  # the liberal path only: not on the app's start path

        return decode_page(json.loads(body), parse_backup)
    # Interning: 100,000 backups repeat a few hundred server names, two types, a few
    # statuses and mostly one description; sharing them saves tens of MB at that scale.
    intern = sys.intern
    items = [
        Backup(
            b.id,
            b.server.id,
            intern(b.server.name) if b.server.name else f"server {b.server.id}",
            intern(b.backup_type) if b.backup_type else b.backup_type,
            intern(b.status) if b.status else b.status,
            b.size_mb,
            b.created_at,
            b.expires_at,
            intern(b.description) if b.description and len(b.description) < 80 else b.description,
        )
        for b in wire.results
    ]
    return DecodedPage(items, wire.count, wire.next)
