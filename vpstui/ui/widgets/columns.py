"""The backup table's columns: their widths at a given terminal width, and how one row or
the header is drawn. Every string from the API is drawn through `safe_text`, as inert text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from vpstui import i18n
from vpstui.api.models import Backup
from vpstui.format import (
    DASH,
    expires_text,
    expiring_soon,
    human_size,
    relative_time,
    safe_text,
    status_text,
)
from vpstui.i18n import N_, _
from vpstui.timing import running_for

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: Drawn left of a marked backup's id (one cell).
MARK = "*"


class Column(msgspec.Struct, frozen=True):
    key: str
    #: The heading in English (marked with `N_`; `heading()` is what the table shows).
    label: str
    width: int
    #: The width this column may shrink to when the terminal is narrow.
    min_width: int


#: Minimum widths hold every value whole: "just now", "⚠ in 47h", "1023.9 MiB". Status
#: and Server may cut with "…" (the rest of the name or word is in the details).
COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 7, 5),
    Column("server", N_("Server"), 16, 9),
    Column("type", N_("Type"), 6, 6),
    Column("status", N_("Status"), 13, 11),
    Column("size", N_("Size"), 10, 10),
    Column("created", N_("Created"), 9, 8),
    Column("expires", N_("Expires"), 9, 8),
    Column("description", N_("Description"), 0, 0),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
#: Columns whose natural order is "biggest/newest first".
DESCENDING_FIRST = {"id", "size", "created", "expires"}


def heading(column: Column) -> str:
    """What the table's header says for `column`, in the language in use."""
    return _(column.label)


def _widest_times() -> tuple[int, int]:
    """Cells the longest Created and Expires values take in the language in use: "24mo
    ago", "⚠ in 47h" (zh-CN "24 个月前", "⚠ 47 小时后")."""
    created = _("{amount} ago").format(amount=_("{n}mo").format(n="24"))
    soon = "⚠ " + _("in {amount}").format(amount=_("{n}h").format(n="47"))
    words = (soon, _("never"), _("expired"))
    return cell_len(created), max(cell_len(word) for word in words)


_widened: dict[str, tuple[Column, ...]] = {}


def columns() -> tuple[Column, ...]:
    """`COLUMNS` for the language in use: in another language than English, Created and
    Expires are at least as wide as their longest values ("24 个月前", "⚠ 47 小时后": CJK
    characters take two cells), so every age and expiry shows whole."""
    language = i18n.current()
    if language == i18n.DEFAULT:
        return COLUMNS
    if language not in _widened:
        created, expires = _widest_times()
        needed = {"created": created, "expires": expires}
        _widened[language] = tuple(
            msgspec.structs.replace(
                c,
                width=max(c.width, needed.get(c.key, 0)),
                min_width=max(c.min_width, needed.get(c.key, 0)),
            )
            for c in COLUMNS
        )
    return _widened[language]


def _short_type(backup_type: str | None) -> str:
    if backup_type == "automatic":
        return _("auto")
    if backup_type == "manual":
        return _("manual")
    return safe_text(backup_type or DASH, 12)


#: When even the minimum widths do not fit, these columns are dropped whole, in order.
DROP_ORDER = (2, 5, 4)
#: The description is shown only with at least this many cells.
MIN_DESCRIPTION = 8


def column_widths(width: int, server_width: int) -> list[int]:
    """Column widths for `width` cells (0: column not shown). Every shown cell takes its
    width plus one leading space. The description gets what is left; when too narrow, it
    goes, then the others shrink to their minimums, then whole columns are dropped."""
    shown = columns()
    widths = [c.width for c in shown]
    widths[1] = server_width
    widths[-1] = 0
    spare = width - sum(w + 1 for w in widths if w > 0)
    if spare >= MIN_DESCRIPTION + 1:
        widths[-1] = spare - 1
        return widths
    for i in (1, 3, 5, 6, 0, 4):
        if spare >= 0:
            break
        take = min(widths[i] - shown[i].min_width, -spare)
        widths[i] -= take
        spare += take
    for i in DROP_ORDER:
        if spare >= 0:
            break
        spare += widths[i] + 1
        widths[i] = 0
    widths[1] += max(spare, 0)  # what is left goes to the server name
    return widths


def column_at(x: int, widths: list[int]) -> str | None:
    """The key of the column drawn at cell `x`, or None."""
    left = 0
    for column, cell_width in zip(COLUMNS, widths, strict=True):
        if cell_width <= 0:
            continue
        if left <= x < left + cell_width + 1:
            return column.key
        left += cell_width + 1
    return None


