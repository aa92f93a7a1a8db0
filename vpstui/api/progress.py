"""How a request is getting on, for callers that show it while it waits (the TUI's header).

`VpsClient` reports every try of a request to the listener of the current context, set
with `reporting_to`; with none set (scripts, most callers) nothing is reported:

    with reporting_to(watch.report):
        async for page in api.iter_backup_pages():
            ...

Reports, one per step of a request:

    TryStarted     a try (`attempt` of `attempts`) left
    TryRetrying    that try failed and another follows in `delay` seconds
    TryEnded       the request is over: answered, or failed for good

The listener runs inside the request's task: it must return quickly and not raise.
A context variable, so a listener set around one request reaches only that request
(and tasks started from inside it), never another caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import msgspec

from vpstui.api.errors import ApiError

__all__ = [
    "RequestEvent",
    "TryEnded",
    "TryRetrying",
    "TryStarted",
    "report",
    "report_to",
    "reporting_to",
]

# msgspec Structs rather than dataclasses: a dataclass is built by generating and
# compiling its methods, ~1 ms each of the app's start (issue 13); a Struct is built in C.


class TryStarted(msgspec.Struct, frozen=True):
    """Try number `attempt` (from 1) of at most `attempts` of `action` left."""

    action: str
    attempt: int
    attempts: int


class TryRetrying(msgspec.Struct, frozen=True):
    """Try `attempt` of `action` failed with `error`; try `attempt + 1` follows in `delay` s."""

    action: str
    attempt: int
    attempts: int
    error: ApiError
    delay: float


class TryEnded(msgspec.Struct, frozen=True):
    """`action` is over after `attempt` tries: `error` None means it was answered."""

    action: str
    attempt: int
    error: ApiError | None = None


RequestEvent = TryStarted | TryRetrying | TryEnded

_listener: ContextVar[Callable[[RequestEvent], None] | None] = ContextVar(
    "vpstui_request_listener", default=None
)


@contextmanager
def reporting_to(listener: Callable[[RequestEvent], None]) -> Iterator[None]:
    """Within this block (and tasks started in it), requests report to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report_to(listener: Callable[[RequestEvent], None]) -> None:
    """From now on, requests of the current task (and tasks it starts) report to
    `listener`: for a task that exists to make them, such as a UI worker."""
    _listener.set(listener)


def report(event: RequestEvent) -> None:
    """Hand `event` to the current listener, if any."""
    listener = _listener.get()
    if listener is not None:
        listener(event)
