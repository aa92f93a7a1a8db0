"""`RestoreDialog`: overwrite a server's disk with one of its backups, after typing its name.

The Restore button stays disabled until the server's name is typed exactly (case-sensitive,
surrounding spaces ignored). Answers the API's `RestoreResult` once the restore was
accepted, or None. A restore that cannot or must not be sent leaves only "Close".
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static

from vpstui.api import ApiError, Backup, RestoreResult, Server, VpsClient
from vpstui.api.models import MANUAL_BACKUP_LIMIT
from vpstui.clock import Clock
from vpstui.format import (
    absolute_time,
    human_size,
    parenthetical,
    relative_time,
    safe_text,
    status_text,
)
from vpstui.i18n import N_, _
from vpstui.operations import SafetyStopped, WaitPolicy, quota_verdict, restore_with_safety
from vpstui.ui.dialogs.fitting import TOO_SMALL, make_compact, safety_line, span_fits
from vpstui.ui.dialogs.messages import (
    AnswerLost,
    ManualBackupsRead,
    RequestFailed,
    RestoreStarted,
    SafetyProgress,
)
from vpstui.ui.dialogs.typed import TypedDialog
from vpstui.ui.widgets.tickbox import TickBox

__all__ = ["RestoreDialog", "restore_headline"]

OVERWRITE_WARNING = N_(
    "The server's current disk will be overwritten. "
    "Everything written since the backup was taken will be lost."
)
MAYBE_STARTED = N_(
    "The answer was lost: the restore may have started. "
    "Check the server's status before trying again."
)


def restore_headline(backup: Backup, server_name: str, now_age: str) -> str:
    """ "Restore web-server-01 (id 12345) from backup #501, created 2025-01-16 03:00 UTC
    (3 days ago), 4.4 GiB"."""
    return _(
        "Restore {name} (id {server_id}) from backup #{backup_id}, "
        "created {created} ({age}), {size}"
    ).format(
        name=safe_text(server_name),
        server_id=backup.server_id,
        backup_id=backup.id,
        created=absolute_time(backup.created_at),
        age=now_age,
        size=human_size(backup.size_mb),
    )


