"""`TypedDialog`: a dialog whose main action waits for something typed (the restore's
server name, the number of backups to delete): each change of the field re-checks the
buttons, and Enter in it is the main action (which says what to type, if it is not that)."""

from __future__ import annotations

from textual.widgets import Input

from vpstui.ui.dialogs.base import DialogBase, ResultType

__all__ = ["TypedDialog"]


class TypedDialog(DialogBase[ResultType]):
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_note(None)
        self.update_controls()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()
