"""The incident summary of a restore: what the on-call engineer pastes into the incident
channel. It says when the restore ended only if the API showed it. No Textual."""

from __future__ import annotations

import getpass
import socket
from datetime import datetime

import msgspec

from vpstui.format import absolute_time, safe_text

__all__ = ["NOT_REPORTED", "Incident", "who_am_i"]

#: What the summary says when the API never showed the restore's end.
NOT_REPORTED = "end: not reported by the API"


def who_am_i() -> str:
    """ "user@host" of whoever runs vpstui, for the incident summary."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


class Incident(msgspec.Struct, frozen=True):
    """A restore: who ran it, from which backup, when the API accepted it, and — only when
    the server's status visibly changed and settled — when it ended (`finished_at`).
    `not_reported` is set once following stopped without any such evidence."""

    server_id: int
    server_name: str
    backup_id: int
    backup_created_at: datetime | None
    started_at: datetime
    finished_at: datetime | None
    final_status: str | None
    operator: str
    safety_backup_id: int | None = None
    #: Why no safety backup was taken ("unticked", "quota full"); None: not known.
    no_safety: str | None = None
    not_reported: bool = False

    def summary(self) -> str:
        lines = [
            f"Restore of {safe_text(self.server_name, 80)} (server id {self.server_id})",
            f"  from backup #{self.backup_id}, created {absolute_time(self.backup_created_at)}",
        ]
        if self.safety_backup_id is not None:
            lines.append(f"  safety backup taken first: #{self.safety_backup_id}")
        elif self.no_safety is not None:
            lines.append(f"  safety backup: none ({safe_text(self.no_safety, 40)})")
        lines.append(f"  accepted by the API {absolute_time(self.started_at)}")
        if self.finished_at is not None:
            status = safe_text(self.final_status or "unknown", 30)
            lines.append(f"  finished {absolute_time(self.finished_at)} (server {status})")
        elif self.not_reported:
            lines.append(f"  {NOT_REPORTED}")
        else:
            lines.append("  finished: not yet")
        lines.append(f"  run by {safe_text(self.operator, 80)} with vpstui")
        return "\n".join(lines)
