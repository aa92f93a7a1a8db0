"""The client reports how a request is getting on (`vpstui.api.reporting_to`), and
`vpstui.loading.RequestWatch` turns that into what the header says (issue 12, item 2)."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import httpx
import pytest
import respx

from vpstui.api import (
    RequestEvent,
    RetryPolicy,
    ServerError,
    TimeoutError_,
    TryEnded,
    TryRetrying,
    TryStarted,
    VpsClient,
    reporting_to,
)
from vpstui.clock import FakeClock
from vpstui.loading import RequestWatch

BASE = "https://api.test"
EMPTY = {"count": 0, "next": None, "previous": None, "results": []}


class LongestWait(random.Random):
    def uniform(self, a: float, b: float) -> float:
        return b


async def no_sleep(seconds: float) -> None:
    return None


def client() -> VpsClient:
    retry = RetryPolicy(attempts=3, base_delay=2.0, max_delay=2.0, rng=LongestWait())
    return VpsClient(token="t", base_url=BASE, retry=retry, sleep=no_sleep)


@respx.mock
async def test_a_retried_get_reports_each_try() -> None:
    """503, then 200: started 1/3, retrying in 2 s, started 2/3, ended without error."""
    respx.get(f"{BASE}/api/v1/backups/").mock(
        side_effect=[httpx.Response(503, json={"detail": "busy"}), httpx.Response(200, json=EMPTY)]
    )
    events: list[RequestEvent] = []
    async with client() as api:
        with reporting_to(events.append):
            await api.list_backups()
    assert [type(e) for e in events] == [TryStarted, TryRetrying, TryStarted, TryEnded]
    assert (events[0].attempt, events[0].attempts) == (1, 3)  # type: ignore[union-attr]
    retrying = events[1]
    assert isinstance(retrying, TryRetrying)
    assert retrying.delay == 2.0 and isinstance(retrying.error, ServerError)
    assert events[3] == TryEnded("list backups", 2)


@respx.mock
async def test_a_post_reports_one_try_and_its_failure() -> None:
    """A create is never retried: one try, ended with the error."""
    respx.post(f"{BASE}/api/v1/backups/").mock(side_effect=httpx.ReadTimeout("slow"))
    events: list[RequestEvent] = []
    async with client() as api:
        with reporting_to(events.append), pytest.raises(TimeoutError_):
            await api.create_backup(1)
    assert [type(e) for e in events] == [TryStarted, TryEnded]
    assert events[0] == TryStarted("create a backup", 1, 1)
    ended = events[1]
    assert isinstance(ended, TryEnded) and isinstance(ended.error, TimeoutError_)


@respx.mock
async def test_only_requests_inside_the_block_report() -> None:
    """Outside `reporting_to`, and in tasks started before it, nothing is reported."""
    respx.get(f"{BASE}/api/v1/backups/").mock(return_value=httpx.Response(200, json=EMPTY))
    events: list[RequestEvent] = []
    async with client() as api:
        before = asyncio.ensure_future(api.list_backups())
        with reporting_to(events.append):
            await before
        await api.list_backups()
        assert events == []
        with reporting_to(events.append):
            await api.list_backups()
        assert len(events) == 2


def test_watch_says_nothing_until_the_answer_is_slow() -> None:
    clock = FakeClock()
    watch = RequestWatch(clock.now, slow_after=10)
    assert watch.text(clock.now()) is None
    watch.report(TryStarted("list backups", 1, 3))
    assert watch.text(clock.advance(9)) is None
    assert watch.text(clock.advance(3)) == "no answer for 12 s, still waiting"


def test_watch_counts_down_to_the_next_try_and_forgets_an_answered_request() -> None:
    """A failed try speaks at once (a read timeout before `slow_after`), with the countdown;
    the next try keeps the total wait; an answer clears it all."""
    clock = FakeClock()
    watch = RequestWatch(clock.now, slow_after=10)
    watch.report(TryStarted("list backups", 1, 3))
    clock.advance(6)
    watch.report(TryRetrying("list backups", 1, 3, TimeoutError_("read timeout"), 4.0))
    assert watch.text(clock.now()) == "no answer for 6 s, retrying 2/3 in 4 s"
    assert watch.text(clock.advance(1)) == "no answer for 7 s, retrying 2/3 in 3 s"
    clock.advance(3)
    watch.report(TryStarted("list backups", 2, 3))
    assert watch.text(clock.advance(2)) == "no answer for 12 s, retrying 2/3"
    watch.report(TryEnded("list backups", 2))
    assert watch.text(clock.now() + timedelta(seconds=60)) is None


def test_watch_names_a_status_answer_instead_of_no_answer() -> None:
    clock = FakeClock()
    watch = RequestWatch(clock.now)
    watch.report(TryStarted("list backups", 1, 3))
    watch.report(TryRetrying("list backups", 1, 3, ServerError("bad gateway", status=502), 1.0))
    assert watch.text(clock.now()) == "the API answered 502, retrying 2/3 in 1 s"
