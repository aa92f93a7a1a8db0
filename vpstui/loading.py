"""Loading the backup list: a head start for the first screen, and watching slow answers.

`StartupPrefetch`: building the main screen (styles, widgets, the first paint) takes tens
of milliseconds; without a head start, the server list and the first page of backups
would only be requested once it is done. `VpsApp.on_load` starts both requests before any
widget exists, and the main screen's loaders take them over: the first page's rows can be
in the very first frame, and over a real network the round trips overlap the screen's
construction. Nothing here changes what is fetched or how errors surface: a taken-over
request fails with the same `ApiError` the loader would have seen, and a head start
nobody takes (the user quit at once, another profile opened) is cancelled.

`RequestWatch`: what the header says while a refresh waits. The client reports each try
(`vpstui.api.reporting_to`); once a try has had no answer for `slow_after` seconds, or a
try failed and another follows, `RequestWatch.text` says so ("no answer for 12 s,
retrying 2/3 in 3 s"). No Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from vpstui.api import (
    ApiError,
    RequestEvent,
    Server,
    TryEnded,
    TryRetrying,
    TryStarted,
    reporting_to,
)
from vpstui.i18n import _

if TYPE_CHECKING:
    from vpstui.api import Page, VpsClient

T = TypeVar("T")

#: Which backups a list request asks for: (server_id or None, backup_type or None).
Scope = tuple[int | None, str | None]

#: After this many seconds without an answer, the header says so (issue 12).
SLOW_AFTER = 10.0


def initial_scope(server: str | None) -> Scope:
    """The scope the main screen opens on: `--server ID` at once; `--server NAME` only
    once the server list says which id that is, so All servers until then."""
    if server and server.isdigit():
        return (int(server), None)
    return (None, None)


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Mark an unwanted task's exception as seen (asyncio would log it at exit)."""
    if not task.cancelled():
        task.exception()


class HeadStart(Generic[T]):
    """An async iterator whose first item is already on its way."""

    def __init__(self, source: AsyncIterator[T]) -> None:
        self._source = source
        self._first: asyncio.Task[T] = asyncio.ensure_future(self._next(source))
        self._first.add_done_callback(_retrieve)

    @staticmethod
    async def _next(source: AsyncIterator[T]) -> T:
        return await anext(source)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        try:
            first = await self._first
        except StopAsyncIteration:
            return
        yield first
        async for item in self._source:
            yield item

    def cancel(self) -> None:
        self._first.cancel()

    def ready(self) -> T | None:
        """The first item, if it has already arrived (it is still yielded as usual)."""
        first = self._first
        if not first.done() or first.cancelled() or first.exception() is not None:
            return None
        return first.result()


class StartupPrefetch:
    """The first screen's server list and backup pages, requested before it exists.

    Each is handed out once (`take_servers`, `take_backup_pages`), then it is an ordinary
    request's job again.
    """

    def __init__(self, api: VpsClient, scope: Scope, watch: RequestWatch | None = None) -> None:
        self.scope = scope
        self._servers: asyncio.Task[list[Server]] | None = asyncio.ensure_future(api.list_servers())
        self._servers.add_done_callback(_retrieve)
        if watch is None:
            self._pages: HeadStart[Page] | None = HeadStart(api.iter_backup_pages(*scope))
        else:
            with reporting_to(watch.report):  # the first page's tries are watched too
                self._pages = HeadStart(api.iter_backup_pages(*scope))

    def take_servers(self) -> asyncio.Task[list[Server]] | None:
        servers, self._servers = self._servers, None
        return servers

    def take_backup_pages(self, scope: Scope) -> HeadStart[Page] | None:
        """The pages of `scope`, if those are the ones requested at start."""
        if scope != self.scope:
            return None
        pages, self._pages = self._pages, None
        return pages

    def first_page(self, scope: Scope) -> Page | None:
        """The first page of `scope`, if it has arrived and nobody has taken the pages yet:
        a screen can show it before its first paint."""
        if scope != self.scope or self._pages is None:
            return None
        return self._pages.ready()

    def cancel(self) -> None:
        """Drop whatever was not taken."""
        if self._servers is not None:
            self._servers.cancel()
        if self._pages is not None:
            self._pages.cancel()
        self._servers = self._pages = None


def _whole_seconds(seconds: float) -> int:
    return max(0, round(seconds))


class RequestWatch:
    """The tries of the request a refresh is waiting for, as the client reports them
    (`report` is the listener), and what to tell the user about them (`text`)."""

    def __init__(self, now: Callable[[], datetime], slow_after: float = SLOW_AFTER) -> None:
        self._now = now
        #: Seconds without an answer before `text` speaks up.
        self.slow_after = slow_after
        #: When the request's first try left (None: not waiting for an answer).
        self.since: datetime | None = None
        self.attempt = 0
        self.attempts = 0
        #: When the next try leaves, while waiting between tries.
        self.retry_at: datetime | None = None
        #: Why the last try failed, while another follows.
        self.error: ApiError | None = None

    def report(self, event: RequestEvent) -> None:
        """The client's listener: note where the request is."""
        now = self._now()
        if isinstance(event, TryStarted):
            if event.attempt == 1:
                self.since = now
                self.error = None
            self.attempt, self.attempts = event.attempt, event.attempts
            self.retry_at = None
        elif isinstance(event, TryRetrying):
            self.error = event.error
            self.retry_at = now + timedelta(seconds=event.delay)
        elif isinstance(event, TryEnded):
            self.reset()

    def reset(self) -> None:
        """No request is waited for any more (answered, failed, or given up)."""
        self.since = self.retry_at = self.error = None
        self.attempt = self.attempts = 0

    def text(self, now: datetime) -> str | None:
        """What the header says about the request now, or None while all is well."""
        if self.since is None:
            return None
        waited = (now - self.since).total_seconds()
        if self.error is None and waited < self.slow_after:
            return None
        if self.error is not None and self.error.status is not None:
            said = _("the API answered {status}").format(status=self.error.status)
        else:
            said = _("no answer for {n} s").format(n=_whole_seconds(waited))
        if self.retry_at is not None:  # between tries
            wait = _whole_seconds((self.retry_at - now).total_seconds())
            return _("{said}, retrying {attempt}/{attempts} in {wait} s").format(
                said=said, attempt=self.attempt + 1, attempts=self.attempts, wait=wait
            )
        if self.attempt > 1:
            return _("{said}, retrying {attempt}/{attempts}").format(
                said=said, attempt=self.attempt, attempts=self.attempts
            )
        return _("{said}, still waiting").format(said=said)
