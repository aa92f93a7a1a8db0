"""What goes over the wire: JSON shapes, field validation and pagination, DRF style.

The functions mirror what Django REST Framework does for the real API: its
timestamp format, its field error wording, and `PageNumberPagination` (including
how it rebuilds `next` / `previous` URLs from the request).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode

import msgspec

from vpstui.demo.state import Backup, Rejection, Server

__all__ = [
    "MAX_PAGE_SIZE",
    "PAGINATIONS",
    "Fields",
    "Page",
    "backup_json",
    "format_time",
    "paginate",
    "parse_json_object",
    "server_json",
]

#: The largest `?page_size=` the API honours.
MAX_PAGE_SIZE = 1000
#: How the demo can shape its page links: DRF's `PageNumberPagination` (the default,
#: `?page=N`), `LimitOffsetPagination` (`?limit=M&offset=N`) and `CursorPagination`
#: (an opaque `?cursor=`, and no `count`, as DRF's has none). Only the first is what the
#: real API is expected to send; the others are explicit demo options for tests.
PAGINATIONS = ("page", "offset", "cursor")

T = TypeVar("T")


def format_time(when: datetime | None) -> str | None:
    """`2025-01-16T03:00:00Z`: UTC, to the second, with a Z suffix."""
    if when is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_json(backup: Backup, server: Server) -> dict[str, Any]:
    """A backup exactly as the API shows it."""
    return {
        "id": backup.id,
        "server": {"id": server.id, "name": server.name},
        "backup_type": backup.backup_type,
        "status": backup.status,
        "size_mb": backup.size_mb,
        "created_at": format_time(backup.created_at),
        "expires_at": format_time(backup.expires_at),
        "description": backup.description,
    }


def server_json(server: Server) -> dict[str, Any]:
    """A server exactly as the API shows it."""
    plan = server.plan
    return {
        "id": server.id,
        "name": server.name,
        "hostname": server.hostname,
        "status": server.status,
        "ip_address": server.ip_address,
        "location": server.location,
        "plan": {
            "id": plan.id,
            "name": plan.name,
            "vcpus": plan.vcpus,
            "memory": plan.memory,
            "storage": plan.storage,
        },
        "os": {"id": server.os.id, "name": server.os.name},
        "created_at": format_time(server.created_at),
        "updated_at": format_time(server.updated_at),
    }


# -- request bodies ---------------------------------------------------------------------


def parse_json_object(body: bytes, content_type: str) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is `{}` (as DRF treats it)."""
    if not body.strip():
        return {}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise Rejection(415, {"detail": f'Unsupported media type "{content_type}" in request.'})
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejection(400, {"detail": f"JSON parse error - {exc}"}) from None
    if not isinstance(data, dict):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(data), type(data).__name__
        )
        raise Rejection(
            400, {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return data


class Fields:
    """Reads serializer fields from a JSON object, collecting DRF-worded errors.

    Call `integer()` / `text()` for each field, then `check()` raises one 400 with
    every field's error, as a DRF serializer does.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def integer(self, name: str) -> int:
        """A required integer field (accepts `12`, `"12"` and `12.0`, as DRF does)."""
        if name not in self.data:
            return self._fail(name, "This field is required.")
        value = self.data[name]
        if value is None:
            return self._fail(name, "This field may not be null.")
        if isinstance(value, bool):
            return self._fail(name, "A valid integer is required.")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        return self._fail(name, "A valid integer is required.")

    def text(self, name: str, *, default: str, max_length: int) -> str:
        """An optional string field no longer than `max_length`."""
        if name not in self.data:
            return default
        value = self.data[name]
        if value is None:
            self._fail(name, "This field may not be null.")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self._fail(name, "Not a valid string.")
            return default
        text = str(value).strip()
        if len(text) > max_length:
            self._fail(name, f"Ensure this field has no more than {max_length} characters.")
        return text

    def check(self) -> None:
        """Raise a 400 listing every field error found so far, if any."""
        if self.errors:
            raise Rejection(400, dict(self.errors))

    def _fail(self, name: str, message: str) -> int:
        self.errors.setdefault(name, []).append(message)
        return 0


# -- pagination ---------------------------------------------------------------------------


class Page(msgspec.Struct, frozen=True):
    """One page of a listing, with the absolute URLs of its neighbours."""

    items: Sequence[Any]
    count: int | None
    next: str | None
    previous: str | None

    def envelope(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        """The DRF `{"count", "next", "previous", "results"}` body (no count for a cursor)."""
        body: dict[str, Any] = {} if self.count is None else {"count": self.count}
        body.update(next=self.next, previous=self.previous, results=results)
        return body


def page_size_from(query: Mapping[str, str], default: int) -> int:
    """`?page_size=` if it is a positive integer (capped at MAX_PAGE_SIZE), else `default`."""
    raw = query.get("page_size", "")
    try:
        size = int(raw)
    except ValueError:
        return default
    return min(size, MAX_PAGE_SIZE) if size > 0 else default


def paginate(
    items: Sequence[T],
    *,
    query: Mapping[str, str],
    raw_query: str,
    page_size: int,
    base_url: str,
    style: str = "page",
) -> Page:
    """Cut `items` into the requested page, or reject with DRF's 404 "Invalid page."."""
    if style == "offset":
        return _paginate_offset(items, query, raw_query, page_size, base_url)
    if style == "cursor":
        return _paginate_cursor(items, query, raw_query, page_size, base_url)
    size = page_size_from(query, page_size)
    pages = max(1, math.ceil(len(items) / size))
    raw_page = query.get("page", "1")
    if raw_page == "last":
        number = pages
    else:
        try:
            number = int(raw_page)
        except ValueError:
            raise Rejection(404, {"detail": "Invalid page."}) from None
    if not 1 <= number <= pages:
        raise Rejection(404, {"detail": "Invalid page."})
    start = (number - 1) * size
    next_url = _with_page(base_url, raw_query, number + 1) if number < pages else None
    previous_url = _with_page(base_url, raw_query, number - 1) if number > 1 else None
    return Page(items[start : start + size], len(items), next_url, previous_url)


def _with_page(base_url: str, raw_query: str, number: int) -> str:
    """The request's URL with `page` replaced (or dropped for page 1), query sorted as DRF does."""
    return _with_query(base_url, raw_query, page=None if number == 1 else str(number))


def _with_query(base_url: str, raw_query: str, **changes: str | None) -> str:
    """The request's URL with some parameters replaced (None: dropped), query sorted."""
    params = parse_qs(raw_query, keep_blank_values=True)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = [value]
    query = urlencode(sorted(params.items()), doseq=True)
    return f"{base_url}?{query}" if query else base_url


def _non_negative(raw: str, default: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value >= 0 else default


def _paginate_offset(
    items: Sequence[T], query: Mapping[str, str], raw_query: str, page_size: int, base_url: str
) -> Page:
    """DRF's `LimitOffsetPagination`: `?limit=M&offset=N`; an offset past the end is empty."""
    limit = min(_non_negative(query.get("limit", ""), 0) or page_size, MAX_PAGE_SIZE)
    offset = _non_negative(query.get("offset", ""), 0)
    total = len(items)
    next_url = previous_url = None
    if offset + limit < total:
        next_url = _with_query(base_url, raw_query, limit=str(limit), offset=str(offset + limit))
    if offset > 0:
        back = offset - limit
        previous_url = _with_query(
            base_url, raw_query, limit=str(limit), offset=str(back) if back > 0 else None
        )
    return Page(items[offset : offset + limit], total, next_url, previous_url)


def _paginate_cursor(
    items: Sequence[T], query: Mapping[str, str], raw_query: str, page_size: int, base_url: str
) -> Page:
    """DRF's `CursorPagination`: an opaque `?cursor=` (here: a base64 position), no count."""
    raw = query.get("cursor", "")
    position = 0
    if raw:
        try:
            decoded = base64.urlsafe_b64decode(raw.encode()).decode()
            position = int(decoded.removeprefix("p="))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise Rejection(404, {"detail": "Invalid cursor"}) from None
        if position < 0:
            raise Rejection(404, {"detail": "Invalid cursor"})

    def cursor(at: int) -> str:
        return base64.urlsafe_b64encode(f"p={at}".encode()).decode()

    size = page_size_from(query, page_size)
    end = position + size
    next_url = _with_query(base_url, raw_query, cursor=cursor(end)) if end < len(items) else None
    previous_url = None
    if position > 0:
        previous_url = _with_query(base_url, raw_query, cursor=cursor(max(position - size, 0)))
    return Page(items[position:end], None, next_url, previous_url)
