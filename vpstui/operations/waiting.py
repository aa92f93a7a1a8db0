"""The one waiting loop: poll until something is finished, or give up (after hcloud's
`BoundAction.wait_until_finished`). The safety backup, `--wait` and the restore
follow-up all wait through `wait_until`, with one policy:

- read every `poll_interval` seconds, measuring time with the injected clock and pausing
  through the injected `sleep` (tests move a fake clock instead of sleeping);
- a failed read (the client has already retried the GET) is reported through `failed`
  and the next one tried, until `give_up_after`; only a rejected token (401/403) or the
  thing waited for disappearing (404) end the wait early, by raising;
- `stop` (an `asyncio.Event`, e.g. Esc in a dialog) ends the wait at once.

No Textual.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, TypeVar

import msgspec

from vpstui.api import ApiError, AuthenticationError, NotFoundError
from vpstui.clock import Clock

__all__ = ["GaveUp", "Stopped", "WaitPolicy", "elapsed_text", "wait_until"]

T = TypeVar("T")

#: How long `--wait` and the restore follow-up wait by default (seconds).
DEFAULT_GIVE_UP_AFTER = 30 * 60.0


class WaitPolicy(msgspec.Struct, frozen=True):
    """How often to read, and for how long at most (seconds)."""

    poll_interval: float = 5.0
    give_up_after: float = DEFAULT_GIVE_UP_AFTER


class GaveUp(Exception, Generic[T]):
    """`give_up_after` passed; `last` is the last value read (None if none was)."""

    def __init__(self, waited: float, last: T | None) -> None:
        super().__init__(f"gave up after {waited:g} s")
        self.waited = waited
        self.last = last


class Stopped(Exception, Generic[T]):
    """`stop` was set; `last` is the last value read (None if none was)."""

    def __init__(self, last: T | None) -> None:
        super().__init__("stopped")
        self.last = last


def elapsed_text(seconds: float) -> str:
    """ "m:ss" for a duration."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


async def _pause(
    seconds: float, sleep: Callable[[float], Awaitable[None]], stop: asyncio.Event | None
) -> None:
    if stop is None:
        await sleep(seconds)
        return
    if stop.is_set():
        return
    stopped = asyncio.ensure_future(stop.wait())
    slept = asyncio.ensure_future(sleep(seconds))
    try:
        await asyncio.wait({stopped, slept}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (stopped, slept):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def wait_until(
    read: Callable[[], Awaitable[T]],
    finished: Callable[[T], bool],
    *,
    policy: WaitPolicy,
    clock: Clock,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    stop: asyncio.Event | None = None,
    failed: Callable[[ApiError], None] | None = None,
    started: datetime | None = None,
) -> T:
    """Read until `finished(value)`; returns that value.

    Raises `GaveUp` after `policy.give_up_after` seconds (from `started`, default now),
    `Stopped` when `stop` is set, and the read's `AuthenticationError`/`NotFoundError`.
    """
    start = started or clock.now()
    last: T | None = None
    while True:
        waited = (clock.now() - start).total_seconds()
        remaining = policy.give_up_after - waited
        if remaining <= 0:
            raise GaveUp(policy.give_up_after, last)
        await _pause(min(policy.poll_interval, remaining), sleep, stop)
        if stop is not None and stop.is_set():
            raise Stopped(last)
        try:
            value = await read()
        except (AuthenticationError, NotFoundError):
            raise
        except ApiError as error:
            if failed is not None:
                failed(error)
            continue
        last = value
        if finished(value):
            return value
