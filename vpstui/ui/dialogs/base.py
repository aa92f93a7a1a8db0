"""What every vpstui dialog shares: Esc cancels, one request at a time, errors shown in place.

A dialog subclasses `DialogBase`, builds its body in `compose_body()`, and starts its one
request with `send()`. While the request is in flight every control is disabled, a second
`send()` is ignored (a flag, not only `disabled`), and Esc is refused with a note so the
answer is not lost. A failed request shows `str(error)` in red and gives the controls back;
after a lost answer the dialog says what re-reading the API showed and turns into
"Close" only. What is sent, audited and re-checked is decided in `vpstui.operations`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from vpstui.api import ApiError, VpsClient
from vpstui.audit import AuditLog
from vpstui.clock import Clock
from vpstui.format import safe_text
from vpstui.i18n import L_, N_, _
from vpstui.operations import Mutations, OperationLedger
from vpstui.ui.dialogs.fitting import SHORT_ROWS, make_compact
from vpstui.ui.dialogs.messages import AnswerLost, Checking, ManualBackupsRead, RequestFailed
from vpstui.ui.widgets.footer import KeysFooter

__all__ = ["AnswerLost", "Checking", "DialogBase", "ManualBackupsRead", "RequestFailed"]

ResultType = TypeVar("ResultType")

IN_FLIGHT_NOTE = N_("Request in flight… wait for the answer.")

#: The worker group of a dialog's one request (quota look-ups use another group).
SEND_GROUP = "send"


class DialogBase(ModalScreen[ResultType]):
    """A centred dialog: title, scrollable body, error line, note line and a button row.

    Subclasses provide `compose_body()`, `compose_buttons()` and `update_controls()`.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("escape", "refused_cancel", show=False),  # while `cancel` is: says why
    ]

    #: The dialog's title line.
    TITLE_TEXT = N_("Dialog")

    def __init__(self) -> None:
        super().__init__(classes="vps-dialog")
        self._in_flight = False
        self._close_only = False
        self._focus_after: Widget | None = None
        #: The result this dialog closes with once it is on top again (see `dismiss`).
        self._closing_with: tuple[ResultType | None] | None = None

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(_(self.TITLE_TEXT)), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield from self.compose_body()
            with Vertical(id="dialog-bottom"):
                with Vertical(id="dialog-footer"):
                    yield from self.compose_footer()
                yield Static("", id="dialog-error", markup=False)
                yield Static("", id="dialog-note", markup=False)
                with Horizontal(id="dialog-buttons"):
                    yield from self.compose_buttons()
        yield KeysFooter()  # the dialog's own keys, instead of the main screen's

    def compose_body(self) -> Iterable[Widget]:
        """The dialog's content (inside a scrollable area)."""
        return ()

    def compose_footer(self) -> Iterable[Widget]:
        """What must stay visible above the buttons however long the body is (warnings)."""
        return ()

    def compose_buttons(self) -> Iterable[Widget]:
        """The dialog's buttons, left to right; `#cancel` is the one that closes."""
        yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.prepare()
        self.update_controls()
        self._fit_to(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to(event.size.height)

    def _fit_to(self, rows: int) -> None:
        make_compact(self, rows < SHORT_ROWS)
        self.call_after_refresh(self.layout_changed)

    def layout_changed(self) -> None:
        """Called after the dialog was laid out for a new terminal size."""

    def refresh_times(self, now: datetime) -> None:
        """Redraw what says "5m ago" (called on the clock tick); dialogs that show one
        override this."""

    def prepare(self) -> None:
        """Called once mounted, before the controls are updated: set focus, start look-ups.

        (Textual calls every class's `on_mount`, so subclasses override this instead.)
        """

    # -- state ---------------------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        """True while the dialog's request is on its way."""
        return self._in_flight

    @property
    def close_only(self) -> bool:
        """True once the dialog can only be closed (nothing may be sent from it)."""
        return self._close_only

    @property
    def cancel_refused(self) -> bool:
        """True while Esc is refused: a request is on its way and its answer must not be
        lost. Dialogs whose Esc does something then (stops a batch) say when theirs is."""
        return self._in_flight

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer dims `esc Cancel` while Esc is refused (as on, it promised a way out)."""
        if action == "cancel" and self.cancel_refused:
            return None
        return True

    def key_description(self, action: str) -> str | None:
        """What the footer calls `action`'s key: esc as the button it presses is labelled
        ("Close" once nothing may be sent, the quit question's "Stay")."""
        if action == "cancel":
            for button in self.query("#cancel").results(Button):
                return str(button.label)
        return None

    def update_controls(self) -> None:
        """Enable or disable the controls from the dialog's state. Subclasses extend this."""
        for widget in self.query("#dialog Button, #dialog Input, #dialog Select"):
            if widget.id == "cancel":
                widget.disabled = self._in_flight
            else:
                widget.disabled = self._in_flight or self._close_only
        self.refresh_bindings()  # what `check_action` says has changed with the state

    def show_error(self, message: str | None) -> None:
        """Show `message` (literally) as the dialog's error line, or clear it."""
        error = self.query_one("#dialog-error", Static)
        error.update(Text(safe_text(message or "")))
        error.display = bool(message)

    def show_note(self, message: str | None) -> None:
        """Show `message` (literally) as the dialog's note line, or clear it."""
        note = self.query_one("#dialog-note", Static)
        note.update(Text(safe_text(message or "")))
        note.display = bool(message)

    #: Enter came before the dialog could send (a quota still being read): the note said
    #: to wait, and `answer_early_enter` says what Enter does once it can.
    _asked_early = False

    def note_too_early(self, message: str) -> None:
        """Enter before the dialog can send: say to wait (`message`), and remember it."""
        self._asked_early = True
        self.show_note(message)

    def answer_early_enter(self, message: str) -> None:
        """The dialog can send now: if the note said to wait, it says `message` instead (what
        Enter does now). Nothing is sent without that Enter (seen in tmux: the note stayed,
        as if the request were coming)."""
        if self._asked_early and not self.in_flight:
            self._asked_early = False
            self.show_note(message)

    def make_close_only(self) -> None:
        """Leave only a "Close" button: used when sending anything would be unsafe."""
        self._close_only = True
        for button in self.query("#dialog-buttons Button"):
            if button.id != "cancel":
                button.display = False
        cancel = self.query_one("#cancel", Button)
        cancel.label = _("Close")
        self.update_controls()
        cancel.focus()

    # -- closing -------------------------------------------------------------------------

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close with `result`, which goes to whoever opened the dialog.

        Textual closes the screen on top, whichever it is. A dialog whose request is
        answered while another screen is over it (the quit question, the command palette)
        would close that one instead and stay open, and its own next close would fail. So
        it closes when it is on top again: its outcome is not lost, and the screen over
        it stays where the user put it."""
        if self.is_attached and self.app.screen is not self:
            self._closing_with = (result,)
            # What shows of it under the other screen offers nothing more to do.
            self.query("#dialog-buttons Button").set(display=False)
            self.show_note(_("Answered: this closes when you come back to it."))
            return AwaitComplete(asyncio.sleep(0))
        return super().dismiss(result)

    def on_screen_resume(self) -> None:
        if self._closing_with is not None:
            (result,) = self._closing_with
            self._closing_with = None
            self.dismiss(result)

    # -- actions -------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Esc: close with no answer, unless a request is in flight."""
        if self._in_flight:
            self.show_note(_(IN_FLIGHT_NOTE))
            return
        self.dismiss(None)

    def action_refused_cancel(self) -> None:
        """Esc while it is refused: Textual does not run a disabled binding's action and
        tries the key's next binding, this one; the dialog still says why it stays."""
        self.action_cancel()

    def action_confirm(self) -> None:
        """The dialog's primary action (the `#confirm` button); subclasses implement it."""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        elif event.button.id == "confirm":
            self.action_confirm()

    # -- the request ---------------------------------------------------------------------

    def mutations(self, client: VpsClient, clock: Clock) -> Mutations:
        """The operations core for this dialog's request, with the app's audit log and
        ledger (when it keeps them); a log that cannot be written is said once."""
        app = self.app
        audit = getattr(app, "audit_log", None)
        ledger = getattr(app, "ledger", None)
        return Mutations(
            client,
            clock=clock,
            audit=audit if isinstance(audit, AuditLog) else None,
            ledger=ledger if isinstance(ledger, OperationLedger) else None,
            warn=self._warn,
            checking=lambda: self.post_message(Checking()),
        )

    def _warn(self, text: str) -> None:
        """Said once by the core (the audit log cannot be written): in a toast, and in the
        dialog's error line, since toasts wait while a dialog is open."""
        self.app.notify(text, severity="warning", timeout=10)
        if self.is_attached:
            self.show_error(text)

    def send(self, request: Callable[[], Awaitable[Message]]) -> bool:
        """Run `request` in a worker unless one is in flight (or the dialog is close-only).

        `request` (a call into `vpstui.operations`, which audits and keeps the ledger)
        returns the past-tense message to post. Returns True if it was started.
        """
        if self._in_flight or self._close_only:
            return False
        self._in_flight = True
        self._focus_after = self.focused
        self.show_error(None)
        self.show_note(_("Sending…"))
        self.update_controls()
        self.run_worker(self._run(request), group=SEND_GROUP, exclusive=True, exit_on_error=False)
        return True

    async def _run(self, request: Callable[[], Awaitable[Message]]) -> None:
        try:
            message = await request()
        except ApiError as error:
            self.post_message(RequestFailed(error))
            return
        except Exception as exc:  # never a traceback: say what happened, assume the worst
            wrapped = ApiError(
                L_(
                    "Something unexpected went wrong ({kind}: {detail}).",
                    kind=type(exc).__name__,
                    detail=safe_text(exc, 200),
                )
            )
            wrapped.outcome_unknown = True
            self.post_message(RequestFailed(wrapped))
            return
        self.post_message(message)

    def request_done(self) -> None:
        """The request has ended: give the controls back (subclasses call this first)."""
        self._in_flight = False
        self.show_note(None)
        self.update_controls()
        target = self._focus_after
        self._focus_after = None
        if target is not None and target.is_attached and target.focusable:
            target.focus()

    def on_request_failed(self, event: RequestFailed) -> None:
        event.stop()
        self.request_done()
        self.handle_failure(event.error)

    def handle_failure(self, error: ApiError) -> None:
        """Show the error, keep what was typed, and let the user try again (or only close,
        when the outcome is unknown)."""
        self.show_error(self.describe_failure(error))
        if error.outcome_unknown:
            self.make_close_only()

    def on_checking(self, event: Checking) -> None:
        event.stop()
        self.show_note(_("The answer was lost: checking what actually happened…"))

    def on_answer_lost(self, event: AnswerLost) -> None:
        """The answer was lost and the API re-read: say what it showed; only Close is left."""
        event.stop()
        self.request_done()
        lost = event.sent.lost
        said = self.describe_failure(lost) if lost is not None else ""
        self.show_error(f"{said} {event.text}".strip())
        self.make_close_only()
        self.answer_lost(event)

    def answer_lost(self, event: AnswerLost) -> None:
        """Called once a lost answer was re-checked; subclasses may keep what it found."""

    # -- the manual-backup quota (create, restore's safety backup, details) ---------------

    def read_manual_backups(self, client: VpsClient, server_id: int) -> None:
        """Read `server_id`'s manual backups in a worker; answers `ManualBackupsRead`."""
        self.run_worker(
            self._read_manual(client, server_id),
            group="quota",
            exclusive=True,
            exit_on_error=False,
        )

    async def _read_manual(self, client: VpsClient, server_id: int) -> None:
        try:
            listing = await client.list_backups(server_id=server_id, backup_type="manual")
        except ApiError as error:
            self.post_message(ManualBackupsRead(server_id, None, error))
            return
        # Only this server's manual backups count, whatever the API sent.
        manual = [b for b in listing if b.server_id == server_id and b.is_manual]
        self.post_message(ManualBackupsRead(server_id, manual))

    def describe_failure(self, error: ApiError) -> str:
        """The text shown for a failed request; subclasses add what the outcome means."""
        return str(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # `_run` catches everything; this only matters if the worker is cancelled (the
        # operations core has recorded the outcome as unknown then).
        cancelled = event.worker.group == SEND_GROUP and event.state == WorkerState.CANCELLED
        if cancelled and self._in_flight and self.is_attached:
            self.request_done()
            self.show_error(_("The request was cancelled; its outcome is unknown."))
            self.make_close_only()
