"""`DeleteDialog`: confirm deleting one backup, permanently.

Cancel has the focus, so Enter (or `n`, or Esc) backs out; only the Delete button or
`y` deletes. Answers "deleted", "gone" (the API said 404: someone else deleted it) or None.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Literal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from vpstui.api import MANUAL_BACKUP_LIMIT, ApiError, Backup, NotFoundError, VpsClient
from vpstui.clock import Clock
from vpstui.format import (
    absolute_time,
    backup_ref,
    human_size,
    relative_time,
    safe_text,
    status_text,
    type_text,
)
from vpstui.i18n import N_, _
from vpstui.ui.dialogs.base import AnswerLost, DialogBase
from vpstui.ui.dialogs.fields import field_line

__all__ = ["DeleteDialog", "DeleteOutcome"]

DeleteOutcome = Literal["deleted", "gone"]


class BackupDeleted(Message):
    """The API confirmed the deletion."""


class DeleteDialog(DialogBase[DeleteOutcome]):
    """Ask before deleting `backup`; answers "deleted", "gone" or None (cancelled)."""

    TITLE_TEXT = N_("Delete backup")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", N_("Delete")),
        Binding("n", "cancel", N_("Cancel"), show=False),
        Binding("n", "refused_cancel", show=False),  # as Esc: says why it is refused
    ]

    def __init__(self, client: VpsClient, backup: Backup, clock: Clock) -> None:
        super().__init__()
        self.client = client
        self.backup = backup
        self.clock = clock
        #: A re-check after a lost answer found the backup gone.
        self._gone = False

    @property
    def deletable(self) -> bool:
        """False for a backup still being made: the API refuses to delete those."""
        return not self.backup.in_progress

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self._facts(self.clock.now()), id="facts")

    def refresh_times(self, now: datetime) -> None:
        self.query_one("#facts", Static).update(self._facts(now))

    def _facts(self, now: datetime) -> Text:
        backup = self.backup
        kind = type_text(backup.backup_type)
        age = _("{when} ({ago})").format(
            when=absolute_time(backup.created_at), ago=relative_time(backup.created_at, now)
        )
        server = _("{name} (id {id})").format(
            name=safe_text(backup.server_name), id=backup.server_id
        )
        lines = [
            field_line(_("ID"), backup_ref(backup.id)),
            field_line(_("Server"), server),
            field_line(_("Type"), kind),
            field_line(_("Status"), status_text(backup.status)),
            field_line(_("Size"), human_size(backup.size_mb)),
            field_line(_("Created"), age),
            field_line(_("Description"), safe_text(backup.description or "—")),
        ]
        return Text("\n").join(lines)

    def compose_footer(self) -> Iterable[Widget]:
        backup = self.backup
        if not self.deletable:
            yield Static(
                Text(
                    _(
                        "This backup is still in progress and cannot be deleted yet. "
                        "Wait for it to finish, then try again."
                    )
                ),
                classes="warning",
                id="why-not",
            )
            return
        warning = _("Deleting a backup is permanent and cannot be undone.")
        if backup.is_manual:
            warning = _(
                "Deleting a backup is permanent and cannot be undone. "
                "It frees one of the server's {limit} manual backup slots."
            ).format(limit=MANUAL_BACKUP_LIMIT)
        yield Static(Text(warning), classes="danger", id="warning")

    def compose_buttons(self) -> Iterable[Widget]:
        if self.deletable:
            yield Button(_("Cancel"), id="cancel")
            yield Button(_("Delete"), id="confirm", variant="error")
        else:
            yield Button(_("Close"), id="cancel")

    def prepare(self) -> None:
        if not self.deletable:
            self._close_only = True
        self.query_one("#cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer's `y Delete`: dimmed while the request is on its way, left out when
        nothing may be sent from the dialog (still in progress, or close-only)."""
        if action != "confirm":
            return super().check_action(action, parameters)
        if not self.deletable or self.close_only:
            return False
        return None if self.in_flight else True

    def action_confirm(self) -> None:
        """Delete (the Delete button or `y`). Ignored while in flight or when not deletable."""
        if not self.deletable:
            return
        mutations = self.mutations(self.client, self.clock)

        async def delete() -> Message:
            sent = await mutations.delete_backup(self.backup)
            return BackupDeleted() if sent.answer else AnswerLost(sent)

        self.send(delete)

    def on_backup_deleted(self, event: BackupDeleted) -> None:
        event.stop()
        self.request_done()
        self.dismiss("deleted")

    def answer_lost(self, event: AnswerLost) -> None:
        self._gone = event.sent.done is True

    def action_cancel(self) -> None:
        """Close; a deletion confirmed after a lost answer is reported as done."""
        if self._gone and not self.in_flight:
            self.dismiss("deleted")
            return
        super().action_cancel()

    def handle_failure(self, error: ApiError) -> None:
        if isinstance(error, NotFoundError):
            self.dismiss("gone")  # someone else deleted it; the caller says so
            return
        super().handle_failure(error)

    def describe_failure(self, error: ApiError) -> str:
        if error.outcome_unknown:
            lost = _(
                "The answer was lost; the backup may or may not have been deleted. "
                "Refresh the list to see."
            )
            return f"{error} {lost}"
        return str(error)
