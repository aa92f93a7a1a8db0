"""Faults on demand, for tests and demos of how vpstui copes with a struggling API."""

from __future__ import annotations

from collections.abc import Callable

import httpx

Fault = Exception | Callable[[httpx.Request], httpx.Response]


class SwitchableTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; while `fault` is set, every request gets it instead: an exception
    to raise (e.g. `httpx.ConnectError`) or a function that builds the response."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.fault: Fault | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault
        if isinstance(fault, Exception):
            raise fault
        if fault is not None:
            return fault(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
