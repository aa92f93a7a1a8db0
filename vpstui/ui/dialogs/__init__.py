"""The dialogs the main screen opens: each a `ModalScreen` that answers through `dismiss()`.

    CreateDialog   `n`          → CreateResult | None
    DeleteDialog   Delete/^d    → "deleted" | "gone" | None
    RestoreDialog  `R`          → RestoreResult | None
    DetailsDialog  Enter        → None

Every API call runs in a worker; while it is in flight the controls are disabled and Esc
is refused, so nothing is sent twice and no answer is lost.
"""

from vpstui.ui.dialogs.base import DialogBase
from vpstui.ui.dialogs.create import CreateDialog
from vpstui.ui.dialogs.delete import DeleteDialog, DeleteOutcome
from vpstui.ui.dialogs.details import DetailsDialog
from vpstui.ui.dialogs.restore import RestoreDialog

__all__ = [
    "CreateDialog",
    "DeleteDialog",
    "DeleteOutcome",
    "DetailsDialog",
    "DialogBase",
    "RestoreDialog",
]
