"""`DetailsDialog`: everything known about one backup, read-only.

Esc, Enter or `q` close it; `c` copies the backup's ID and `C` a one-line summary, as on
the main screen.
Every API string is shown literally (a description like "[bold]x[/]" stays as typed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Button, Static

from vpstui.api import MANUAL_BACKUP_LIMIT, Backup, Server, VpsClient
from vpstui.clock import Clock
from vpstui.format import (
    absolute_time,
    backup_ref,
    backup_summary,
    expiring_soon,
    human_size,
    parenthetical,
    relative_time,
    safe_text,
    status_text,
    type_text,
)
from vpstui.i18n import N_, _
from vpstui.ui.dialogs.base import DialogBase, ManualBackupsRead
from vpstui.ui.dialogs.fields import label_cell

__all__ = ["DetailsDialog", "backup_summary"]

LABEL_WIDTH = 13


def _mb(size_mb: float) -> str:
    return f"{size_mb:,.0f} MB" if size_mb.is_integer() else f"{size_mb:,.1f} MB"


def _at(when: datetime | None, now: datetime) -> str:
    """ "2025-01-16 03:00 UTC (13h ago)"."""
    return _("{when} ({ago})").format(when=absolute_time(when), ago=relative_time(when, now))


class DetailsDialog(DialogBase[None]):
    """Every field of `backup` (and its server, when known), with the manual quota."""

    TITLE_TEXT = N_("Backup details")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "cancel", N_("Close"), show=False),
        Binding("q", "cancel", N_("Close"), show=False),
        Binding("escape", "cancel", N_("Close")),
        Binding("c", "copy_id", N_("Copy ID")),
        Binding("C", "copy_summary", N_("Copy summary")),
    ]

    def __init__(
        self,
        client: VpsClient,
        backup: Backup,
        server: Server | None,
        clock: Clock,
        manual_count: int | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.backup = backup
        self.server = server
        self.clock = clock
        self.manual_count = manual_count

    # -- layout --------------------------------------------------------------------------

    @staticmethod
    def _line(label: str, value: str) -> Text:
        return Text.assemble((label_cell(label, LABEL_WIDTH), "bold"), value)

    def _row(self, key: str, label: str, value: str, *, classes: str = "") -> Static:
        return Static(self._line(label, value), id=f"field-{key}", classes=classes)

    def compose_body(self) -> Iterable[Widget]:
        backup, server = self.backup, self.server
        now = self.clock.now()
        where = _("{name} (id {id})").format(
            name=safe_text(backup.server_name), id=backup.server_id
        )
        if server is not None:
            extras = [
                status_text(server.status),
                safe_text(server.hostname) if server.hostname else _("no hostname"),
                safe_text(server.ip_address) if server.ip_address else _("no IP address"),
            ]
            named = _("{name} (id {id})").format(name=safe_text(server.name), id=server.id)
            where = _("{server}, {status}, {hostname}, {ip}").format(
                server=named, status=extras[0], hostname=extras[1], ip=extras[2]
            )
        size = human_size(backup.size_mb)
        if backup.size_mb is not None:
            size = _("{size} ({exact})").format(size=size, exact=_mb(backup.size_mb))
        elif backup.in_progress:
            size = _("{size} (not known until the backup finishes)").format(size=size)
        created, expires, soon = self._times(now)
        kind = type_text(backup.backup_type) if backup.backup_type else _("unknown")
        yield self._row("id", _("ID"), backup_ref(backup.id))
        yield self._row("server", _("Server"), where)
        yield self._row("type", _("Type"), kind)
        yield self._row("status", _("Status"), status_text(backup.status))
        yield self._row("size", _("Size"), size)
        yield self._row("created", _("Created"), created)
        yield self._row("expires", _("Expires"), expires, classes="expiring" if soon else "")
        yield self._row("quota", _("Quota"), self._quota_text(self.manual_count))
        yield Static(Text(_("Description:"), style="bold"), classes="label")
        yield Static(Text(safe_text(backup.description) or "—"), id="field-description")

    def _times(self, now: datetime) -> tuple[str, str, bool]:
        """(created, expires, expiring soon) as the Created and Expires rows word them."""
        backup = self.backup
        created = _at(backup.created_at, now)
        soon = False
        if backup.expires_at is not None:
            expires = _at(backup.expires_at, now)
            if backup.expires_at <= now:
                expires = _("{when} — expired").format(when=expires)
            soon = expiring_soon(backup, now)
        elif backup.is_manual:
            expires = _("never (manual backups do not expire)")
        else:
            expires = _("unknown")
        return created, expires, soon

    def refresh_times(self, now: datetime) -> None:
        created, expires, soon = self._times(now)
        self.query_one("#field-created", Static).update(self._line(_("Created"), created))
        field = self.query_one("#field-expires", Static)
        field.update(self._line(_("Expires"), expires))
        field.set_class(soon, "expiring")

    def compose_buttons(self) -> Iterable[Widget]:
        yield Button(_("Copy ID (c)"), id="copy")
        yield Button(_("Close"), id="cancel")

    def prepare(self) -> None:
        self.query_one("#cancel", Button).focus()
        if self.manual_count is None:
            self.query_one("#field-quota", Static).update(self._line(_("Quota"), _("checking…")))
            self.read_manual_backups(self.client, self.backup.server_id)

    def _quota_text(self, count: int | None) -> str:
        if count is None:
            return _("unknown")
        return _("{count} of {limit} manual backups on this server").format(
            count=count, limit=MANUAL_BACKUP_LIMIT
        )

    def on_manual_backups_read(self, event: ManualBackupsRead) -> None:
        event.stop()
        self.manual_count = len(event.manual) if event.manual is not None else None
        text = self._quota_text(self.manual_count)
        if event.error is not None:
            text = _("could not be read {why}").format(why=parenthetical(event.error))
        self.query_one("#field-quota", Static).update(self._line(_("Quota"), text))

    # -- actions -------------------------------------------------------------------------

    def action_copy_id(self) -> None:
        """Copy the backup's ID, as `c` does on the main screen."""
        self.app.copy_to_clipboard(str(self.backup.id))
        self.show_note(_("Copied the ID of backup {ref}.").format(ref=backup_ref(self.backup.id)))

    def action_copy_summary(self) -> None:
        """Copy a one-line summary, as `C` does on the main screen."""
        self.app.copy_to_clipboard(backup_summary(self.backup))
        self.show_note(_("Copied: {summary}").format(summary=backup_summary(self.backup)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "copy":
            event.stop()
            self.action_copy_id()