def render_header(
    widths: list[int],
    sort_column: str,
    reverse: bool,
    header: Style,
    sorted_style: Style,
    width: int,
    *,
    new_above: int = 0,
) -> Strip:
    """The header line, the sorted column marked ▼ (descending) or ▲; rows that arrived
    above the view are counted at its right end: "↑ 2 new"."""
    segments: list[Segment] = []
    for column, cell_width in zip(COLUMNS, widths, strict=True):
        if cell_width <= 0:
            continue
        label = heading(column)
        style = header
        if column.key == sort_column:
            arrow = "▼" if reverse else "▲"
            label = f"{label} {arrow}" if cell_len(label) + 2 <= cell_width else label + arrow
            if cell_len(label) > cell_width:  # the arrow stays: it says how rows are sorted
                label = set_cell_size(heading(column), cell_width - 2) + "…" + arrow
            style = sorted_style
        elif cell_len(label) > cell_width:
            label = set_cell_size(label, cell_width - 1) + "…"
        segments.append(Segment(set_cell_size(" " + label, cell_width + 1), style))
    strip = Strip(segments).adjust_cell_length(width, header)
    if new_above:
        note = " " + _("↑ {count} new (g)").format(count=f"{new_above:,}") + " "
        strip = strip.crop(0, max(width - cell_len(note), 0))
        strip = Strip([*strip, Segment(note, sorted_style + Style(reverse=True))])
        strip = strip.adjust_cell_length(width, header)
    return strip


def time_face(backup: Backup, now: datetime) -> tuple[object, ...]:
    """What of `backup`'s line `render_row` words by the clock at `now`: equal faces at
    two times draw the same line (its relative times and expiry warning)."""
    expired = backup.expires_at is not None and backup.expires_at <= now
    running = running_for(backup.created_at, now) if backup.in_progress else None
    return (
        relative_time(backup.created_at, now),
        expires_text(backup, now),
        expiring_soon(backup, now),
        expired,
        running,
    )


def render_row(
    backup: Backup,
    widths: list[int],
    now: datetime,
    spin: int,
    get: Callable[[str], Style],
    row_style: Style,
    *,
    bold_styled: bool,
    width: int,
    marked: bool = False,
    eta: str | None = None,
) -> Strip:
    """One backup as a line. `get` gives the table's component styles by name; a marked
    backup has "*" in the cell left of its id (the mark column); `eta` ("~6m left") stands
    in a running backup's Size cell (its size is not known yet)."""
    status = backup.status or "unknown"
    word = safe_text(status_text(backup.status), 16)
    if backup.in_progress:
        status_style = get("backup-table--in-progress")
        # How long it has been running, ticking with the clock (the word when unknown).
        running = running_for(backup.created_at, now)
        what = running if running is not None else word
        shown = f"{SPINNER[spin % len(SPINNER)]} {what}"
    elif status == "completed":
        status_style, shown = get("backup-table--completed"), f"✓ {word}"
    elif status in ("failed", "error"):
        status_style, shown = get("backup-table--failed"), f"✗ {word}"
    else:
        status_style = get("backup-table--other")
        shown = f"• {word}"
    soon = expiring_soon(backup, now)
    expires = expires_text(backup, now)
    expired = backup.expires_at is not None and backup.expires_at <= now
    never = backup.expires_at is None and backup.is_manual
    if soon and not expired:
        expires = "⚠ " + expires
    dim = get("backup-table--dim")
    cells: list[tuple[str, Style | None]] = [
        (str(backup.id), None),
        (safe_text(backup.server_name, 60), None),
        (_short_type(backup.backup_type), None if backup.is_manual else dim),
        (shown, status_style),
        (human_size(backup.size_mb) if not backup.in_progress else eta or DASH, None),
        (relative_time(backup.created_at, now), None),
        (expires, get("backup-table--expiring") if soon else (dim if never else None)),
        (safe_text(backup.description or "", 300), None),
    ]
    segments: list[Segment] = []
    for (text, style), column, cell_width in zip(cells, COLUMNS, widths, strict=True):
        if cell_width <= 0:
            continue
        if column.key in ("size", "id"):
            text = text.rjust(cell_width - 1)
        elif cell_len(text) > cell_width:
            text = set_cell_size(text, cell_width - 1) + "…"
        cell_style = row_style + style if style is not None else row_style
        if bold_styled and style is not None:
            cell_style = row_style + Style(bold=True)
        if marked and not segments:
            segments.append(Segment(MARK, row_style + get("backup-table--marked")))
        else:
            segments.append(Segment(" ", row_style))
        segments.append(Segment(set_cell_size(text, cell_width), cell_style))
    return Strip(segments).adjust_cell_length(width, row_style)
