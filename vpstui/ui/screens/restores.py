"""Following a restore on the main screen: the operations core's `follow_restore` in a
worker on the app's clock, each status it reads shown in the picker and header, and its
end said only as the API showed it (a bell only on evidence). Subclassed by `LiveScreen`.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from textual import on

from vpstui.api.models import Server
from vpstui.i18n import _
from vpstui.operations import WaitPolicy, follow_restore
from vpstui.ui.messages import RestoreFollowed, ServerFollowed
from vpstui.ui.screens.polling import PollingScreen

__all__ = ["RestoreFollowing"]


class RestoreFollowing(PollingScreen):
    """Follows the restores started here (or left by an earlier session)."""

    # --- following restores (the operations core's `follow_restore`, in a worker) -------------

    def follow_restore(self, server_id: int) -> None:
        """Follow `server_id`'s restore until the API shows its end or the window lapses."""
        settings = self.app.settings
        policy = WaitPolicy(settings.poll_interval, settings.restore_follow)
        started = self.follower.started_at(server_id)
        before = self.follower.status_before.get(server_id)

        def seen(server: Server) -> None:
            self.post_message(ServerFollowed(server))

        async def follow() -> None:
            end = await follow_restore(
                self.app.api,
                server_id,
                before,
                policy=policy,
                clock=self.app.clock,
                started=started,
                sleep=self._sleep_on_clock,
                seen=seen,
            )
            self.post_message(RestoreFollowed(server_id, end))

        self.run_worker(follow(), group=f"follow-{server_id}", exclusive=True, exit_on_error=False)

    async def _sleep_on_clock(self, seconds: float) -> None:
        """Wait until the app's clock has moved `seconds` on, looking once a tick (so a test's
        fake clock drives following, as it drives polling)."""
        until = self._now() + timedelta(seconds=seconds)
        while self._now() < until:  # noqa: ASYNC110 - an injected clock, no event to await
            await asyncio.sleep(self.app.tick_seconds)

    @on(ServerFollowed)
    def _server_followed(self, message: ServerFollowed) -> None:
        server = message.server
        self.servers = [server if s.id == server.id else s for s in self.servers]
        self._update_picker()
        self._show_status()

    @on(RestoreFollowed)
    def _restore_followed(self, message: RestoreFollowed) -> None:
        """Say what the API showed: an end (bell) only on evidence, else what is known."""
        end = message.end
        incident = self.follower.restore_ended(message.server_id, end)
        name = incident.server_name if incident else _("server {id}").format(id=message.server_id)
        accepted = incident.started_at if incident else self._now()
        title, text, evidence = end.notice(name, accepted)
        if evidence:
            self.app.bell()  # only on an end the API showed
            text = _("{text} Press I to copy the incident summary.").format(text=text)
        unsettled = end.changed and not end.ended
        self.notify(
            text, title=title, severity="warning" if unsettled else "information", timeout=30
        )
        self._update_picker()
        self._show_status()
