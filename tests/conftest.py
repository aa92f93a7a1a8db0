"""Shared fixtures for the API client tests: a respx router, a recording fake sleep, a client.

Also pins the environment every test (and every process a test starts) runs in, so that the
suite gives the same result on a CI whose LANG is zh_CN or unset, with NO_COLOR set, or on a
machine where the user has a vpstui config, cache, token or state of their own.
"""

from __future__ import annotations

import atexit
import os
import random
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from vpstui import i18n
from vpstui.api import RetryPolicy, VpsClient

API_BASE = "https://admin.vps.org"
API_TOKEN = "tok-SECRET-123"

#: Variables that change what vpstui (or Textual) says or draws, which files it reads, or
#: where its requests (and the tests' own, to the demo backend on 127.0.0.1) go: removed
#: before anything is imported. The locale is pinned to English below; tests of the
#: language choice or of proxies set their own.
_PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
UNSET = (
    *("LC_ALL", "LC_MESSAGES", "LANGUAGE", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"),
    *_PROXIES,
    *(name.lower() for name in _PROXIES),
)
UNSET_PREFIXES = ("VPS_", "VPSTUI_", "TEXTUAL_")


def pin_environment(environ: MutableMapping[str, str], scratch: Path) -> None:
    """English, no colour switches, no vpstui settings, and XDG directories (config, cache,
    state, data) in `scratch`, never the user's own."""
    for name in [*UNSET, *(k for k in environ if k.startswith(UNSET_PREFIXES))]:
        environ.pop(name, None)
    environ["LANG"] = "C.UTF-8"
    for kind in ("CONFIG", "CACHE", "STATE", "DATA"):
        path = scratch / kind.lower()
        path.mkdir(mode=0o700, exist_ok=True)
        environ[f"XDG_{kind}_HOME"] = str(path)


# Module level: Textual reads some of these when imported, and the UI conftest imports it.
_SCRATCH = Path(tempfile.mkdtemp(prefix="vpstui-tests-"))
atexit.register(shutil.rmtree, _SCRATCH, True)
pin_environment(os.environ, _SCRATCH)


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    """Each test starts in English: an in-process command run with `--lang zh-CN` switches
    the process's language (a real run is one process), and must not leak into the next."""
    i18n.use(i18n.DEFAULT)
    yield
    i18n.use(i18n.DEFAULT)


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