class RestoreDialog(TypedDialog[RestoreResult]):
    """Confirm restoring `backup` onto its server by typing the server's name."""

    TITLE_TEXT = N_("Restore a backup")

    def __init__(
        self,
        client: VpsClient,
        backup: Backup,
        server: Server | None,
        clock: Clock,
        *,
        poll_interval: float = 5.0,
        max_wait: float = 2 * 3600.0,
        safety_first: bool = True,
    ) -> None:
        super().__init__()
        self.client = client
        self.backup = backup
        self.server = server
        self.clock = clock
        self.server_name = server.name if server is not None else backup.server_name
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        #: Whether "take a safety backup first" starts ticked (when the quota allows).
        self.safety_first = safety_first
        #: The safety backup taken before the restore (once created).
        self.safety_backup: Backup | None = None
        #: The server's status read just before the restore was sent (None: not known).
        self.status_before: str | None = None
        #: When the API's acceptance was received (the operations core's clock): the
        #: dialog may close later (it waits to be on top again), and the restore's time
        #: counts from the answer, not from the close.
        self.accepted_at: datetime | None = None
        #: None until the quota is known; then whether a safety backup is possible.
        self._safety_possible: bool | None = None
        #: The safety checkbox, as last ticked: read by whoever opened the dialog after it
        #: closed, when its widgets are gone.
        self._wants_safety = safety_first
        self._waiting = False
        self._stop = asyncio.Event()
        #: What the quota look-up found, for the line under the checkbox.
        self._quota_text = ""
        #: The headline, the checkbox and the input cannot all be seen at once.
        self._too_small = False

    def refusal(self) -> str | None:
        """Why this restore must not be sent at all, or None."""
        backup, server = self.backup, self.server
        name = safe_text(self.server_name)
        if server is not None and server.id != backup.server_id:
            return _(
                "Backup #{id} belongs to another server; it cannot be restored onto {name}."
            ).format(id=backup.id, name=name)
        if not backup.is_completed:
            return _("Backup #{id} is {status}: only completed backups can be restored.").format(
                id=backup.id, status=status_text(backup.status)
            )
        if server is not None and server.status == "restoring":
            return _("A restore of {name} is already running. Wait for it to finish.").format(
                name=name
            )
        return None

    # -- layout --------------------------------------------------------------------------

    def _headline(self, now: datetime) -> Text:
        age = relative_time(self.backup.created_at, now)
        return Text(restore_headline(self.backup, self.server_name, age))

    def refresh_times(self, now: datetime) -> None:
        self.query_one("#headline", Static).update(self._headline(now))

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self._headline(self.clock.now()), id="headline")
        if self.backup.description:
            yield Static(Text(f"“{safe_text(self.backup.description)}”"), classes="hint")
        if self.refusal() is not None:
            return
        if self.server is not None and self.server.status == "stopped":
            yield Static(
                Text(
                    _(
                        "{name} is stopped. It will be restored anyway; the API decides "
                        "whether it starts afterwards."
                    ).format(name=safe_text(self.server_name))
                ),
                classes="warning",
                id="stopped",
            )
        yield TickBox(
            _("Take a safety backup first (recommended)"), value=self.safety_first, id="safety"
        )
        checking = Text(_("Checking the manual backup quota…"))
        yield Static(checking, id="safety-status", classes="hint")
        yield Static(Text(_("Type the server name to confirm:")), classes="label")
        # Not the name itself as placeholder: dim text there looked already typed in.
        yield Input(placeholder=_("type the server name here"), id="confirm-name")

    def compose_footer(self) -> Iterable[Widget]:
        refusal = self.refusal()
        if refusal is not None:
            yield Static(Text(refusal), classes="warning", id="refusal")
        else:
            yield Static(Text(_(OVERWRITE_WARNING)), classes="danger", id="warning")

    def compose_buttons(self) -> Iterable[Widget]:
        if self.refusal() is not None:
            yield Button(_("Close"), id="cancel")
            return
        yield Button(_("Cancel"), id="cancel")
        yield Button(_("Restore"), id="confirm", variant="error")

    def prepare(self) -> None:
        if self.refusal() is not None:
            self._close_only = True
            self.query_one("#cancel", Button).focus()
        else:
            self.query_one("#confirm-name", Input).focus()
            self.read_manual_backups(self.client, self.backup.server_id)
            # Lines change length after layout (the quota line, a refusal note): check
            # again that everything that must be seen together still is.
            self.set_interval(0.25, self.layout_changed)

    def layout_changed(self) -> None:
        """What is restored, the safety option and the name input must be seen together:
        show them, or refuse to arm Restore until the terminal is big enough."""
        parts = [
            self.query(selector) for selector in ("#dialog-body", "#headline", "#confirm-name")
        ]
        if self.close_only or not self.is_attached or not all(parts):
            return  # closing: its widgets may be gone already
        body, headline, name = (part.first() for part in parts)
        too_small = not span_fits(body, headline, name)
        if too_small and not self.has_class("-short"):
            make_compact(self, True)  # first try the compact layout (checked again shortly)
            return
        if not too_small:
            body.scroll_to(y=headline.virtual_region.y, animate=False, immediate=True)
        if too_small != self._too_small:
            self._too_small = too_small
            self.show_note(_(TOO_SMALL) if too_small else None)
            self.update_controls()

    # -- the safety backup ---------------------------------------------------------------

    def on_manual_backups_read(self, event: ManualBackupsRead) -> None:
        event.stop()
        safety = self.query_one("#safety", Checkbox)
        if event.manual is None:
            self._safety_possible = True  # the API will say if it is not
            self._quota_text = _("Could not read the manual backup quota {why}.").format(
                why=parenthetical(event.error)
            )
        else:
            self._safety_possible, verdict = quota_verdict(event.manual, self.backup.id)
            self._quota_text = _("{count} of {limit} manual backups in use.").format(
                count=len(event.manual), limit=MANUAL_BACKUP_LIMIT
            )
            if not self._safety_possible:
                safety.value = self._wants_safety = False
                self._quota_text = verdict
        self._show_safety_line()
        self.update_controls()

    def _show_safety_line(self) -> None:
        """The line under the checkbox says what the box's state means, ticked or not."""
        text = safety_line(self._safety_possible, self.wants_safety, self._quota_text)
        if text is not None:  # else still "Checking the manual backup quota…"
            self.query_one("#safety-status", Static).update(Text(text))
            self.answer_early_enter(_("The quota is checked: press Enter to restore."))

    @property
    def no_safety_reason(self) -> str | None:
        """Why no safety backup is taken ("quota full", "unticked"), or None if one is."""
        if self._safety_possible is False:
            return "quota full"
        if not self.wants_safety:
            return "unticked"
        return None

    @property
    def wants_safety(self) -> bool:
        return self._wants_safety

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id == "safety":
            self._wants_safety = event.value
        self.show_note(None)
        if not self.in_flight:
            self._show_safety_line()
        self.update_controls()

    def on_safety_progress(self, event: SafetyProgress) -> None:
        event.stop()
        if not self._stop.is_set():
            self.show_note(None)  # not "Sending…": the status line says what is going on
        self.query_one("#safety-status", Static).update(Text(safe_text(event.text)))

    @property
    def cancel_refused(self) -> bool:
        """Esc stops the wait for the safety backup (once); the restore itself, once on
        its way, must be waited for."""
        return self.in_flight and not (self._waiting and not self._stop.is_set())

    def key_description(self, action: str) -> str | None:
        """While the safety backup is waited for, esc stops waiting (the note says so)."""
        if action == "cancel" and self.in_flight and self._waiting:
            return _("Stop waiting")
        return super().key_description(action)

    def _set_waiting(self, waiting: bool) -> None:
        """Whether Esc may still stop the restore being sent (the footer follows)."""
        self._waiting = waiting
        self.refresh_bindings()

    def action_cancel(self) -> None:
        """Esc while waiting for the safety backup stops waiting (nothing is in flight then)."""
        if self.in_flight and self._waiting:
            self._stop.set()
            self.show_note(_("Stopping: the restore will not be sent…"))
            self.refresh_bindings()  # asked once: the footer dims esc (`cancel_refused`)
            return
        super().action_cancel()

    def on_request_failed(self, event: RequestFailed) -> None:
        if not isinstance(event.error, SafetyStopped):
            super().on_request_failed(event)
            return
        # The restore was never sent (the operations core audited the safety backup), and
        # the user may decide again (e.g. restore without a safety backup).
        event.stop()
        self._waiting = False
        self._stop.clear()
        self.request_done()
        self.show_error(str(event.error))

    # -- state ---------------------------------------------------------------------------

    @property
    def name_matches(self) -> bool:
        """True when the typed name is the server's name exactly (spaces around ignored)."""
        typed = self.query_one("#confirm-name", Input).value.strip()
        return typed == self.server_name.strip()

    def update_controls(self) -> None:
        super().update_controls()
        if self.close_only:
            return
        safety = self.query_one("#safety", Checkbox)
        safety.disabled = self.in_flight or self._safety_possible is False
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.disabled = not self.name_matches or self._safety_unknown or self._too_small

    @property
    def _safety_unknown(self) -> bool:
        """A safety backup is wanted but the quota is not known yet."""
        return self.wants_safety and self._safety_possible is None

    # -- events --------------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Send the restore if the name matches; otherwise say what to type."""
        if self.in_flight:
            self.show_note(_("Request in flight… wait for the answer."))
            return
        if self.close_only:
            return
        if self._too_small:
            self.show_note(_(TOO_SMALL))
            return
        if not self.name_matches:
            self.show_note(
                _("Type {name} exactly to enable Restore").format(name=safe_text(self.server_name))
            )
            return
        if self._safety_unknown:
            self.note_too_early(_("Checking the manual backup quota… a moment."))
            return
        mutations = self.mutations(self.client, self.clock)
        safety = self.wants_safety
        policy = WaitPolicy(self.poll_interval, self.max_wait)
        hint = self.server.status if self.server is not None else None

        def sending() -> None:
            self._set_waiting(False)  # the restore itself is on its way: Esc must wait now

        async def restore() -> Message:
            self._set_waiting(safety)
            try:
                _, sent = await restore_with_safety(
                    mutations,
                    self.backup,
                    self.server_name,
                    safety=safety,
                    policy=policy,
                    status_hint=hint,
                    stop=self._stop,
                    progress=self._progress,
                    created=self._safety_created,
                    sending=sending,
                )
            finally:
                self._set_waiting(False)
            self.status_before = sent.operation.status_before
            self.accepted_at = sent.answered_at
            if sent.answer is not None:
                return RestoreStarted(sent.answer)
            return AnswerLost(sent)

        self.send(restore)

    def _progress(self, text: str) -> None:
        self.post_message(SafetyProgress(text))

    def _safety_created(self, backup: Backup) -> None:
        self.safety_backup = backup

    def on_restore_started(self, event: RestoreStarted) -> None:
        event.stop()
        self.request_done()
        self.dismiss(event.result)

    def describe_failure(self, error: ApiError) -> str:
        if error.outcome_unknown:
            return f"{error} {_(MAYBE_STARTED)}"
        return str(error)
