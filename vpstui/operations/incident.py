"""The incident summary of a restore: what the on-call engineer pastes into the incident
channel. It says when the restore ended only if the API showed it. No Textual."""

from __future__ import annotations

import socket
from datetime import datetime

import msgspec

from vpstui.format import absolute_time, safe_text, status_text
from vpstui.i18n import N_, _

__all__ = ["NOT_REPORTED", "Incident", "who_am_i"]

#: What the summary says when the API never showed the restore's end.
NOT_REPORTED = N_("end: not reported by the API")
#: Why no safety backup was taken (`Incident.no_safety`), as the summary words it.
NO_SAFETY_WORDS = {"unticked": N_("unticked"), "quota full": N_("quota full")}


def who_am_i() -> str:
    """ "user@host" of whoever runs vpstui, for the incident summary."""
    import getpass  # and termios: only when a summary is written

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
        """The summary in the language in use: its labels and the server's status are
        translated (a status the API invents stays as sent); ids, names and UTC times stay
        as they are."""
        name = safe_text(self.server_name, 80)
        created = absolute_time(self.backup_created_at)
        lines = [
            _("Restore of {name} (server id {id})").format(name=name, id=self.server_id),
            "  "
            + _("from backup #{id}, created {created}").format(id=self.backup_id, created=created),
        ]
        if self.safety_backup_id is not None:
            taken = _("safety backup taken first: #{id}").format(id=self.safety_backup_id)
            lines.append(f"  {taken}")
        elif self.no_safety is not None:
            why = _(NO_SAFETY_WORDS.get(self.no_safety, safe_text(self.no_safety, 40)))
            lines.append("  " + _("safety backup: none ({why})").format(why=why))
        accepted = _("accepted by the API {when}").format(when=absolute_time(self.started_at))
        lines.append(f"  {accepted}")
        if self.finished_at is not None:
            status = status_text(self.final_status)
            finished = _("finished {when} (server {status})").format(
                when=absolute_time(self.finished_at), status=status
            )
            lines.append(f"  {finished}")
        elif self.not_reported:
            lines.append(f"  {_(NOT_REPORTED)}")
        else:
            lines.append("  " + _("finished: not yet"))
        lines.append(
            "  " + _("run by {operator} with vpstui").format(operator=safe_text(self.operator, 80))
        )
        return "\n".join(lines)
