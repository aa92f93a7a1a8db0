"""The restore dialog with "Make room…": when the server's manual quota is full (no safety
backup possible), a button opens the multi-delete dialog with the oldest manual backups
proposed by the shared pruning rule (`plan_room`: one slot freed is enough for a safety
backup, and backups still being created take a slot too). Nothing is deleted without that
dialog's typed count; afterwards the restore dialog reads the quota again (and ticks the
safety backup again if it can).

The button reads the server's manual backups again before it proposes anything, and the
quota line is redrawn from that same read: the list read when the dialog opened may be
stale by then (backups deleted or started elsewhere), and the proposal must never
contradict what the dialog shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widget import Widget
from textual.widgets import Button, Checkbox

from vpstui.api import Backup, Server, VpsClient
from vpstui.api.models import MANUAL_BACKUP_LIMIT
from vpstui.clock import Clock
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.pruning import plan_room
from vpstui.ui.dialogs.base import ManualBackupsRead
from vpstui.ui.dialogs.fitting import TOO_SMALL
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog, MultiDeleteResult
from vpstui.ui.dialogs.restore import RestoreDialog

__all__ = ["MakeRoomRestoreDialog"]


class MakeRoomRestoreDialog(RestoreDialog):
    """`RestoreDialog`, plus "Make room…" while the manual quota is full."""

    def __init__(
        self,
        client: VpsClient,
        backup: Backup,
        server: Server | None,
        clock: Clock,
        *,
        poll_interval: float = 5.0,
        deleted: Callable[[list[int]], None] | None = None,
    ) -> None:
        super().__init__(client, backup, server, clock, poll_interval=poll_interval)
        #: Told the ids "Make room…" deleted (the screen removes their rows).
        self._deleted = deleted
        #: The server's manual backups as last read (None: not read, or reading failed).
        self.manual: list[Backup] | None = None
        #: "Make room…" was pressed and its fresh read of the manual backups is awaited.
        self._room_asked = False

    def compose_buttons(self) -> Iterable[Widget]:
        if self.refusal() is None:
            room = Button(_("Make room…"), id="make-room")
            room.display = False
            yield room
        yield from super().compose_buttons()

    def on_manual_backups_read(self, event: ManualBackupsRead) -> None:
        was_full = self._safety_possible is False
        super().on_manual_backups_read(event)
        event.prevent_default()  # the handler above has run; not again from the MRO walk
        self.manual = event.manual
        full = self._safety_possible is False
        room = self.query_one("#make-room", Button)
        if not full and room.has_focus:
            self.query_one("#confirm-name").focus()  # the button goes: type the name next
        room.display = full
        if was_full and not full and self.safety_first:
            self.query_one("#safety", Checkbox).value = True  # a slot is free again
            self._wants_safety = True
            self._show_safety_line()
            self.update_controls()
        if self._room_asked:
            self._room_asked = False
            self.show_note(_(TOO_SMALL) if self._too_small else None)  # not "Reading…"
            if full and event.manual is not None:
                self._propose(event.manual)  # the list the quota line now shows
            elif event.manual is not None:
                self.show_note(_("A slot is free now: no need to make room."))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "make-room":
            return  # DialogBase's handler (next in the MRO) answers the others
        event.stop()
        event.prevent_default()
        self.make_room()

    def make_room(self) -> None:
        """Read the manual backups again; the proposal follows from that read."""
        if self.in_flight or self.close_only or self._room_asked:
            return
        self._room_asked = True
        self.show_note(_("Reading the manual backups again…"))
        self.read_manual_backups(self.client, self.backup.server_id)

    def _propose(self, manual: list[Backup]) -> None:
        """Open the multi-delete dialog with the oldest of `manual` proposed."""
        if self.in_flight or self.close_only:
            return  # the restore was sent meanwhile: nothing to make room for
        plan = plan_room(
            manual,
            self.backup.server_id,
            limit=MANUAL_BACKUP_LIMIT,
            now=self.clock.now(),
            restoring=self.backup.id,  # never the backup this dialog restores from
        )
        if not plan.delete:
            self.show_note(_("No manual backup of this server can be deleted now."))
            return
        intro = _(
            "The manual backup quota of {server} is full ({used} of {limit}). Deleting the "
            "oldest frees room for a safety backup. Nothing is deleted until you type the count."
        ).format(server=safe_text(self.server_name), used=len(manual), limit=MANUAL_BACKUP_LIMIT)

        def answered(result: MultiDeleteResult | None) -> None:
            if result is not None and result.deleted and self._deleted is not None:
                self._deleted(result.deleted)
            self.read_manual_backups(self.client, self.backup.server_id)

        dialog = MultiDeleteDialog(self.client, plan.delete, self.clock, intro=intro)
        self.app.push_screen(dialog, answered)
