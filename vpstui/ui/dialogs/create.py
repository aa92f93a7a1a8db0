"""`CreateDialog`: start a manual backup of one server, with an optional description.

It shows the server's manual-backup quota before anything is sent and refuses to send
at 10 of 10 (the API's limit), says when a description is too long instead of cutting
it, and answers the API's `CreateResult` (or None when cancelled or closed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from vpstui.api import MANUAL_BACKUP_LIMIT, ApiError, Backup, CreateResult, Server, VpsClient
from vpstui.clock import Clock
from vpstui.format import absolute_time, parenthetical, safe_text
from vpstui.i18n import N_, _
from vpstui.ui.dialogs.base import AnswerLost, DialogBase, ManualBackupsRead

__all__ = ["DESCRIPTION_LIMIT", "CreateDialog", "quota_text"]

#: The API refuses longer descriptions.
DESCRIPTION_LIMIT = 255

TOO_LONG = N_("Descriptions can be at most {limit} characters (API limit)")
LOST_ANSWER = N_(
    "The answer was lost; the backup may or may not have been created. Refresh the list to see."
)


def quota_text(manual: list[Backup]) -> str:
    """What the quota line says for a server with these manual backups."""
    count = len(manual)
    running = sum(1 for backup in manual if backup.in_progress)
    if count >= MANUAL_BACKUP_LIMIT:
        never = datetime.max.replace(tzinfo=UTC)
        oldest = min(manual, key=lambda b: (b.created_at or never, b.id))
        when = absolute_time(oldest.created_at)
        if oldest.description:
            about = _("#{id} from {when}, “{description}”").format(
                id=oldest.id, when=when, description=safe_text(oldest.description, 40)
            )
        else:
            about = _("#{id} from {when}").format(id=oldest.id, when=when)
        return _(
            "This server has {count} of {limit} manual backups — the API's "
            "limit. Delete a manual backup first (oldest: {about})."
        ).format(count=count, limit=MANUAL_BACKUP_LIMIT, about=about)
    if running:
        return _("Manual backups: {count} of {limit} ({running} in progress)").format(
            count=count, limit=MANUAL_BACKUP_LIMIT, running=running
        )
    return _("Manual backups: {count} of {limit}").format(count=count, limit=MANUAL_BACKUP_LIMIT)


class BackupCreated(Message):
    """The API accepted the new backup."""

    def __init__(self, result: CreateResult) -> None:
        super().__init__()
        self.result = result


class CreateDialog(DialogBase[CreateResult]):
    """Create a manual backup of `server_id`, or of a server chosen from `servers`."""

    TITLE_TEXT = N_("Create a manual backup")

    def __init__(
        self,
        client: VpsClient,
        servers: list[Server],
        server_id: int | None,
        clock: Clock,
    ) -> None:
        super().__init__()
        self.client = client
        self.servers = list(servers)
        self.fixed_server_id = server_id
        self.clock = clock
        #: The server id whose quota is shown, and whether it is full / known.
        self._quota_server: int | None = None
        self._quota_full = False
        #: True while the quota is being read: Create waits for it (at 10 of 10 it must
        #: explain instead of sending a request the API will refuse).
        self._quota_checking = False
        #: The backup a re-check found after a lost answer (closing reports it as created).
        self._confirmed: Backup | None = None

    # -- layout --------------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        yield Static(Text(_("Server:")), classes="hint")
        if self.fixed_server_id is not None:
            yield Static(Text(self._server_label(self.fixed_server_id)), id="server")
        else:
            options = [(Text(safe_text(s.name, 60)), s.id) for s in self.servers]
            only = self.servers[0].id if len(self.servers) == 1 else Select.NULL
            yield Select[int](options, prompt=_("Choose a server"), value=only, id="server-choice")
        yield Static(Text(_("Description (optional):")), classes="label hint")
        yield Input(placeholder=_("e.g. Before the PHP 8.3 upgrade"), id="description")
        yield Static(Text(f"0/{DESCRIPTION_LIMIT}"), id="counter")
        yield Static(Text(""), id="quota")

    def compose_buttons(self) -> Iterable[Widget]:
        yield Button(_("Cancel"), id="cancel")
        yield Button(_("Create"), id="confirm", variant="primary")

    def prepare(self) -> None:
        if self.fixed_server_id is None and not self.servers:
            self.show_error(_("No servers are known, so there is nothing to back up."))
            self.make_close_only()
            return
        if self.fixed_server_id is None:
            self.query_one("#server-choice", Select).focus()
        else:
            self.query_one("#description", Input).focus()
        self._load_quota()

    def _server_label(self, server_id: int) -> str:
        for server in self.servers:
            if server.id == server_id:
                return _("{name} (id {id})").format(name=safe_text(server.name), id=server_id)
        return _("server {id} (id {id})").format(id=server_id)

    # -- state ---------------------------------------------------------------------------

    @property
    def server_id(self) -> int | None:
        """The server to back up: the fixed one, or the one chosen (None if none yet)."""
        if self.fixed_server_id is not None:
            return self.fixed_server_id
        value = self.query_one("#server-choice", Select).value
        return value if isinstance(value, int) else None

    @property
    def description(self) -> str:
        """The description as it will be sent (surrounding whitespace removed)."""
        return self.query_one("#description", Input).value.strip()

    def blocker(self) -> str | None:
        """Why Create cannot be sent right now, or None if it can."""
        if self.server_id is None:
            return _("Choose a server first.")
        if len(self.description) > DESCRIPTION_LIMIT:
            return _(TOO_LONG).format(limit=DESCRIPTION_LIMIT)
        if self._quota_checking:
            return _("Checking the server's manual backup quota…")
        if self._quota_full and self._quota_server == self.server_id:
            return _("This server already has {limit} manual backups; delete one first.").format(
                limit=MANUAL_BACKUP_LIMIT
            )
        return None

    def update_controls(self) -> None:
        super().update_controls()
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.disabled = self.blocker() is not None

    # -- quota ---------------------------------------------------------------------------

    def _load_quota(self) -> None:
        server_id = self.server_id
        quota = self.query_one("#quota", Static)
        quota.remove_class("-full")
        self._quota_full = False
        self._quota_server = server_id
        self._quota_checking = server_id is not None
        if server_id is None:
            quota.update(Text(""))
            self.update_controls()
            return
        quota.update(Text(_("Manual backups: checking…")))
        self.update_controls()
        self.read_manual_backups(self.client, server_id)

    def on_manual_backups_read(self, event: ManualBackupsRead) -> None:
        event.stop()
        if event.server_id != self.server_id:
            return  # an answer for a server no longer chosen
        self._quota_checking = False
        self.call_after_refresh(self._answer_early_enter)
        if event.manual is None:
            self.query_one("#quota", Static).update(
                Text(
                    _(
                        "Could not check the manual backup quota {why}. "
                        "You can still create; the API enforces its limit."
                    ).format(why=parenthetical(event.error))
                )
            )
            self.update_controls()
            return
        manual = event.manual
        self._quota_full = len(manual) >= MANUAL_BACKUP_LIMIT
        quota = self.query_one("#quota", Static)
        quota.update(Text(quota_text(manual)))
        quota.set_class(self._quota_full, "-full")
        self.update_controls()

    def _answer_early_enter(self) -> None:
        self.answer_early_enter(self.blocker() or _("The quota is checked: press Enter to create."))

    # -- events --------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._load_quota()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        length = len(event.value.strip())
        counter = self.query_one("#counter", Static)
        over = length > DESCRIPTION_LIMIT
        count = f"{length}/{DESCRIPTION_LIMIT}"
        too_long = _(TOO_LONG).format(limit=DESCRIPTION_LIMIT)
        counter.update(Text(f"{too_long} — {count}" if over else count))
        counter.set_class(over, "-over")
        self.update_controls()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        """Send the create request, if allowed; otherwise say why not."""
        if self.in_flight:
            self.show_note(_("Request in flight… wait for the answer."))
            return
        if self.close_only:
            return
        reason = self.blocker()
        if reason is not None:
            if self._quota_checking:  # answered once the quota is known
                self.note_too_early(reason)
            else:
                self.show_note(reason)
            return
        server_id = self.server_id
        description = self.description or None
        assert server_id is not None  # blocker() checked it
        # The name the audit log records: the API's, else English (records stay English).
        name = next((s.name for s in self.servers if s.id == server_id), f"server {server_id}")
        mutations = self.mutations(self.client, self.clock)

        async def create() -> Message:
            sent = await mutations.create_backup(server_id, name, description)
            return BackupCreated(sent.answer) if sent.answer is not None else AnswerLost(sent)

        self.send(create)

    def on_backup_created(self, event: BackupCreated) -> None:
        event.stop()
        self.request_done()
        self.dismiss(event.result)

    def answer_lost(self, event: AnswerLost) -> None:
        check = event.sent.check
        if check is not None and check.done and check.backup is not None:
            self._confirmed = check.backup

    def action_cancel(self) -> None:
        """Close; a backup confirmed after a lost answer is reported as created."""
        if self._confirmed is not None and not self.in_flight:
            self.dismiss(CreateResult(self._confirmed, _("Created (confirmed by re-reading).")))
            return
        super().action_cancel()

    def describe_failure(self, error: ApiError) -> str:
        if error.outcome_unknown:
            return f"{error} {_(LOST_ANSWER)}"
        return str(error)
