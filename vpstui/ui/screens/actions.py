"""What the main screen does with a backup: the keys that act on the selected row, the
dialogs they open (each a typed `ModalScreen`), and what the screen does with the answers.
`MainScreen` adds the layout and the other keys on top.

The dialogs are imported on first use: they are not on the start path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on

from vpstui.api.models import Backup, CreateResult, RestoreResult
from vpstui.format import backup_ref, backup_summary, safe_text, status_text
from vpstui.i18n import _
from vpstui.ui.screens.live import LiveScreen
from vpstui.ui.widgets.backup_table import BackupTable

if TYPE_CHECKING:
    from vpstui.ui.dialogs import DeleteOutcome
    from vpstui.ui.dialogs.restore import RestoreDialog


class BackupActions(LiveScreen):
    """Create, delete, restore, details and copy on the main screen's backups."""

    def _selected(self) -> Backup | None:
        backup = self.table.cursor_backup
        if backup is None:
            self.notify(_("No backup selected."), severity="warning", timeout=3)
        return backup

    def _cached(self, backup: Backup | None = None) -> bool:
        """Refuse an action on rows not yet confirmed by the API (say so)."""
        if backup is None and not (self.cached_ids and self.connection.last_ok is None):
            return False
        if backup is not None and backup.id not in self.cached_ids:
            return False
        if self.connection.error or self.connection.slow:
            said = _("These rows are from the cache and the API is not answering yet.")
        else:
            said = _("These rows are from the cache; wait a moment for the live list.")
        # Once while it shows: each press stacked another copy of the same toast.
        if not any(note.message == said for note in self.app._notifications):
            self.notify(said, severity="warning", timeout=4)
        return True

    def action_create(self) -> None:
        if not self._cached():
            self.open_create(self.scope[0])

    def action_delete(self) -> None:
        if self.app.writes_refused():
            return
        backup = self._selected()
        if backup is not None and not self._cached(backup):
            self.open_delete(backup)

    def action_restore(self) -> None:
        if self.app.writes_refused():
            return
        backup = self._selected()
        if backup is None or self._cached(backup):
            return
        if not backup.is_completed:
            self.notify(
                _("Backup {ref} is {status}: only completed backups can be restored.").format(
                    ref=backup_ref(backup.id), status=status_text(backup.status)
                ),
                severity="warning",
            )
            return
        self.open_restore(backup)

    @on(BackupTable.Selected)
    def _backup_selected(self, message: BackupTable.Selected) -> None:
        self.open_details(message.backup)

    def action_copy_id(self) -> None:
        backup = self._selected()
        if backup is not None:
            self.app.copy_to_clipboard(str(backup.id))
            copied = _("Copied the ID of backup {ref}").format(ref=backup_ref(backup.id))
            self.notify(copied, timeout=2)

    def action_copy_summary(self) -> None:
        backup = self._selected()
        if backup is not None:
            self.app.copy_to_clipboard(backup_summary(backup))
            self.notify(_("Copied: {summary}").format(summary=backup_summary(backup)), timeout=3)

    # --- the dialogs, and what the screen does with their answers --------------------------

    def open_create(self, server_id: int | None) -> None:
        """n: the create dialog, for `server_id` (None: the user picks)."""
        if self.app.writes_refused():
            return
        if not self.servers and server_id is None:
            self.notify(_("The server list has not loaded yet."), severity="warning")
            return
        from vpstui.ui.dialogs import CreateDialog

        servers = sorted(self.servers, key=lambda server: server.name.lower())
        dialog = CreateDialog(self.app.api, servers, server_id, self.app.clock)
        self.app.push_screen(dialog, self._create_answered)

    def _create_answered(self, result: CreateResult | None) -> None:
        if result is None:
            self.load_backups()  # the outcome may be unknown: re-read what is true
            return
        self.backup_created(result.backup)
        self.notify(
            safe_text(result.message or _("Backup started."), 300),
            title=_("Backup {ref} started").format(ref=backup_ref(result.backup.id)),
        )

    def open_delete(self, backup: Backup) -> None:
        """Delete: the confirmation dialog; the row goes once the API says it is gone."""
        if self.app.writes_refused():
            return
        from vpstui.ui.dialogs import DeleteDialog

        def answered(outcome: DeleteOutcome | None) -> None:
            self._delete_answered(backup, outcome)

        self.app.push_screen(DeleteDialog(self.app.api, backup, self.app.clock), answered)

    def _delete_answered(self, backup: Backup, outcome: DeleteOutcome | None) -> None:
        if outcome == "deleted":
            self.notify(
                _("Backup {ref} deleted.").format(ref=backup_ref(backup.id)), title=_("Deleted")
            )
        elif outcome == "gone":
            self.notify(
                _("Backup {ref} was already deleted (404); removed from the list.").format(
                    ref=backup_ref(backup.id)
                ),
                severity="warning",
            )
        if outcome is not None:
            self.backup_deleted(backup.id)

    def open_restore(self, backup: Backup) -> None:
        """R: the guarded restore dialog; a started restore is followed on this screen."""
        if self.app.writes_refused():
            return
        from vpstui.ui.dialogs.make_room import MakeRoomRestoreDialog

        poll = self.app.settings.poll_interval
        server = self.server(backup.server_id)
        dialog = MakeRoomRestoreDialog(
            self.app.api,
            backup,
            server,
            self.app.clock,
            poll_interval=poll,
            deleted=self.backups_deleted,
        )

        def answered(result: RestoreResult | None) -> None:
            self._restore_answered(backup, result, dialog)

        self.app.push_screen(dialog, answered)

    def _restore_answered(
        self, backup: Backup, result: RestoreResult | None, dialog: RestoreDialog
    ) -> None:
        """The closed `dialog` still says what it did: the safety backup, the status read
        before, and when the API accepted (it may have closed well after that)."""
        if result is None:
            self.load_backups()  # cancelled, or the answer was lost: show what is true
            return
        self.notify(
            safe_text(result.message or _("The API accepted the restore."), 300),
            title=_("Restore of {server} accepted").format(
                server=safe_text(backup.server_name, 40)
            ),
            timeout=15,
        )
        safety = dialog.safety_backup
        safety_backup_id = safety.id if safety is not None else None
        self.restore_started(
            backup,
            backup.server_name,
            safety_backup_id,
            dialog.status_before,
            dialog.no_safety_reason,
            accepted_at=dialog.accepted_at,
        )
        if safety_backup_id is not None:
            self.load_backups()  # show the safety backup's row

    def open_details(self, backup: Backup) -> None:
        """Enter: everything known about one backup."""
        from vpstui.ui.dialogs import DetailsDialog

        server = self.server(backup.server_id)
        manual = self.manual_count(backup.server_id)
        self.app.push_screen(
            DetailsDialog(self.app.api, backup, server, self.app.clock, manual_count=manual)
        )

    # --- what the screen does after a dialog ------------------------------------------------

    def backup_created(self, backup: Backup) -> None:
        self.table.add_backups([backup])
        self.table.move_cursor_to(backup.id)
        summary = self._summaries.get(backup.server_id)
        if summary is not None:  # until the next refresh says so itself
            summary.backups += 1
            summary.manual += 1
            summary.in_progress += 1
            summary.manual_in_progress += 1
            self._update_picker()
        self.watch_server(backup.server_id)
        self.schedule.soon(self._now())
        self._show_status()

    def backup_deleted(self, backup_id: int) -> None:
        """The API confirmed one backup gone (the delete dialog has said so)."""
        self._rows_deleted([backup_id])

    def backups_deleted(self, deleted: Sequence[int]) -> None:
        """The API confirmed `deleted` gone (a multi-delete)."""
        self._rows_deleted(deleted)

    def _rows_deleted(self, deleted: Sequence[int]) -> None:
        """Their rows go, and the facts of their servers with them (the picker said 121
        where the table said 120, until the re-read); then the list is re-read."""
        gone = set(deleted)
        servers = {b.server_id for bid, b in self.table.backups.items() if bid in gone}
        for backup_id in deleted:
            self.table.remove_backup(backup_id)
        if gone & self._all_cache.keys():
            self._all_cache = {k: v for k, v in self._all_cache.items() if k not in gone}
        self.refresh_facts(servers)
        self.load_backups()

    def restore_started(
        self,
        backup: Backup,
        server_name: str,
        safety_backup_id: int | None = None,
        status_before: str | None = None,
        no_safety: str | None = None,
        *,
        accepted_at: datetime | None = None,
    ) -> None:
        """The API accepted a restore (at `accepted_at`, when the core received the answer;
        None: now): follow the server's status (the core keeps the ledger)."""
        self.follower.restore_started(
            backup,
            server_name,
            accepted_at if accepted_at is not None else self._now(),
            status_before=status_before,
            safety_backup_id=safety_backup_id,
            no_safety=no_safety,
        )
        self.watch_server(backup.server_id)
        self.follow_restore(backup.server_id)
        self._show_status()

    def action_copy_incident(self) -> None:
        """I: copy the last restore's incident summary (who, what, when) to the clipboard."""
        incident = self.follower.current_incident()
        if incident is None:
            self.notify(_("No restore has been started from vpstui yet."), timeout=4)
            return
        self.app.copy_to_clipboard(incident.summary())
        self.notify(
            _("Copied the incident summary of {server}.").format(
                server=safe_text(incident.server_name, 40)
            )
        )

    def manual_count(self, server_id: int) -> int | None:
        """Manual backups of a server, if the loaded data covers all of them."""
        if self._loaded_scope in ((None, None), (server_id, None)):
            return sum(
                1 for b in self.table.backups.values() if b.server_id == server_id and b.is_manual
            )
        return None
