"""The operations core: every create, delete and restore, every re-check, and every wait,
once, for both front ends (the TUI in `vpstui.ui`, the scripts in `vpstui.commands`).
Layering: `vpstui.api` ← `vpstui.operations` ← `vpstui.ui` / `vpstui.commands`. No Textual.

    ledger      operations.json: atomic, locked, merged, read tolerantly
    mutations   `Mutations`: send once, audit, ledger, re-check after a lost answer
    checks      the re-check of each kind (create, delete, restore)
    safety      the safety backup, then the restore
    waiting     the one waiting loop (`wait_until`) and its policy
    following   following a restore on evidence only (`follow_restore`)
    follower    what the TUI follows across sessions
    incident    the incident summary of a restore
    schedule    when the TUI's list is fetched next

Each name is imported from its own module when it is first asked for (PEP 562): the
app's first frame needs the ledger and the follower, not the mutations, the audit log or
the re-checks (issue 13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpstui._lazy import lazy_exports

if TYPE_CHECKING:
    from .checks import Recheck
    from .follower import Follower
    from .following import RestoreEnd, RestoreWatch, follow_restore, not_reported_text, path_text
    from .incident import Incident, who_am_i
    from .ledger import OPS_FILE, Operation, OperationLedger
    from .mutations import Mutations, Sent, abandon_in_flight, in_flight
    from .safety import SAFETY_DESCRIPTION, SafetyStopped, quota_verdict, restore_with_safety
    from .schedule import RefreshSchedule
    from .waiting import GaveUp, Stopped, WaitPolicy, wait_until

#: Where each public name lives.
_HOMES = {
    "Follower": ".follower",
    "GaveUp": ".waiting",
    "Incident": ".incident",
    "Mutations": ".mutations",
    "OPS_FILE": ".ledger",
    "Operation": ".ledger",
    "OperationLedger": ".ledger",
    "Recheck": ".checks",
    "RefreshSchedule": ".schedule",
    "RestoreEnd": ".following",
    "RestoreWatch": ".following",
    "SAFETY_DESCRIPTION": ".safety",
    "SafetyStopped": ".safety",
    "Sent": ".mutations",
    "Stopped": ".waiting",
    "WaitPolicy": ".waiting",
    "abandon_in_flight": ".mutations",
    "follow_restore": ".following",
    "in_flight": ".mutations",
    "not_reported_text": ".following",
    "path_text": ".following",
    "quota_verdict": ".safety",
    "restore_with_safety": ".safety",
    "wait_until": ".waiting",
    "who_am_i": ".incident",
}

__all__ = [
    "OPS_FILE",
    "SAFETY_DESCRIPTION",
    "Follower",
    "GaveUp",
    "Incident",
    "Mutations",
    "Operation",
    "OperationLedger",
    "Recheck",
    "RefreshSchedule",
    "RestoreEnd",
    "RestoreWatch",
    "SafetyStopped",
    "Sent",
    "Stopped",
    "WaitPolicy",
    "abandon_in_flight",
    "follow_restore",
    "in_flight",
    "not_reported_text",
    "path_text",
    "quota_verdict",
    "restore_with_safety",
    "wait_until",
    "who_am_i",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
