"""Notifications: what happened, as events, handed to the user's `notify_command`.

An `Event` is one thing the API showed: a backup that completed or failed, a server whose
newest completed backup became overdue, an API that stayed unreachable. `changes` works
them out from two successive looks at the same backups, claiming only what the second
look shows. `Notifier` runs `notify_command` (an argv list, never a shell) once per
event with the event as one JSON object on stdin, with a bounded runtime, at most one at
a time, and says once per session if the command fails. The token is never in an event.
No Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import msgspec

from vpstui.api.models import Backup
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.os_reasons import os_reason
from vpstui.summary import ServerSummary

__all__ = [
    "NOTIFY_TIMEOUT",
    "Event",
    "EventKind",
    "Notifier",
    "OverdueWatch",
    "UnreachableWatch",
    "backup_changes",
    "parse_notify_command",
]

EventKind = Literal[
    "backup_completed",
    "backup_failed",
    "restore_accepted",
    "restore_ended",
    "server_overdue",
    "api_unreachable",
]
#: How long one run of `notify_command` may take before it is killed (seconds).
NOTIFY_TIMEOUT = 10.0
#: Events waiting for the command beyond this many are dropped (and said so, once).
QUEUE_LIMIT = 100


class Event(msgspec.Struct, frozen=True):
    """One notification. Times are UTC ISO 8601; fields the event has no value for are null."""

    event: EventKind
    time: str
    message: str
    profile: str | None = None
    api_host: str | None = None
    server_id: int | None = None
    server_name: str | None = None
    backup_id: int | None = None
    status: str | None = None
    size_mb: float | None = None

    def as_json(self) -> str:
        """One line of JSON, ASCII only (safe for any terminal, log or pipe)."""
        import json  # not on the app's start path

        return json.dumps(msgspec.structs.asdict(self), ensure_ascii=True)


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_changes(
    before: Mapping[int, Backup],
    now_listed: Iterable[Backup],
    when: datetime,
    *,
    known_since_start: set[int] | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[Event]:
    """Backups that completed or failed between two looks at the same scope.

    `before` is the previous look, by id. A backup counts when the API showed it in
    progress before and finished now, or when it is new since the previous look (and not
    in `known_since_start`, the first look, which is history, not news) and already
    finished. A backup that merely disappeared is not reported: expiry and deletion look
    the same from outside.
    """
    extra = dict(context or {})
    events: list[Event] = []
    for backup in now_listed:
        previous = before.get(backup.id)
        if previous is not None:
            if not previous.in_progress or backup.in_progress:
                continue
        elif backup.in_progress or backup.id in (known_since_start or ()):
            continue  # new but not finished yet, or history from the first look
        if backup.status == "completed":
            kind: EventKind = "backup_completed"
            text = f"Backup #{backup.id} of {safe_text(backup.server_name, 60)} completed."
        elif backup.status == "failed":
            kind = "backup_failed"
            text = f"Backup #{backup.id} of {safe_text(backup.server_name, 60)} failed."
        else:
            continue
        events.append(
            Event(
                event=kind,
                time=iso(when),
                message=text,
                server_id=backup.server_id,
                server_name=backup.server_name,
                backup_id=backup.id,
                status=backup.status,
                size_mb=backup.size_mb,
                **extra,
            )
        )
    return events


def parse_notify_command(value: object, where: str) -> tuple[str, ...] | None:
    """`notify_command` from the config: a non-empty list of strings (argv), or None.

    Raises ValueError with a message naming `where` for anything else (a plain string is
    refused on purpose: it would need a shell to split).
    """
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(part, str) and part for part in value)
    ):
        raise ValueError(
            _(
                "notify_command in {where} must be a list of strings, e.g. "
                '["notify-send", "vpstui"] (it runs without a shell).'
            ).format(where=where)
        )
    return tuple(value)


class Notifier:
    """Runs `argv` with each event on stdin, one at a time, in the background.

    `report` is called (once per session) with a readable message when the command cannot
    run, fails or times out; events keep being offered to it afterwards.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        report: Callable[[str], None],
        timeout: float = NOTIFY_TIMEOUT,
    ) -> None:
        self.argv = tuple(argv)
        self.timeout = timeout
        self._report = report
        self._reported = False
        self._queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_LIMIT)
        self._worker: asyncio.Task[None] | None = None
        #: How many runs ended well and how many did not (for tests and `watch`).
        self.delivered = 0
        self.failed = 0

    def send(self, event: Event) -> None:
        """Queue `event` for the command; never blocks (a full queue drops, and says so)."""
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run_queue())
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.failed += 1
            self._say(
                _("notify_command is too slow: {count} events waiting; some dropped.").format(
                    count=QUEUE_LIMIT
                )
            )

    async def drain(self) -> None:
        """Wait until every queued event was handed to the command (or given up on)."""
        await self._queue.join()

    async def aclose(self) -> None:
        """Stop the background runner (after `drain`, to deliver what is queued)."""
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    def _say(self, message: str) -> None:
        if not self._reported:
            self._reported = True
            self._report(message)

    async def _run_queue(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self._run_one(event)
            finally:
                self._queue.task_done()

    async def _run_one(self, event: Event) -> None:
        name = safe_text(self.argv[0], 60)
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                # Its own session: the Ctrl-C that stops `vpstui watch` in a terminal goes
                # to the whole foreground process group, and must not kill a delivery that
                # is under way (watch drains the queue before it exits).
                start_new_session=True,
            )
        except OSError as error:
            self.failed += 1
            self._say(
                _("notify_command {name!r} could not run: {why}.").format(
                    name=name, why=os_reason(error)
                )
            )
            return
        try:
            err = await asyncio.wait_for(self._talk(process, event), self.timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            self.failed += 1
            self._say(
                _("notify_command {name!r} did not finish within {timeout:g} s.").format(
                    name=name, timeout=self.timeout
                )
            )
            return
        if process.returncode != 0:
            self.failed += 1
            first = err.decode("utf-8", "replace").strip().splitlines()
            failed = (
                _("notify_command {name!r} failed (exit {code}): {reason}.")
                if first
                else _("notify_command {name!r} failed (exit {code}).")
            )
            reason = safe_text(first[0], 160) if first else ""
            self._say(failed.format(name=name, code=process.returncode, reason=reason))
            return
        self.delivered += 1

    @staticmethod
    async def _talk(process: asyncio.subprocess.Process, event: Event) -> bytes:
        """Write the event, keep the first 4 KiB of stderr (the rest is read and dropped,
        so a chatty command cannot fill memory), and wait for the exit."""
        assert process.stdin is not None and process.stderr is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.write((event.as_json() + "\n").encode())
            await process.stdin.drain()
            process.stdin.close()
        head = await process.stderr.read(4096)
        while await process.stderr.read(65536):
            pass
        await process.wait()
        return head


class OverdueWatch:
    """Says `server_overdue` once when a server's newest completed backup becomes older
    than the limit (and again only after it was fresh again)."""

    def __init__(self) -> None:
        self._overdue: set[int] = set()
        self._seen: set[int] = set()

    def update(
        self,
        summaries: Mapping[int, ServerSummary],
        when: datetime,
        context: Mapping[str, Any] | None = None,
    ) -> list[Event]:
        events = []
        for server_id, summary in summaries.items():
            first_look = server_id not in self._seen
            self._seen.add(server_id)
            if summary.freshness != "stale":
                self._overdue.discard(server_id)
                continue
            if server_id in self._overdue:
                continue
            self._overdue.add(server_id)
            age = summary.age_hours(when)
            text = f"{safe_text(summary.name, 60)} has no completed backup"
            text += f" from the last {age:.0f} h." if age is not None else "."
            if first_look:
                text += " (Already overdue when watching started.)"
            events.append(
                Event(
                    event="server_overdue",
                    time=iso(when),
                    message=text,
                    server_id=server_id,
                    server_name=summary.name,
                    **dict(context or {}),
                )
            )
        return events


class UnreachableWatch:
    """Says `api_unreachable` once when reading the API has failed for `after` seconds,
    and is ready to say it again once a read succeeded."""

    def __init__(self, after: float) -> None:
        self.after = after
        self._since: datetime | None = None
        self._said = False

    def update(
        self,
        ok: bool,
        when: datetime,
        reason: str = "",
        context: Mapping[str, Any] | None = None,
    ) -> Event | None:
        if ok:
            self._since, self._said = None, False
            return None
        if self._since is None:
            self._since = when
        lasted = (when - self._since).total_seconds()
        if self._said or lasted < self.after:
            return None
        self._said = True
        why = f": {safe_text(reason, 200)}" if reason else "."
        return Event(
            event="api_unreachable",
            time=iso(when),
            message=f"The API could not be read for {lasted:.0f} s{why}",
            **dict(context or {}),
        )
