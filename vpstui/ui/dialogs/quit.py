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

__all__ = ["QuitDialog", "quit_question"]


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
        Binding("y", "confirm", N_("Quit anyway")),
        Binding("n", "cancel", N_("Stay"), show=False),
    ]

    def __init__(self, pending: list[Operation]) -> None:
        super().__init__()
        self.pending = pending

    def compose_body(self) -> Iterable[Widget]:
        yield Static(Text(quit_question(self.pending)), id="question")

    def compose_buttons(self) -> Iterable[Widget]:
        yield Button(_("Stay"), id="cancel")
        yield Button(_("Quit anyway"), id="confirm", variant="error")

    def prepare(self) -> None:
        self.query_one("#cancel", Button).focus()
        self.set_interval(0.5, self._still_pending)

    def _still_pending(self) -> None:
        """The question says what is in flight now: a request answered while it is open
        is no longer named, one sent since (the next of a batch of deletes) is, and once
        none is left it says so."""
        from vpstui.operations import in_flight

        pending = in_flight()  # what is in flight now: a batch of deletes sends the next
        if pending == self.pending:
            return
        self.pending = pending
        question = self.query_one("#question", Static)
        if pending:
            question.update(Text(quit_question(pending)))
            self.query_one("#confirm", Button).label = _("Quit anyway")
        else:
            question.update(Text(_("Nothing is waiting for an answer any more.")))
            self.query_one("#confirm", Button).label = _("Quit")

    def action_confirm(self) -> None:
        self.dismiss(True)
