"""Concurrent paging (issue 13): page-number and limit/offset links are fetched side by
side once `count` is known; any other link shape is followed one by one.

Every test serves a listing from a respx handler that can answer pages out of order,
fail, rate-limit, or change its page count, and checks what the client returns.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from tests.conftest import FakeSleep
from tests.test_client import BACKUPS, BASE, raw_backup
from vpstui.api import ApiError, VpsClient
from vpstui.api.errors import BadResponseError
from vpstui.api.paging import page_plan

ClientFactory = Callable[..., VpsClient]


class Listing:
    """A paginated backups listing served by a respx handler.

    `shape` is "page" (`?page=N`), "offset" (`?limit=&offset=`) or "cursor" (opaque, no
    count). `delay(n)` is how long page n takes (later pages faster: answers arrive out of
    order); `answer(n, attempt)` may replace page n's answer (a 429, a 503…).
    """

    def __init__(self, ids: list[int], size: int = 20, shape: str = "page") -> None:
        self.ids, self.size, self.shape = ids, size, shape
        self.in_flight = self.peak = 0
        self.requested: list[int] = []
        self.delay: Callable[[int], float] = lambda n: 0.002 * (30 - n % 30)
        self.answer: Callable[[int, int], httpx.Response | None] = lambda n, attempt: None
        self.count: int | None = len(ids)

    def _number(self, url: httpx.URL) -> int:
        params = url.params
        if self.shape == "page":
            return int(params.get("page", "1"))
        if self.shape == "offset":
            return int(params.get("offset", "0")) // self.size + 1
        return int(params.get("cursor", "c1")[1:])

    def _link(self, number: int) -> str | None:
        if (number - 1) * self.size >= len(self.ids):
            return None
        if self.shape == "page":
            return f"{BASE}{BACKUPS}?page={number}"
        if self.shape == "offset":
            return f"{BASE}{BACKUPS}?limit={self.size}&offset={(number - 1) * self.size}"
        return f"{BASE}{BACKUPS}?cursor=c{number}"

    async def handle(self, request: httpx.Request) -> httpx.Response:
        number = self._number(request.url)
        self.requested.append(number)
        attempt = self.requested.count(number)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay(number))
        finally:
            self.in_flight -= 1
        replaced = self.answer(number, attempt)
        if replaced is not None:
            return replaced
        chunk = self.ids[(number - 1) * self.size : number * self.size]
        if not chunk and number > 1:
            return httpx.Response(404, json={"detail": "Invalid page."})
        body: dict[str, Any] = {
            "next": self._link(number + 1),
            "previous": None,
            "results": [raw_backup(i) for i in chunk],
        }
        if self.shape != "cursor" and self.count is not None:
            body["count"] = self.count
        return httpx.Response(200, json=body)


@pytest.fixture
def serve(router: respx.MockRouter) -> Callable[[Listing], Listing]:
    def install(listing: Listing) -> Listing:
        router.get(BACKUPS).mock(side_effect=listing.handle)
        return listing

    return install


@pytest.mark.parametrize("shape", ["page", "offset"])
async def test_addressable_pages_come_concurrently_in_order(
    make_client: ClientFactory, serve: Callable[[Listing], Listing], shape: str
) -> None:
    """500 backups in 25 pages, answered out of order: all of them, in page order, each
    page requested once, at most `page_concurrency` at a time (and more than one)."""
    listing = serve(Listing(list(range(1000, 1500)), shape=shape))
    client = make_client(page_concurrency=4)
    result = await client.list_backups()
    assert [b.id for b in result] == listing.ids
    assert sorted(listing.requested) == list(range(1, 26))
    assert listing.peak == 4
    assert result.total == 500 and not result.problems


async def test_cursor_links_are_followed_one_by_one(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = serve(Listing(list(range(1, 101)), shape="cursor"))
    result = await make_client(page_concurrency=6).list_backups()
    assert [b.id for b in result] == listing.ids
    assert listing.requested == [1, 2, 3, 4, 5]
    assert listing.peak == 1


async def test_unknown_count_is_followed_one_by_one(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = Listing(list(range(1, 101)))
    listing.count = None
    serve(listing)
    result = await make_client().list_backups()
    assert [b.id for b in result] == listing.ids and listing.peak == 1


async def test_progress_arrives_page_by_page(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    """The first page is yielded before the rest; `loaded` and `count` say how far."""
    serve(Listing(list(range(1, 101))))
    pages = [p async for p in make_client().iter_backup_pages()]
    assert [p.loaded for p in pages] == [20, 40, 60, 80, 100]
    assert [p.count for p in pages] == [100] * 5
    assert [p.done for p in pages] == [False] * 4 + [True]


async def test_duplicates_across_concurrent_pages_are_shown_once(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    ids = list(range(1, 61))
    ids[45] = 5  # backup 5 appears again on page 3 (a listing that shifted)
    serve(Listing(ids))
    result = await make_client().list_backups()
    assert [b.id for b in result] == [i for n, i in enumerate(ids) if n != 45]
    assert "item 5 was listed twice; shown once" in result.problems


async def test_results_are_the_same_whatever_order_answers_arrive(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    rng = random.Random(7)
    ids = rng.sample(range(10_000, 20_000), 300)  # the API's order, not sorted
    listing = Listing(ids)
    listing.delay = lambda n: rng.uniform(0, 0.01)
    serve(listing)
    result = await make_client().list_backups()
    assert [b.id for b in result] == ids


async def test_429_lowers_concurrency_and_honours_retry_after(
    make_client: ClientFactory, serve: Callable[[Listing], Listing], sleeper: FakeSleep
) -> None:
    listing = Listing(list(range(1, 401)))

    def limited(number: int, attempt: int) -> httpx.Response | None:
        if number == 3 and attempt == 1:
            return httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow"})
        return None

    listing.answer = limited
    serve(listing)
    client = make_client(page_concurrency=6)
    result = await client.list_backups()
    assert [b.id for b in result] == listing.ids
    assert listing.requested.count(3) == 2
    assert client.last_limiter is not None and client.last_limiter.limit == 3
    assert 7.0 in sleeper.delays


async def test_a_failed_page_is_retried_like_any_get(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = Listing(list(range(1, 101)))
    listing.answer = lambda n, attempt: httpx.Response(503) if n == 4 and attempt < 3 else None
    serve(listing)
    result = await make_client().list_backups()
    assert [b.id for b in result] == listing.ids
    assert listing.requested.count(4) == 3


async def test_a_page_failing_midway_fails_the_listing_after_the_pages_before_it(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = Listing(list(range(1, 201)))
    listing.answer = lambda n, attempt: httpx.Response(500) if n == 6 else None
    serve(listing)
    loaded: list[int] = []
    with pytest.raises(ApiError) as raised:
        async for page in make_client().iter_backup_pages():
            loaded.append(page.loaded)
    assert raised.value.status == 500
    assert loaded == [20, 40, 60, 80, 100]  # pages 1-5 arrived before the failure
    assert listing.requested.count(6) == 1  # a 500 is not retried


async def test_fewer_pages_than_counted_stops_at_the_last_real_page(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    """Backups deleted meanwhile: page 3 says it is the last; page 4-5 answer 404."""
    listing = Listing(list(range(1, 51)))
    listing.count = 100  # what page 1 announced
    serve(listing)
    result = await make_client().list_backups()
    assert [b.id for b in result] == listing.ids


async def test_more_pages_than_counted_are_followed(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = Listing(list(range(1, 101)))
    listing.count = 40  # page 1 says 2 pages; page 2 still links to page 3
    serve(listing)
    result = await make_client().list_backups()
    assert [b.id for b in result] == listing.ids


async def test_a_page_link_to_another_host_is_never_requested(
    make_client: ClientFactory, router: respx.MockRouter
) -> None:
    first = {"count": 60, "next": "https://evil.example/api/v1/backups/?page=2", "results": []}
    first["results"] = [raw_backup(i) for i in range(1, 21)]
    router.get(BACKUPS).mock(return_value=httpx.Response(200, json=first))
    with pytest.raises(BadResponseError, match="another host"):
        await make_client().list_backups()
    assert len(router.calls) == 1  # (the router refuses unrouted hosts: none was tried)


async def test_cancelling_a_listing_cancels_its_page_requests(
    make_client: ClientFactory, serve: Callable[[Listing], Listing]
) -> None:
    listing = Listing(list(range(1, 401)))
    six_waiting = asyncio.Event()

    def delay(number: int) -> float:
        if listing.in_flight == 6:
            six_waiting.set()
        return 0 if number == 1 else 10.0

    listing.delay = delay
    serve(listing)
    task = asyncio.create_task(make_client().list_backups())
    await asyncio.wait_for(six_waiting.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert listing.in_flight == 0


def test_page_plan_reads_only_addressable_links() -> None:
    url = httpx.URL
    plan = page_plan(url(f"{BASE}{BACKUPS}?server_id=5&page=2"), 95, 20)
    assert [str(u) for u in plan or []] == [
        f"{BASE}{BACKUPS}?server_id=5&page={n}" for n in range(2, 6)
    ]
    offsets = page_plan(url(f"{BASE}{BACKUPS}?limit=20&offset=20"), 61, 20)
    assert [u.params["offset"] for u in offsets or []] == ["20", "40", "60"]
    assert page_plan(url(f"{BASE}{BACKUPS}?cursor=abc"), 95, 20) is None
    assert page_plan(url(f"{BASE}{BACKUPS}?page=2"), None, 20) is None
    assert page_plan(url(f"{BASE}{BACKUPS}?page=two"), 95, 20) is None
    assert page_plan(url(f"{BASE}{BACKUPS}?page=2"), 95, 0) is None


async def test_page_urls_are_built_as_their_turn_comes() -> None:
    """A `PagePlan` builds each URL when asked (1,000 at once held the event loop for
    ~0.1 s); `fetch_in_order` had asked for all of them before the first request, by
    iterating the plan. Only the URLs of pages started so far are built."""
    from vpstui.api.paging import Limiter, PagePlan, fetch_in_order

    class Counting(PagePlan):
        built = 0

        def __getitem__(self, index: Any) -> Any:
            Counting.built += 1
            return super().__getitem__(index)

    plan = Counting(httpx.URL(f"{BASE}{BACKUPS}?page=2"), "page", range(2, 1002))
    gate = asyncio.Event()

    async def fetch(url: httpx.URL, limiter: Limiter) -> str:
        await gate.wait()
        return str(url)

    pages = fetch_in_order(plan, fetch, Limiter(6, asyncio.sleep))
    first = asyncio.ensure_future(pages.__anext__())
    await asyncio.sleep(0.01)
    assert Counting.built == 6  # the 6 pages in flight, not 1,000
    gate.set()
    assert (await first).endswith("page=2")
    await pages.aclose()
