"""Reading the rest of a listing at once: which page links can be fetched side by side,
and a bounded, order-keeping fetcher that slows down when the API says "too many".

DRF's page-number links (`?page=N`) and limit/offset links (`?limit=M&offset=N`) name
every page once `count` is known, so the remaining pages can be requested together.
Any other link shape (a cursor) is opaque: the client follows it one page at a time.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar, overload

import httpx
import msgspec

from vpstui.api.errors import ApiError, BadResponseError, RateLimitedError
from vpstui.api.models import DecodedPage
from vpstui.i18n import L_, _

__all__ = [
    "DEFAULT_PAGE_CONCURRENCY",
    "Limiter",
    "Page",
    "PagePlan",
    "Tally",
    "fetch_in_order",
    "numbered",
    "page_plan",
    "same_origin",
    "slow_down",
]

#: Pages requested at once by default: ~6 is what browsers open per host.
DEFAULT_PAGE_CONCURRENCY = 6

T = TypeVar("T")


class Page(msgspec.Struct, frozen=True):
    """One page of a listing as it arrives: for progressive loading.

    `items` holds this page's new items (duplicates of earlier pages removed);
    `loaded` counts items so far, `count` is the API's announced total (or None).
    """

    items: list[Any]
    loaded: int
    count: int | None
    skipped: int
    problems: list[str]
    done: bool


def _whole(value: str | None) -> int | None:
    """A query value as a whole number (None if it is not one)."""
    if value is None or not value.isdigit():
        return None
    return int(value)


class PagePlan(Sequence[httpx.URL]):
    """The URLs of a listing's remaining pages, built only when asked for: a 5,000-page
    plan built at once would hold the event loop for ~0.5 s."""

    def __init__(self, link: httpx.URL, param: str, values: range) -> None:
        self._link, self._param, self._values = link, param, values

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> httpx.URL: ...

    @overload
    def __getitem__(self, index: slice) -> list[httpx.URL]: ...

    def __getitem__(self, index: int | slice) -> httpx.URL | list[httpx.URL]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._link.copy_set_param(self._param, str(self._values[index]))


def page_plan(next_url: httpx.URL, count: int | None, page_length: int) -> PagePlan | None:
    """Every remaining page's URL, in order, if `next_url` addresses pages by number or by
    offset and `count` is known; None for any other link shape (follow it one by one).

    `page_length` is how many items the first page held (the page size, as the API chose
    it). Only the page or offset parameter changes: the rest of the link is kept as sent.
    """
    if count is None or count < 0 or page_length <= 0:
        return None
    params = next_url.params
    number = _whole(params.get("page"))
    if number is not None and "offset" not in params and "cursor" not in params:
        if number < 2:
            return None
        last = math.ceil(count / page_length)
        return PagePlan(next_url, "page", range(number, last + 1))
    offset, limit = _whole(params.get("offset")), _whole(params.get("limit"))
    if offset is not None and limit and "page" not in params and "cursor" not in params:
        return PagePlan(next_url, "offset", range(offset, count, limit))
    return None


class Limiter:
    """At most `limit` requests in flight; a 429 halves the limit (down to 1) and holds
    back new requests until its Retry-After has passed.

    `sleep` is the client's (tests pass a fake one); `clock` tells the time in seconds.
    """

    def __init__(
        self,
        limit: int,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit = max(1, limit)
        self.in_flight = 0
        #: The most requests that were ever in flight together (for tests and benchmarks).
        self.peak = 0
        self._sleep = sleep
        self._clock = clock or asyncio.get_running_loop().time
        self._paused_until = 0.0
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> None:
        waited_for = 0.0  # each pause is waited out once (a fake sleep returns at once)
        while True:
            until = self._paused_until
            if until > waited_for and until > self._clock():
                await self._sleep(until - self._clock())
                waited_for = until
                continue
            async with self._changed:
                if self.in_flight < self.limit:
                    self.in_flight += 1
                    self.peak = max(self.peak, self.in_flight)
                    return
                await self._changed.wait()

    async def __aexit__(self, *exc_info: object) -> None:
        async with self._changed:
            self.in_flight -= 1
            self._changed.notify_all()

    def rate_limited(self, retry_after: float | None) -> None:
        """The API answered 429: fewer requests at once, none before Retry-After."""
        now = self._clock()
        if now >= self._paused_until:  # one slow-down per 429 wave, not one per request
            self.limit = max(1, self.limit // 2)
        if retry_after is not None and retry_after > 0:
            self._paused_until = max(self._paused_until, now + retry_after)


async def fetch_in_order(
    urls: Sequence[httpx.URL],
    fetch: Callable[[httpx.URL, Limiter], Awaitable[T]],
    limiter: Limiter,
) -> AsyncIterator[T]:
    """`fetch(url, limiter)` for every URL, `limiter.limit` at a time, yielded in `urls` order.

    A failure is raised when its turn comes (pages before it are yielded first). When the
    caller stops early (or is cancelled), the requests still running are cancelled.
    """
    loop = asyncio.get_running_loop()
    # Not `for _ in urls`: iterating a `PagePlan` builds every URL (~0.1 s of the event
    # loop for 1,000 pages); each is built when its turn comes.
    answers: list[asyncio.Future[T]] = [loop.create_future() for _ in range(len(urls))]
    queue = iter(range(len(urls)))

    async def worker() -> None:
        for index in queue:
            try:
                async with limiter:
                    answer = await fetch(urls[index], limiter)
            except Exception as error:  # handed to the caller in order
                answers[index].set_exception(error)
            else:
                answers[index].set_result(answer)

    workers = [asyncio.create_task(worker()) for _ in range(min(limiter.limit, len(urls)))]
    try:
        for answer in answers:
            if answer.done():
                # Pages that arrived while the caller was busy would otherwise be handed
                # over back to back without the event loop getting a turn (a UI stalls).
                await asyncio.sleep(0)
            yield await answer
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for answer in answers:  # nobody will read these now: no "never retrieved" warnings
            if answer.done() and not answer.cancelled():
                answer.exception()


def same_origin(base: httpx.URL, target: httpx.URL) -> httpx.URL:
    """`target` if it is on the API's origin (http links behind a TLS proxy are upgraded);
    otherwise `BadResponseError`: the token is never sent anywhere else."""
    if target.host != base.host:
        raise BadResponseError(
            L_(
                "The API's next-page link points to another host ({host}); "
                "not followed, so the token is not sent there.",
                host=target.host,
            )
        )
    if target.scheme != base.scheme or target.port != base.port:
        if target.scheme == "http" and base.scheme == "https" and target.port in (None, 80):
            # A TLS-terminating proxy in front of the API often writes http:// links.
            target = target.copy_with(scheme=base.scheme, port=base.port)
        else:
            raise BadResponseError(
                L_(
                    "The API's next-page link points to another address ({address}); "
                    "not followed, so the token is not sent there.",
                    address=f"{target.scheme}://{target.host}:{target.port}",
                )
            )
    return target


class Tally:
    """What a listing has read so far: ids seen (for dedupe), items kept, problems."""

    def __init__(self) -> None:
        self.seen_ids: set[int] = set()
        self.problems: list[str] = []
        self.skipped = self.loaded = 0

    def page(self, decoded: DecodedPage[Any], *, done: bool) -> Page:
        """`decoded` as a `Page`: items already seen on an earlier page are dropped."""
        self.skipped += decoded.skipped
        problems = self.problems
        for problem in decoded.problems:
            if len(problems) < 20:
                problems.append(problem)
        items: list[Any] = []
        for item in decoded.items:
            item_id: int = getattr(item, "id")  # noqa: B009 - every model has an id
            if item_id in self.seen_ids:
                if len(problems) < 20:
                    problems.append(_("item {id} was listed twice; shown once").format(id=item_id))
                continue
            self.seen_ids.add(item_id)
            items.append(item)
        self.loaded += len(items)
        return Page(items, self.loaded, decoded.count, self.skipped, list(problems), done)


async def numbered(pages: AsyncIterator[T]) -> AsyncIterator[tuple[int, T]]:
    """`(0, first), (1, second), …` as they arrive."""
    index = 0
    async for page in pages:
        yield index, page
        index += 1


def slow_down(limiter: Limiter) -> Callable[[ApiError], None]:
    """An `on_retry` that tells the limiter about 429s (with their Retry-After)."""

    def heard(error: ApiError) -> None:
        if isinstance(error, RateLimitedError):
            limiter.rate_limited(error.retry_after)

    return heard
