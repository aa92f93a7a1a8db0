"""Shared fixtures for the API client tests: a respx router, a recording fake sleep, a client."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from vpstui.api import RetryPolicy, VpsClient

API_BASE = "https://admin.vps.org"
API_TOKEN = "tok-SECRET-123"


class FakeSleep:
    """An async stand-in for `asyncio.sleep` that returns at once and records each delay."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def token() -> str:
    """A distinctive token, easy to search for in reprs and messages."""
    return API_TOKEN


@pytest.fixture
def sleeper() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def router() -> respx.MockRouter:
    """Routes for https://admin.vps.org; an unrouted request fails the test."""
    return respx.MockRouter(base_url=API_BASE, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
async def make_client(
    router: respx.MockRouter, sleeper: FakeSleep, token: str
) -> AsyncIterator[Callable[..., VpsClient]]:
    """Build `VpsClient`s wired to `router` and `sleeper`; keyword arguments override."""
    clients: list[VpsClient] = []

    def factory(**overrides: Any) -> VpsClient:
        options: dict[str, Any] = {
            "token": token,
            "base_url": API_BASE,
            "transport": httpx.MockTransport(router.async_handler),
            "retry": RetryPolicy(rng=random.Random(0)),
            "sleep": sleeper,
        }
        options.update(overrides)
        client = VpsClient(**options)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()
