"""What the TUI follows besides the list: restores until the API shows their end (or the
follow window lapses), their incidents, and creates remembered from an earlier session
(read from the ledger, which `Mutations` writes). Plain state: the screen runs
`follow_restore` in a worker and tells this what came of it. No Textual."""

from __future__ import annotations

from datetime import datetime

import msgspec

from vpstui.api import Backup

from .following import RestoreEnd
from .incident import Incident, who_am_i
from .ledger import Operation, OperationLedger

__all__ = ["Follower"]


class Follower(msgspec.Struct):
    """Restores being followed, their incidents, and creates remembered across sessions."""

    ledger: OperationLedger | None = None
    #: server id → name, while its restore is followed
    restoring: dict[int, str] = msgspec.field(default_factory=dict)
    #: server id → its status before the restore (None: not known)
    status_before: dict[int, str | None] = msgspec.field(default_factory=dict)
    incidents: dict[int, Incident] = msgspec.field(default_factory=dict)
    #: The most recent restore whose following ended (what `I` copies).
    last_incident: Incident | None = None

    # --- restores ---------------------------------------------------------------------------

    def restore_started(
        self,
        backup: Backup,
        server_name: str,
        now: datetime,
        *,
        status_before: str | None = None,
        safety_backup_id: int | None = None,
        no_safety: str | None = None,
    ) -> None:
        """The API accepted a restore at `now`: follow it. `no_safety` says why no safety
        backup was taken ("unticked", "quota full"), for the incident summary."""
        self.restoring[backup.server_id] = server_name
        self.status_before[backup.server_id] = status_before
        self.incidents[backup.server_id] = Incident(
            server_id=backup.server_id,
            server_name=server_name,
            backup_id=backup.id,
            backup_created_at=backup.created_at,
            started_at=now,
            finished_at=None,
            final_status=None,
            operator=who_am_i(),
            safety_backup_id=safety_backup_id,
            no_safety=no_safety,
        )

    def started_at(self, server_id: int) -> datetime | None:
        incident = self.incidents.get(server_id)
        return incident.started_at if incident is not None else None

    def restore_ended(self, server_id: int, end: RestoreEnd) -> Incident | None:
        """Following `server_id`'s restore ended: its incident says what the API showed."""
        self.restoring.pop(server_id, None)
        self.status_before.pop(server_id, None)
        incident = self.incidents.pop(server_id, None)
        if incident is not None:
            if end.ended:
                incident = msgspec.structs.replace(
                    incident, finished_at=end.at, final_status=end.status
                )
            else:
                incident = msgspec.structs.replace(incident, not_reported=True)
            self.last_incident = incident
        if self.ledger is not None:
            self.ledger.finish("restore", server_id=server_id)
        return incident

    def current_incident(self) -> Incident | None:
        """The incident to copy: the restore still followed that started last, else the
        last one that ended. (The ended one came first: with a second restore running,
        `I` copied the first, finished one.)"""
        followed = list(self.incidents.values())
        return followed[-1] if followed else self.last_incident

    # --- creates and earlier sessions --------------------------------------------------------

    def resume(self) -> tuple[list[Operation], list[Operation]]:
        """Operations an earlier session left to follow: (restores, creates). The restores
        are followed again from now on."""
        if self.ledger is None:
            return [], []
        restores, creates = [], []
        for op in self.ledger.pending("following"):
            if op.kind == "restore" and self.resume_restore(op):
                restores.append(op)
            elif op.kind == "create":
                creates.append(op)
        return restores, creates

    def resume_restore(self, op: Operation) -> bool:
        """Follow a restore another session started (True unless already followed)."""
        if op.backup_id is None or op.server_id in self.restoring:
            return False
        self.restoring[op.server_id] = op.server_name
        self.status_before[op.server_id] = op.status_before
        self.incidents[op.server_id] = Incident(
            op.server_id,
            op.server_name,
            op.backup_id,
            None,
            op.started,
            None,
            None,
            who_am_i(),
        )
        return True

    def creates_settled(self, backups: dict[int, Backup], covers: set[int] | None) -> list[Backup]:
        """Remembered creates whose backup is no longer in progress (forgotten now), returned
        so the screen can say so. `covers`: server ids the listing fully covers (None: all)."""
        if self.ledger is None:
            return []
        done: list[Backup] = []
        for op in self.ledger.pending("following"):
            if op.kind != "create" or op.backup_id is None:
                continue
            backup = backups.get(op.backup_id)
            if backup is not None and not backup.in_progress:
                done.append(backup)
            elif backup is None and (covers is None or op.server_id in covers):
                pass  # gone (deleted meanwhile): just forget it
            else:
                continue
            self.ledger.finish("create", server_id=op.server_id, backup_id=op.backup_id)
        return done
