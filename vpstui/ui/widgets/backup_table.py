"""`BackupTable`: a virtual table that draws only the rows on screen.

Textual's DataTable measures every cell when rows are added (about a second at
10,000 rows) and loses the cursor when cleared; this table keeps its rows in a dict
keyed by backup id and an ordered list of ids, so a refresh updates rows in place,
the cursor stays on the same backup, and drawing costs the same at 100 rows or
100,000. Every string from the API is drawn as inert text (`safe_text`), never markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from vpstui.api.models import Backup
from vpstui.format import safe_text
from vpstui.i18n import N_, _
from vpstui.ui.widgets.columns import (
    COLUMN_KEYS,
    COLUMNS,
    DESCENDING_FIRST,
    column_at,
    column_widths,
    render_header,
    render_row,
    time_face,
)
from vpstui.ui.widgets.cursor_rows import CursorRows

#: From this many rows on, sort keys and search text are prepared in a thread so the
#: event loop never stalls for long (about 100 ms of Python work at 100,000 rows).
THREADED_ROWS = 20_000


class BackupTable(CursorRows, can_focus=True):
    """The backups, one row each, sorted and filtered, with a cursor that sticks to its backup."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", N_("Up"), show=False),
        Binding("down,j", "cursor_down", N_("Down"), show=False),
        Binding("pageup,ctrl+b", "page_up", N_("Page up"), show=False),
        Binding("pagedown,ctrl+f", "page_down", N_("Page down"), show=False),
        Binding("home,g", "first", N_("First"), show=False),
        Binding("end,G", "last", N_("Last"), show=False),
        Binding("enter", "select", N_("Details"), show=False),
        Binding("o", "next_sort", N_("Sort"), show=False),
        Binding("O", "reverse_sort", N_("Reverse sort"), show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "backup-table--header",
        "backup-table--sorted",
        "backup-table--cursor",
        "backup-table--cursor-blurred",
        "backup-table--completed",
        "backup-table--in-progress",
        "backup-table--failed",
        "backup-table--other",
        "backup-table--expiring",
        "backup-table--dim",
        "backup-table--empty",
        "backup-table--marked",
    }

    DEFAULT_CSS = """
    BackupTable {
        background: $surface;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .backup-table--header { background: $panel; color: $text; text-style: bold; }
        & > .backup-table--sorted { background: $panel; color: $accent; text-style: bold; }
        & > .backup-table--cursor { background: $block-cursor-background;
            color: $block-cursor-foreground; text-style: bold; }
        & > .backup-table--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .backup-table--completed { color: $text-success; }
        & > .backup-table--in-progress { color: $text-warning; text-style: bold; }
        & > .backup-table--failed { color: $text-error; text-style: bold; }
        & > .backup-table--other { color: $text-accent; }
        & > .backup-table--expiring { color: $text-warning; text-style: bold; }
        & > .backup-table--dim { color: $text-muted; }
        & > .backup-table--empty { color: $text-muted; text-style: italic; }
        & > .backup-table--marked { color: $text-error; text-style: bold; }
    }
    """

    sort_column: reactive[str] = reactive("created", init=False)
    """The column rows are sorted by."""
    sort_reverse: reactive[bool] = reactive(True, init=False)
    """True sorts biggest/newest first."""

    class Highlighted(Message):
        """The cursor moved to another backup (or to none)."""

        def __init__(self, table: BackupTable, backup: Backup | None) -> None:
            super().__init__()
            self.table = table
            self.backup = backup

    class Selected(Message):
        """Enter or a double click on a backup: open its details."""

        def __init__(self, table: BackupTable, backup: Backup) -> None:
            super().__init__()
            self.table = table
            self.backup = backup

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._now = now
        self._widths: list[int] = [c.width for c in COLUMNS]
        self._server_width = COLUMNS[1].width
        self._server_fitted = False  # still the default width
        #: The width and Server column width `_widths` were laid out for (None: not yet).
        self._laid_out: tuple[int, int] | None = None
        self._spin = 0
        self._empty_text = _("Loading backups…")
        #: The clock time of the last repaint for relative times (see `refresh_times`).
        self._times_at: datetime | None = None
        #: When (the clock's `now`) each row on screen was last drawn, by id.
        self._drawn_at: dict[int, datetime] = {}
        #: Ids of the backups marked for deletion (drawn with a mark left of the id).
        self.marks: set[int] = set()
        #: What is left of a running backup ("~6m left"), or None: set by the screen.
        self.eta: Callable[[Backup, datetime], str | None] | None = None

    @property
    def empty_text(self) -> str:
        """What the table says while it has no rows ("Loading backups…")."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            if not self._order:
                self.refresh()

    def _post_highlight(self) -> None:
        self.post_message(self.Highlighted(self, self.cursor_backup))

    def action_select(self) -> None:
        backup = self.cursor_backup
        if backup is not None:
            self.post_message(self.Selected(self, backup))

    # --- sorting ----------------------------------------------------------------------------

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort by `column`; without `reverse`, clicking the sorted column flips it."""
        if column not in COLUMN_KEYS:
            raise ValueError(f"unknown column {column!r}")
        if reverse is None:
            reverse = (
                not self.sort_reverse if column == self.sort_column else column in DESCENDING_FIRST
            )
        self.set_reactive(BackupTable.sort_column, column)
        self.set_reactive(BackupTable.sort_reverse, reverse)
        if len(self._store.rows) < THREADED_ROWS:
            self._changing(lambda: self._store.set_sort(column, reverse))
        else:
            self.refresh_on_screen(0)  # the header shows the new sort at once
            self.run_worker(self._sort_in_thread(column, reverse), group="sort", exclusive=True)

    async def _sort_in_thread(self, column: str, reverse: bool) -> None:
        keys = await asyncio.to_thread(self._store.sort_keys, column, reverse)
        if (column, reverse) == (self.sort_column, self.sort_reverse):
            self._changing(lambda: self._store.set_sort(column, reverse, keys))

    def prepare_filter(self) -> None:
        """About to filter: build the search text of big tables in a thread first."""
        if len(self._store.rows) >= THREADED_ROWS:
            self.run_worker(asyncio.to_thread(self._store.warm_haystacks), group="warm")

    def action_next_sort(self) -> None:
        index = (COLUMN_KEYS.index(self.sort_column) + 1) % len(COLUMN_KEYS)
        column = COLUMN_KEYS[index]
        self.sort_by(column, column in DESCENDING_FIRST)
        heading = _(COLUMNS[index].label).lower()
        self.notify(_("Sorted by {column}").format(column=heading), timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.sort_by(self.sort_column, not self.sort_reverse)

    # --- layout and drawing -----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._layout(self._width)
        self.virtual_size = Size(self._width, len(self._order) + 1)
        self._scroll_cursor_into_view()

    def _layout(self, width: int) -> None:
        self._widths = column_widths(width, self._server_width)
        self._laid_out = (width, self._server_width)

    def fit_server_names(self, longest: int, *, grow: bool = False) -> None:
        """Size the Server column for the longest server name (within reason); with `grow`
        (names seen so far, as pages arrive), never narrower than it was fitted already."""
        width = max(COLUMNS[1].min_width, min(longest + 1, 24))
        if grow and self._server_fitted:
            width = max(width, self._server_width)
        self._server_fitted = True
        if width != self._server_width:
            self._server_width = width
            self.refresh()  # the next line drawn lays the columns out for it (`render_line`)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def tick(self) -> None:
        """Advance the spinner of in-progress rows (called once a second by the screen)."""
        self._spin += 1
        top = round(self.scroll_y)
        for y, backup_id in enumerate(self._order[top : top + self._page_rows], start=1):
            backup = self._rows[backup_id]
            if backup.in_progress:
                self.refresh_on_screen(y)

    def refresh_times(self, now: datetime | None = None) -> None:
        """Redraw the rows on screen whose "5m ago" or "in 6d" the clock has moved on.

        With `now`, at most once a clock second (the screen asks on every batch of a
        loading listing, ~4 a second), and only the lines whose words changed: relative
        times move by the minute, so most looks redraw nothing (idle CPU, issue 4).
        Without `now`, every line."""
        if now is None:
            self.refresh()
            return
        last = self._times_at
        if last is not None and 0 <= (now - last).total_seconds() < 1:
            return
        self._times_at = now
        top = round(self.scroll_y)
        drawn, kept = self._drawn_at, {}
        for y, backup_id in enumerate(self._order[top : top + self._page_rows], start=1):
            backup, at = self._rows[backup_id], drawn.get(backup_id)
            if at is None or time_face(backup, at) != time_face(backup, now):
                self.refresh_on_screen(y)  # drawing it notes when
            else:
                kept[backup_id] = at
        self._drawn_at = kept  # only rows on screen: never one entry per row of a listing

    def render_line(self, y: int) -> Strip:
        width = self._width
        if self._laid_out != (width, self._server_width):
            # The first frame can come before the first Resize: columns for this width.
            self._layout(width)
        base = self.rich_style
        if y == 0:
            return self._render_header(width, base)
        row = round(self.scroll_y) + y - 1
        if row >= len(self._order):
            if row == 0 and not self._order:
                style = base + self.get_component_rich_style("backup-table--empty")
                text = f"  {self.empty_text}"
                if self._store.filter_text and self._store.rows:
                    needle = safe_text(self._store.filter_text, 40)
                    text = "  " + _("No backups match “{text}”. Esc clears the filter.").format(
                        text=needle
                    )
                if cell_len(text) > width:  # cut on a cell boundary, and say so
                    text = set_cell_size(text, max(width - 1, 0)) + "…"
                return Strip([Segment(set_cell_size(text, width), style)], width)
            return Strip.blank(width, base)
        backup_id = self._order[row]
        return self._render_row(self._rows[backup_id], backup_id == self._cursor_id, width, base)

    def _render_header(self, width: int, base: Style) -> Strip:
        get = self.get_component_rich_style
        return render_header(
            self._widths,
            self.sort_column,
            self.sort_reverse,
            base + get("backup-table--header"),
            base + get("backup-table--sorted"),
            width,
            new_above=self.new_above,
        )

    def _render_row(self, backup: Backup, is_cursor: bool, width: int, base: Style) -> Strip:
        row_style = base
        if is_cursor:
            row_style = base + self.get_component_rich_style(
                "backup-table--cursor" if self.has_focus else "backup-table--cursor-blurred"
            )
        now = self._now()
        self._drawn_at[backup.id] = now  # compared by `refresh_times`, not worked out here
        return render_row(
            backup,
            self._widths,
            now,
            self._spin,
            self.get_component_rich_style,
            row_style,
            bold_styled=is_cursor and self.has_focus,
            width=width,
            marked=backup.id in self.marks,
            eta=self.eta(backup, now) if self.eta is not None and backup.in_progress else None,
        )

    # --- mouse ------------------------------------------------------------------------------

    def column_at(self, x: int) -> str | None:
        """The column key under screen column `x` (relative to the widget)."""
        return column_at(x, self._widths)

    async def _on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self.column_at(event.x)
            if column is not None:
                self.sort_by(column)
            return
        row = round(self.scroll_y) + event.y - 1
        if 0 <= row < len(self._order):
            self._set_cursor(row)
            if event.chain >= 2:
                self.action_select()
