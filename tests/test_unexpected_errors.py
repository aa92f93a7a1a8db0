"""Failures nobody planned for become an `ApiError` with a readable message (issue 12,
finding 5): a `next` link with a NUL character, an IDNA-invalid host, a token that cannot
be put in a header. Before, they escaped as httpx/idna/Unicode exceptions: the TUI's
worker died ("◌ connecting · refreshing…" forever) and scripts printed a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from vpstui.api import (
    ApiError,
    AuthenticationError,
    InsecureUrlError,
    RetryPolicy,
    VpsClient,
)
from vpstui.commands import run_command
from vpstui.commands.session import Runtime
from vpstui.config import Settings

BASE = "https://admin.vps.org"
TOKEN = "tok-UNEXPECTED-0123456789"
ONCE = RetryPolicy(attempts=1)
EMPTY = {"count": 0, "next": None, "results": []}


def page(next_link: str | None) -> dict[str, Any]:
    return {"count": 2, "next": next_link, "results": []}


def answering(body: Callable[[httpx.Request], dict[str, Any]], seen: list[str]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=body(request))

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    "link",
    [
        f"{BASE}/api/v1/backups/?page=2\x00",
        "/api/v1/backups/?page=\x00",
        "https://\u2603\u0080.example/next",
        "https://[::1/",
        "https://xn--a.example/next",
    ],
    ids=["nul-absolute", "nul-relative", "idna-host", "bad-port", "bad-a-label"],
)
async def test_a_next_link_that_is_no_url_is_an_api_error(link: str) -> None:
    seen: list[str] = []
    transport = answering(lambda r: page(link), seen)
    async with VpsClient(token=TOKEN, base_url=BASE, transport=transport, retry=ONCE) as api:
        with pytest.raises(ApiError, match=r"next-page link") as raised:
            await api.list_backups()
    assert len(seen) == 1, "nothing was requested from the bad link"
    assert "\x00" not in str(raised.value)


@pytest.mark.parametrize("host", ["xn--a.example", "xn--zz.example"])
def test_an_idna_invalid_api_host_is_an_api_error(host: str) -> None:
    """`xn--a` passes httpx's URL parser but not IDNA decoding: said when the client is
    built (the TUI and scripts print it and exit 2)."""
    with pytest.raises(InsecureUrlError, match=r"not a valid international \(IDNA\)"):
        VpsClient(token=TOKEN, base_url=f"https://{host}", retry=ONCE)


@pytest.mark.parametrize(
    "token",
    ["tok-\udcff-surrogate-0123456789", "tok-é-accent-0123456789", "tok-\n-newline-0123456789"],
    ids=["undecodable-byte", "non-ascii", "newline"],
)
async def test_a_token_that_cannot_go_in_a_header_is_an_api_error(token: str) -> None:
    """Said before anything is sent, without showing the token, and not retried."""
    seen: list[str] = []
    transport = answering(lambda r: EMPTY, seen)
    async with VpsClient(token=token, base_url=BASE, transport=transport) as api:
        with pytest.raises(AuthenticationError, match=r"API token .*cannot be sent") as raised:
            await api.list_servers()
    assert seen == []
    message = str(raised.value)
    assert "0123456789" not in message and token[:8] not in message


async def test_any_other_surprise_while_sending_is_an_api_error() -> None:
    """Whatever a transport raises (here a plain RuntimeError), the caller gets an ApiError
    with the request's action, and a POST is marked as possibly applied."""

    def explode(request: httpx.Request) -> httpx.Response:
        raise RuntimeError(f"driver bug with {TOKEN}")

    transport = httpx.MockTransport(explode)
    async with VpsClient(token=TOKEN, base_url=BASE, transport=transport, retry=ONCE) as api:
        with pytest.raises(ApiError, match=r"Could not list servers") as listed:
            await api.list_servers()
        with pytest.raises(ApiError, match=r"Could not create a backup") as created:
            await api.create_backup(1)
    assert TOKEN[:8] not in str(listed.value)
    assert not listed.value.outcome_unknown and created.value.outcome_unknown


async def test_a_host_name_failing_to_encode_while_connecting_is_an_api_error() -> None:
    """The idna codec raising while the connection is made (seen with odd labels) is said
    as a URL problem, and not retried."""
    calls: list[int] = []

    def encode_fails(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise UnicodeError("encoding with 'idna' codec failed (label too long)")

    transport = httpx.MockTransport(encode_fails)
    async with VpsClient(token=TOKEN, base_url=BASE, transport=transport) as api:
        with pytest.raises(InsecureUrlError, match=r"not a valid international"):
            await api.list_servers()
    assert calls == [1]


async def test_a_deeply_nested_answer_is_an_api_error() -> None:
    """A body json.loads gives up on (RecursionError) is a BadResponseError, not a crash."""
    deep = b"[" * 100_000 + b"]" * 100_000
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=deep))
    async with VpsClient(token=TOKEN, base_url=BASE, transport=transport, retry=ONCE) as api:
        with pytest.raises(ApiError):
            await api.list_servers()
        with pytest.raises(ApiError):
            await api.get_server(1)


def test_a_script_prints_a_clear_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`vpstui backups list` against an API whose next link holds a NUL: exit 1 and one
    readable line on stderr."""
    body = {"count": 2, "next": f"{BASE}/api/v1/backups/?page=2\x00", "results": []}
    transport = httpx.MockTransport(lambda r: httpx.Response(200, content=json.dumps(body)))

    def connect(settings: Settings, timeout: float | None) -> VpsClient:
        return VpsClient(token=TOKEN, base_url=BASE, transport=transport, retry=ONCE)

    (tmp_path / "config.toml").write_text("")
    runtime = Runtime(connect=connect, audit_path=tmp_path / "audit.jsonl")
    argv = ["--config", str(tmp_path / "config.toml"), "--token-file", str(tmp_path / "t")]
    (tmp_path / "t").write_text(TOKEN)
    (tmp_path / "t").chmod(0o600)
    code = run_command([*argv, "backups", "list"], runtime=runtime)
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("vpstui: ") and "next-page link" in err
    assert "Traceback" not in err
