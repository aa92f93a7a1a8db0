"""How `vpstui backups list` prints backups: an aligned table, stable JSON, or CSV.

The JSON shape is a contract for scripts (a test pins it): a list, newest first, of

    {"id": 501, "server_id": 12345, "server_name": "web-server-01",
     "backup_type": "automatic", "status": "completed", "size_mb": 4523,
     "created_at": "2025-01-16T03:00:00Z", "expires_at": "2025-02-16T03:00:00Z",
     "description": "Automatic daily backup"}

with exactly `JSON_FIELDS`; unknown values are `null`. Text in JSON is the API's, exactly
(escaped as ASCII, so it cannot act on a terminal); the table and CSV make it inert.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from vpstui.api.models import Backup
from vpstui.format import DASH, absolute_time, human_size, safe_text, status_text, type_text
from vpstui.i18n import N_, _

__all__ = [
    "JSON_FIELDS",
    "backup_record",
    "completed_text",
    "csv_text",
    "iso_utc",
    "json_text",
    "newest_first",
    "table_text",
]

#: The keys of every object in `--json` output, in order.
JSON_FIELDS = (
    "id",
    "server_id",
    "server_name",
    "backup_type",
    "status",
    "size_mb",
    "created_at",
    "expires_at",
    "description",
)

_OLDEST = datetime.min.replace(tzinfo=UTC)
#: A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@")


def completed_text(backup: Backup, server_name: str) -> str:
    """ "Backup #2522 of web-server-01 is completed: 4.4 GiB, created 2025-01-16 16:00 UTC."
    (the backup named once; see the wording guide in `vpstui.format`)."""
    return _("Backup #{id} of {name} is {status}: {size}, created {created}.").format(
        id=backup.id,
        name=server_name,
        status=status_text(backup.status),
        size=human_size(backup.size_mb),
        created=absolute_time(backup.created_at),
    )


def iso_utc(when: datetime | None) -> str | None:
    """ "2025-01-16T03:00:00Z", or None when unknown."""
    if when is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def newest_first(backups: Iterable[Backup]) -> list[Backup]:
    """Newest `created_at` first (unknown times last), then the higher id first."""
    return sorted(backups, key=lambda b: (b.created_at or _OLDEST, b.id), reverse=True)


def _size(size_mb: float | None) -> float | int | None:
    if size_mb is None:
        return None
    return int(size_mb) if float(size_mb).is_integer() else size_mb


def backup_record(backup: Backup) -> dict[str, Any]:
    """One backup as the `--json` object (keys exactly `JSON_FIELDS`)."""
    return {
        "id": backup.id,
        "server_id": backup.server_id,
        "server_name": backup.server_name,
        "backup_type": backup.backup_type,
        "status": backup.status,
        "size_mb": _size(backup.size_mb),
        "created_at": iso_utc(backup.created_at),
        "expires_at": iso_utc(backup.expires_at),
        "description": backup.description,
    }


def json_text(backups: Iterable[Backup]) -> str:
    """The `--json` document: a list of `backup_record`s, ASCII-only."""
    return json.dumps([backup_record(b) for b in backups], indent=2, ensure_ascii=True)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    text = safe_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(backups: Iterable[Backup]) -> str:
    """`--csv`: a header row of `JSON_FIELDS`, then one row per backup.

    Text is made inert: control characters replaced, and a cell a spreadsheet would run
    as a formula (starting with = + - @) gets a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JSON_FIELDS)
    for backup in backups:
        record = backup_record(backup)
        writer.writerow([_csv_cell(record[key]) for key in JSON_FIELDS])
    return out.getvalue()


def cell_width(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK) characters 2, combining marks 0."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _expires(backup: Backup) -> str:
    if backup.expires_at is None:
        return _("never") if backup.is_manual else DASH
    return absolute_time(backup.expires_at)


#: The table's column titles (translated when printed; the JSON/CSV keys never are).
TABLE_HEADER = (
    N_("ID"),
    N_("SERVER"),
    N_("TYPE"),
    N_("STATUS"),
    N_("SIZE"),
    N_("CREATED"),
    N_("EXPIRES"),
    N_("DESCRIPTION"),
)
_RIGHT = {0, 4}  # ID and SIZE line up on the right


def table_rows(backups: Iterable[Backup]) -> list[tuple[str, ...]]:
    """The table's cells, inert and cut to a sane width."""
    return [
        (
            str(b.id),
            _("{name} (id {id})").format(name=safe_text(b.server_name, 40), id=b.server_id),
            type_text(b.backup_type) if b.backup_type else DASH,
            status_text(b.status),
            human_size(b.size_mb),
            absolute_time(b.created_at),
            _expires(b),
            safe_text(b.description or "", 60),
        )
        for b in backups
    ]


def table_text(backups: Sequence[Backup]) -> str:
    """The default `list` output: aligned columns, human sizes, UTC times."""
    rows = [tuple(_(title) for title in TABLE_HEADER), *table_rows(backups)]
    widths = [max(cell_width(row[i]) for row in rows) for i in range(len(TABLE_HEADER))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell_width(cell))
            last = i == len(row) - 1
            cells.append(pad + cell if i in _RIGHT else cell if last else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
