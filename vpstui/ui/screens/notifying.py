"""Notifications from the TUI: when `notify_command` is configured, the main screen hands
it the same events `vpstui watch` does (`vpstui.notify.Event`, one JSON object on stdin):

- `backup_completed` / `backup_failed`: a backup this session's polling saw in progress
  is now finished (the rule of `vpstui.notify.backup_changes`);
- `restore_accepted`: the API accepted a restore sent from this screen;
- `restore_ended`: only when following the restore saw its end on the API.

`vpstui.notify.Notifier` runs the command in the background (never blocking the UI) and
a failing command is said once per session. Event JSON stays English (like `watch`'s).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from textual import on

from vpstui.api.models import Backup
from vpstui.format import safe_text
from vpstui.ui.messages import RestoreFollowed
from vpstui.ui.screens.actions import BackupActions

if TYPE_CHECKING:  # vpstui.notify is imported when first needed: not on the start path
    from vpstui.notify import Event, Notifier

#: At exit, how long events already queued may take to reach the command (seconds).
EXIT_GRACE = 2.0


class NotifyingScreen(BackupActions):
    """Hands the session's events to `notify_command`, when one is configured."""

    def __init__(self) -> None:
        super().__init__()
        self.notifier: Notifier | None = None

    def on_mount(self) -> None:
        argv = self.app.settings.notify_command
        if argv:
            from vpstui.notify import Notifier

            self.notifier = Notifier(argv, report=self._notify_failed)

    async def on_unmount(self) -> None:
        """Leaving: events already queued get a moment to reach the command."""
        notifier = self.notifier
        if notifier is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(notifier.drain(), EXIT_GRACE)
            await notifier.aclose()

    def _notify_failed(self, text: str) -> None:
        self.notify(safe_text(text, 300), title="notify_command", severity="warning", timeout=10)

    def _event_context(self) -> dict[str, Any]:
        return {"profile": self.app.settings.profile, "api_host": self.app.api_host}

    def send_event(self, event: Event) -> None:
        """Hand `event` to the command (queued: never blocks)."""
        if self.notifier is not None:
            self.notifier.send(event)

    def _announce_changes(self, new: Iterable[Backup], was_running: set[int]) -> None:
        changed = list(new)
        super()._announce_changes(changed, was_running)
        if self.notifier is None or not was_running:
            return
        from vpstui.notify import backup_changes

        finished = [b for b in changed if b.id in was_running and not b.in_progress]
        # What this session saw before: each of them in progress.
        before = {b.id: msgspec.structs.replace(b, status="in_progress") for b in finished}
        for event in backup_changes(before, finished, self._now(), context=self._event_context()):
            self.send_event(event)

    def restore_started(
        self,
        backup: Backup,
        server_name: str,
        safety_backup_id: int | None = None,
        status_before: str | None = None,
        no_safety: str | None = None,
        *,
        accepted_at: datetime | None = None,
    ) -> None:
        super().restore_started(
            backup,
            server_name,
            safety_backup_id,
            status_before,
            no_safety,
            accepted_at=accepted_at,
        )
        from vpstui.notify import Event, iso

        name = safe_text(server_name, 60)
        self.send_event(
            Event(
                event="restore_accepted",
                time=iso(accepted_at if accepted_at is not None else self._now()),
                message=f"The API accepted a restore of {name} from backup #{backup.id}.",
                server_id=backup.server_id,
                server_name=server_name,
                backup_id=backup.id,
                **self._event_context(),
            )
        )

    @on(RestoreFollowed)
    def _restore_end_event(self, message: RestoreFollowed) -> None:
        """Runs before `LiveScreen`'s handler (the incident is still known here)."""
        end = message.end
        if not end.ended:  # no end seen on the API: nothing to claim
            return
        incident = self.follower.incidents.get(message.server_id)
        name = incident.server_name if incident is not None else None
        shown = safe_text(name or f"server {message.server_id}", 60)
        from vpstui.notify import Event, iso

        self.send_event(
            Event(
                event="restore_ended",
                time=iso(end.at),
                message=f"Restore of {shown} finished: the server went {end.path}.",
                server_id=message.server_id,
                server_name=name,
                backup_id=incident.backup_id if incident is not None else None,
                status=end.status,
                **self._event_context(),
            )
        )
