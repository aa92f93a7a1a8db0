"""Marks on the main screen: `space` marks and unmarks the backup under the cursor, and
`Delete` with marks opens one dialog that deletes them all (`MultiDeleteDialog`).

Only finished backups (not in progress) can be marked: the API refuses to delete a backup
still being made. A mark is kept by backup id, across scope changes and refreshes, until
the backup is deleted or unmarked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.actions import SkipAction
from textual.app import SystemCommand
from textual.widgets import Input

from vpstui.api.models import Backup
from vpstui.format import backup_ref, status_text
from vpstui.i18n import _, ngettext
from vpstui.ui.screens.timing import TimingActions


class MarkingActions(TimingActions):
    """Marks, and deleting the marked backups in one dialog."""

    def __init__(self) -> None:
        super().__init__()
        #: The marked backups, by id, in the order they were marked.
        self.marked: dict[int, Backup] = {}

    def action_toggle_mark(self) -> None:
        """space: mark the backup under the cursor for deletion, or unmark it."""
        if isinstance(self.focused, Input):
            raise SkipAction()
        backup = self.table.cursor_backup
        if backup is None:
            self.notify(_("No backup under the cursor to mark."), severity="warning", timeout=3)
            return
        if backup.id in self.marked:
            del self.marked[backup.id]
        else:
            if self.app.writes_refused():
                return
            # Rows shown from the listing cache are not the API's word yet (where the
            # screen has that notion: `BackupActions._cached` says so and refuses).
            cached = getattr(self, "_cached", None)
            if callable(cached) and cached(backup):
                return
            if backup.in_progress:
                self.notify(
                    _(
                        "Backup {id} is {status}: only finished backups can be marked for "
                        "deletion (the API refuses to delete one still being made)."
                    ).format(id=backup_ref(backup.id), status=status_text(backup.status)),
                    severity="warning",
                )
                return
            self.marked[backup.id] = backup
        self._marks_changed()
        self.table.action_cursor_down()  # like a file manager: mark, move on

    def action_clear_marks(self) -> None:
        """Unmark every backup (the command palette's "Clear marks")."""
        self.marked.clear()
        self._marks_changed()

    def mark_commands(self) -> Iterable[SystemCommand]:
        """The command palette's entries for marks."""
        read_only = self.app.settings.read_only
        yield SystemCommand(
            _("Mark / unmark backup"),
            _("Mark the selected backup for deletion, or unmark it (space; off: read-only)")
            if read_only
            else _("Mark the selected backup for deletion, or unmark it (space)"),
            self.action_toggle_mark,
        )
        yield SystemCommand(
            _("Delete marked backups"),
            _("One dialog for every marked backup; type the count (Delete; off: read-only)")
            if read_only
            else _("One dialog for every marked backup; type the count (Delete)"),
            self.action_delete,
        )
        yield SystemCommand(_("Clear marks"), _("Unmark every backup"), self.action_clear_marks)

    def _marks_changed(self) -> None:
        self.table.marks = set(self.marked)
        self.table.refresh()
        self._show_status()

    def _show_status(self) -> None:
        self.connection.marked = len(self.marked)
        super()._show_status()

    def action_delete(self) -> None:
        """Delete: with marks, one dialog for all of them; else the one under the cursor."""
        if not self.marked:
            super().action_delete()
            return
        if self.app.writes_refused():
            return
        current = self.table.backups
        backups = [current.get(bid, backup) for bid, backup in self.marked.items()]
        busy = [b for b in backups if b.in_progress]
        if busy:  # marked when finished, so this is unlikely; say it rather than send
            self.notify(
                _("Backup {id} is in progress again: unmark it first.").format(
                    id=backup_ref(busy[0].id)
                ),
                severity="warning",
            )
            return
        self.open_multi_delete(backups)

    def open_multi_delete(self, backups: Sequence[Backup], intro: str | None = None) -> None:
        """The one dialog that deletes `backups`; marks clear for what it deleted."""
        from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog, MultiDeleteResult

        def answered(result: MultiDeleteResult | None) -> None:
            if result is None:
                return
            self.backups_deleted(result.deleted)

        dialog = MultiDeleteDialog(self.app.api, backups, self.app.clock, intro=intro)
        self.app.push_screen(dialog, answered)

    def backups_deleted(self, deleted: Sequence[int]) -> None:
        """The API confirmed `deleted` gone: their rows and marks go; the list is re-read."""
        for backup_id in deleted:
            self.marked.pop(backup_id, None)
        if deleted:
            self.notify(
                ngettext(
                    "Deleted {n} backup: {ids}.", "Deleted {n} backups: {ids}.", len(deleted)
                ).format(n=len(deleted), ids=", ".join(backup_ref(i) for i in deleted)),
                title=_("Backups deleted"),
            )
        self._marks_changed()
        super().backups_deleted(deleted)
