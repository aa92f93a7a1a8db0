"""A head start for the first screen: its two list requests leave as the app starts.

Building the main screen (styles, widgets, the first paint) takes tens of milliseconds;
without this, the server list and the first page of backups would only be requested once
it is done. `VpsApp.on_load` starts both requests before any widget exists, and the main
screen's loaders take them over: the first page's rows can be in the very first frame,
and over a real network the round trips overlap the screen's construction.

Nothing here changes what is fetched or how errors surface: a taken-over request fails
with the same `ApiError` the loader would have seen, and a head start nobody takes (the
user quit at once, another profile opened) is cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Generic, TypeVar

from vpstui.api.client import Page, VpsClient
from vpstui.api.models import Server
from vpstui.ui.messages import Scope

T = TypeVar("T")


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

    def __init__(self, api: VpsClient, scope: Scope) -> None:
        self.scope = scope
        self._servers: asyncio.Task[list[Server]] | None = asyncio.ensure_future(api.list_servers())
        self._servers.add_done_callback(_retrieve)
        self._pages: HeadStart[Page] | None = HeadStart(api.iter_backup_pages(*scope))

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
