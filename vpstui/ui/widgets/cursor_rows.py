"""`CursorRows`: the rows behind `BackupTable` and a cursor that sticks to its backup.

The rows live in a `RowStore` (by backup id, sorted and filtered); a refresh updates them
in place. The cursor follows its backup, not its row number; the view stays where it was,
except that a view at the top stays at the top so that new rows are seen there. Rows that
arrive above a scrolled view are counted in `new_above` for the header to announce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.geometry import Region, Size
from textual.scroll_view import ScrollView

from vpstui.api.models import Backup
from vpstui.ui.widgets.rows import RowsDiff, RowStore

__all__ = ["CursorRows"]


class CursorRows(ScrollView):
    """A scroll view of backups, one per line under a header line, with a sticky cursor."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._store = RowStore()
        self._cursor_id: int | None = None
        #: While a listing loads (`keep_cursor_on_top`) and until the user moves the cursor,
        #: it stays on the first row while the view is at the top: pages come in any order
        #: (the first one asked for need not hold the newest rows), and following the first
        #: page's row carried the view into the middle of the list ("↑ 271 new").
        self._follow_top = False
        #: Rows that arrived above the view since it was last at the top.
        self.new_above = 0

    # --- data -------------------------------------------------------------------------------

    @property
    def _order(self) -> list[int]:
        return self._store.order

    @property
    def _rows(self) -> dict[int, Backup]:
        return self._store.rows

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        return len(self._store.order)

    @property
    def backups(self) -> dict[int, Backup]:
        """Every backup the table holds, shown or filtered out, by id."""
        return self._store.rows

    def running_ids(self) -> set[int]:
        """Ids of the backups still in progress (a copy)."""
        return set(self._store.in_progress)

    @property
    def in_progress(self) -> int:
        """How many backups (shown or not) are still in progress."""
        return len(self._store.in_progress)

    @property
    def visible_ids(self) -> list[int]:
        """Ids of the shown rows, in display order."""
        return list(self._store.order)

    @property
    def cursor_backup(self) -> Backup | None:
        return self._store.rows.get(self._cursor_id) if self._cursor_id is not None else None

    @property
    def cursor_row(self) -> int | None:
        """The cursor's index among the shown rows."""
        return self._store.index_of(self._cursor_id)

    def set_backups(self, backups: Iterable[Backup]) -> None:
        """Replace all rows, keeping the cursor on the same backup and the view where it was.

        If the cursor's backup is gone, the cursor stays at the same row position.
        """
        self._changing(lambda: self._store.replace(backups))

    def snapshot(self) -> tuple[int, dict[int, Backup]]:
        """The rows' version and the rows (never changed in place), for `diff_rows`."""
        return self._store.version, self._store.rows

    def apply_diff(self, diff: RowsDiff) -> None:
        """A refresh whose changes were worked out off the event loop (see `diff_rows`)."""
        self._changing(lambda: self._store.apply(diff))

    def add_backups(self, backups: Iterable[Backup]) -> None:
        """Add or update rows (progressive loading, a newly created backup)."""
        self._changing(lambda: self._store.upsert(backups))

    def remove_backup(self, backup_id: int) -> None:
        self._changing(lambda: self._store.remove(backup_id))

    def set_filter(self, text: str) -> None:
        """Show only rows whose id, server or description contains `text` (any case)."""
        self._changing(lambda: self._store.set_filter(text))

    def move_cursor_to(self, backup_id: int) -> bool:
        """Put the cursor on a backup, scrolling it into view. False if it isn't shown."""
        index = self._store.index_of(backup_id)
        if index is None:
            return False
        self._set_cursor(index)
        return True

    def _changing(self, change: Callable[[], bool]) -> None:
        """Apply a change to the rows; keep the cursor's backup at the same place on screen.

        A view at the top stays at the top, so rows arriving there are seen; a view scrolled
        down stays put and the header counts the rows that arrived above it ("↑ 1 new").
        """
        old_row = self.cursor_row
        old_top = round(self.scroll_y)
        old_screen_y = (old_row - old_top) if old_row is not None else None
        old_rows = self._store.rows  # never changed in place: a snapshot
        shown = self._on_screen()
        if not change():
            return
        if old_top == 0 and old_rows:
            old_screen_y = None  # stay at the top: what arrived there shows
        order = self._store.order
        if self._follow_top and old_top == 0 and order and order[0] != self._cursor_id:
            self._cursor_id = order[0]
            self._post_highlight()
        size = Size(self._width, len(order) + 1)
        if size != self.virtual_size:
            # Not `self.virtual_size = size`: that reactive lays out the whole screen again,
            # and the frame after it repaints everything (~10 ms a batch of rows while a
            # long listing loads). More rows change only this widget's scrollbar; a
            # scrollbar that appears or goes still lays the screen out (its own reactive).
            self.set_reactive(CursorRows.virtual_size, size)
            self._scroll_update(size)
        if self._store.index_of(self._cursor_id) is None:
            if order:
                row = min(old_row if old_row is not None else 0, len(order) - 1)
                self._cursor_id = order[row]
            else:
                self._cursor_id = None
            self._post_highlight()
        new_row = self.cursor_row
        if new_row is not None and old_screen_y is not None and new_row != old_row:
            self.scroll_to(y=max(new_row - old_screen_y, 0), animate=False, immediate=True)
        self._scroll_cursor_into_view()
        top = round(self.scroll_y)
        if top == 0:
            self.new_above = 0
        elif old_rows:
            self.new_above += self._count_above(top, old_rows)
        now_shown = self._on_screen()
        if now_shown == shown:
            # Rows joined or changed off screen (most batches of a long listing): only the
            # header ("↑ 1 new") and the scrollbar can differ; no repaint of every line.
            self.refresh_on_screen(0)
        elif now_shown[:3] == shown[:3] and [b.id for b in now_shown[3]] == [
            b.id for b in shown[3]
        ]:
            # The same rows in the same places, a few of them changed (a poll): repaint
            # those lines and the header. A whole repaint dropped every cached line (~0.5 ms
            # to free them at 120x35) and drew them all again.
            self.refresh_on_screen(0)
            for line, (old, new) in enumerate(zip(shown[3], now_shown[3], strict=True), 1):
                if old is not new:
                    self.refresh_on_screen(line)
        else:
            self.refresh()

    def _on_screen(self) -> tuple[int, int | None, str, list[Backup]]:
        """What the lines on screen show: the top row, the cursor, the filter (an empty
        table names it), and the backups shown (rows are never changed in place, so the
        same objects mean the same lines)."""
        top = round(self.scroll_y)
        store = self._store
        rows = store.rows
        backups = [rows[bid] for bid in store.order[top : top + self._page_rows]]
        return top, self._cursor_id, store.filter_text, backups

    def _count_above(self, top: int, old_rows: dict[int, Backup]) -> int:
        """Rows the last change added above row `top` (new ids only)."""
        added = self._store.added
        if len(added) < top:  # a batch of pages under a view scrolled far down
            return self._store.count_above(added, top)
        return sum(1 for bid in self._order[:top] if bid not in old_rows)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(new) == 0 and self.new_above:
            self.new_above = 0
            self.refresh_on_screen(0)

    def refresh_on_screen(self, y: int) -> None:
        """Repaint line `y` as on screen (0: the header), however far the rows are
        scrolled (`refresh_line` takes a line of the scrolled rows instead)."""
        self.refresh(Region(0, y, self.size.width, 1))

    # --- cursor -----------------------------------------------------------------------------

    def _post_highlight(self) -> None:
        """The cursor moved to another backup: the table says so with a message."""

    def keep_cursor_on_top(self, keep: bool) -> None:
        """From now until the user moves the cursor (or `keep` is False again), rows that
        arrive while the view is at the top leave the cursor on the first row."""
        self._follow_top = keep

    def _set_cursor(self, row: int) -> None:
        if not self._order:
            return
        self._follow_top = False  # the user chose a row: the cursor stays with its backup
        row = max(0, min(row, len(self._order) - 1))
        new_id = self._order[row]
        if new_id != self._cursor_id:
            self._cursor_id = new_id
            self._post_highlight()
        self._scroll_cursor_into_view()
        # Rows just added may not be scrollable to until the next layout: check again then.
        self.call_after_refresh(self._scroll_cursor_into_view)
        self.refresh()

    @property
    def _page_rows(self) -> int:
        return max(self.size.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        row = self.cursor_row
        if row is None or not self.size.height:
            return
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._page_rows:
            self.scroll_to(y=row - self._page_rows + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._set_cursor((self.cursor_row or 0) - 1)

    def action_cursor_down(self) -> None:
        row = self.cursor_row
        self._set_cursor(0 if row is None else row + 1)

    def action_page_up(self) -> None:
        self._set_cursor((self.cursor_row or 0) - self._page_rows)

    def action_page_down(self) -> None:
        self._set_cursor((self.cursor_row or 0) + self._page_rows)

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self._order) - 1)

    @property
    def _width(self) -> int:
        """Cells a row may use: the widget's width less its vertical scrollbar."""
        return self.scrollable_content_region.width
