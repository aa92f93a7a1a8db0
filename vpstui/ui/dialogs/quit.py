"""`QuitDialog`: asked on quit while a create, delete or restore waits for its answer.

Quitting then cannot lose the request (it has left; the ledger holds it and the next start
re-checks it with the API), but nobody would see its outcome now, so the app asks first.
Answers True (quit anyway) or None (stay).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Button, Static

from vpstui.format import safe_text
from vpstui.i18n import N_, _, ngettext
from vpstui.operations import Operation
from vpstui.ui.dialogs.base import DialogBase

__all__ = ["QuitDialog", "busy_dialogs", "quit_question"]


def quit_question(pending: list[Operation]) -> str:
    """ "a restore is in flight; quit anyway? it will be checked next time"."""
    kinds = sorted({op.kind for op in pending})
    what = _(" and ").join(_(KIND_WORDS.get(kind, kind)) for kind in kinds)
    names = ", ".join(safe_text(op.server_name, 30) for op in pending)
    return ngettext(
        "{what} ({names}) is in flight; quit anyway? It will be checked next time.",
        "{what} ({names}) are in flight; quit anyway? It will be checked next time.",
        len(pending),
    ).format(what=what[:1].upper() + what[1:], names=names)


#: The operations' kinds, as the question names them ("a delete and a restore").
KIND_WORDS = {"create": N_("a create"), "delete": N_("a delete"), "restore": N_("a restore")}


class QuitDialog(DialogBase[bool]):
    """Quit anyway (the button or `y`), or stay (Esc, `n`, Enter on Stay)."""

    TITLE_TEXT = N_("Quit while a request is in flight?")
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two words (a binding's are fixed): the footer shows the one that is
        # true now, like the button (see `check_action`); `y` runs whichever is shown.
        Binding("y", "confirm", N_("Quit anyway")),
        Binding("y", "quit_now", N_("Quit")),
        Binding("n", "cancel", N_("Stay"), show=False),
    ]

    def __init__(self, pending: list[Operation], busy: list[str] | None = None) -> None:
        """`pending`: requests in flight; `busy`: the titles of dialogs still at work with
        nothing in flight (a create re-reading the quota, a restore waiting for its safety
        backup), whose next request quitting would not send."""
        super().__init__()
        self.pending = pending
        self.busy = busy or []

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self._question(), id="question")

    @property
    def waiting(self) -> bool:
        """Whether anything still waits for an answer (or a dialog is at work)."""
        return bool(self.pending or self.busy)

    def _question(self) -> Text:
        if self.pending:
            return Text(quit_question(self.pending))
        if self.busy:
            names = _(" and ").join(self.busy)
            return Text(
                _(
                    "{dialog}: still at work; quit anyway? What it has not sent will not be sent."
                ).format(dialog=names)
            )
        return Text(_("Nothing is waiting for an answer any more."))

    def _title(self) -> Text:
        if self.pending:
            return Text(_(self.TITLE_TEXT))
        return Text(_("Quit while a dialog is at work?") if self.busy else _("Quit?"))

    def compose_buttons(self) -> Iterable[Widget]:
        yield Button(_("Stay"), id="cancel")
        yield Button(_("Quit anyway"), id="confirm", variant="error")

    def prepare(self) -> None:
        self.query_one("#dialog-title", Static).update(self._title())
        self.query_one("#cancel", Button).focus()
        self.set_interval(0.5, self._still_pending)

    def _still_pending(self) -> None:
        """The question says what is in flight now: a request answered while it is open
        is no longer named, one sent since (the next of a batch of deletes) is, and once
        none is left, and no dialog is at work, it says so."""
        from vpstui.operations import in_flight

        pending, busy = in_flight(), busy_dialogs(self.app)
        if (pending, busy) == (self.pending, self.busy):
            return
        self.pending, self.busy = pending, busy
        self.query_one("#dialog-title", Static).update(self._title())
        self.query_one("#question", Static).update(self._question())
        self.query_one("#confirm", Button).label = _("Quit anyway") if self.waiting else _("Quit")
        self.refresh_bindings()  # the footer's `y` says the same

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`y Quit anyway` while something waits, `y Quit` once nothing does."""
        if action in ("confirm", "quit_now"):
            return (action == "confirm") == self.waiting
        return super().check_action(action, parameters)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_quit_now(self) -> None:
        """`y` once nothing waits: the same answer, under its own word in the footer."""
        self.action_confirm()


def busy_dialogs(app: object) -> list[str]:
    """The titles of the dialogs at work (a request on its way or being prepared)."""
    stack = getattr(app, "screen_stack", [])
    return [
        _(screen.TITLE_TEXT)
        for screen in stack
        if isinstance(screen, DialogBase) and not isinstance(screen, QuitDialog)
        and screen.in_flight
    ]  # fmt: skip
