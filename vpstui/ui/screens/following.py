"""What the main screen follows besides the list: restores until the server is back, and
operations remembered from an earlier session (see `vpstui.ops`). Plain state, no widgets:
`LiveScreen` asks it what to poll and tells it what it saw."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from vpstui.api.models import Backup, Server
from vpstui.ops import Incident, Operation, OperationLedger, who_am_i

__all__ = ["Follower"]


class Follower(msgspec.Struct):
    """Restores being followed, their incidents, and creates remembered across sessions."""

    ledger: OperationLedger | None = None
    poll_interval: float = 5.0
    #: server id → name, while its restore runs
    restoring: dict[int, str] = msgspec.field(default_factory=dict)
    incidents: dict[int, Incident] = msgspec.field(default_factory=dict)
    #: The most recent restore that finished (what `I` copies).
    last_incident: Incident | None = None
    next_poll: datetime | None = None

    # --- restores ---------------------------------------------------------------------------

    def restore_started(
        self,
        backup: Backup,
        server_name: str,
        now: datetime,
        *,
        safety_backup_id: int | None = None,
        no_safety: str | None = None,
        remember: bool = True,
    ) -> None:
        self.restoring[backup.server_id] = server_name
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
        self.next_poll = now + timedelta(seconds=self.poll_interval)
        if remember and self.ledger is not None:
            self.ledger.add(
                Operation(
                    "restore",
                    self.ledger.host,
                    backup.server_id,
                    server_name,
                    backup.id,
                    now.isoformat(),
                )
            )

    def due(self, now: datetime) -> list[int]:
        """Servers whose state should be read now (every poll interval while restoring)."""
        if not self.restoring or (self.next_poll is not None and now < self.next_poll):
            return []
        self.next_poll = now + timedelta(seconds=self.poll_interval)
        return list(self.restoring)

    def server_seen(self, server: Server, now: datetime) -> Incident | None:
        """A followed server was read; returns its incident if its restore just finished."""
        if server.id not in self.restoring or server.status == "restoring":
            return None
        del self.restoring[server.id]
        incident = self.incidents.pop(server.id, None)
        if incident is not None:
            incident = msgspec.structs.replace(
                incident, finished_at=now, final_status=server.status
            )
            self.last_incident = incident
        if self.ledger is not None:
            self.ledger.finish("restore", server_id=server.id)
        return incident

    def current_incident(self) -> Incident | None:
        """The incident to copy: the last finished restore, else one still running."""
        if self.last_incident is not None:
            return self.last_incident
        return next(iter(self.incidents.values()), None)

    # --- creates and earlier sessions --------------------------------------------------------

    def create_started(self, backup: Backup, now: datetime) -> None:
        if self.ledger is not None:
            self.ledger.add(
                Operation(
                    "create",
                    self.ledger.host,
                    backup.server_id,
                    backup.server_name,
                    backup.id,
                    now.isoformat(),
                )
            )

    def resume(self) -> tuple[list[Operation], list[Operation]]:
        """Operations an earlier session left running: (restores, creates). The restores are
        followed again from now on."""
        if self.ledger is None:
            return [], []
        restores, creates = [], []
        for op in self.ledger.pending():
            if op.kind == "restore" and op.backup_id is not None:
                restores.append(op)
                started = datetime.fromisoformat(op.started_at)
                self.restoring[op.server_id] = op.server_name
                self.incidents[op.server_id] = Incident(
                    op.server_id,
                    op.server_name,
                    op.backup_id,
                    None,
                    started,
                    None,
                    None,
                    who_am_i(),
                )
            elif op.kind == "create":
                creates.append(op)
        return restores, creates

    def creates_settled(self, backups: dict[int, Backup], covers: set[int] | None) -> list[Backup]:
        """Remembered creates whose backup is no longer in progress (forgotten now), returned
        so the screen can say so. `covers`: server ids the listing fully covers (None: all)."""
        if self.ledger is None:
            return []
        done: list[Backup] = []
        for op in self.ledger.pending():
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
