"""The token never reaches a proxy in cleartext (issue 11).

A real listener on 127.0.0.1 plays the proxy and records every byte it receives, and the
proxy environment variables point at it, as a user's shell would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from vpstui.api import ApiError, ProxyError, RetryPolicy, TransportError, VpsClient

TOKEN = "tok-PROXY-0123456789abcdef"
ONCE = RetryPolicy(attempts=1)
PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)


@dataclass
class Listener:
    """A TCP listener that records what arrives and answers like a forward proxy would."""

    port: int = 0
    received: bytearray = field(default_factory=bytearray)
    connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            head = b""
        self.received += head
        body = b'{"count": 0, "next": null, "results": []}'
        if not head.startswith(b"CONNECT"):
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
            )
        await writer.drain()
        writer.close()


@pytest.fixture
async def proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Listener]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    listener = Listener()
    server = await asyncio.start_server(listener.handle, "127.0.0.1", 0)
    listener.port = server.sockets[0].getsockname()[1]
    async with server:
        yield listener


async def unused_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return port


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
async def test_a_loopback_http_api_never_goes_through_a_proxy(
    proxy: Listener, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """http://127.0.0.1 with a proxy set: the request goes straight to the address (here
    nobody listens, so it is refused), and the proxy sees nothing at all."""
    monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.port}")
    port = await unused_port()
    async with VpsClient(token=TOKEN, base_url=f"http://127.0.0.1:{port}", retry=ONCE) as api:
        with pytest.raises(TransportError, match=r"could not connect|refused"):
            await api.list_servers()
    assert TOKEN.encode() not in proxy.received
    assert proxy.connections == 0


async def test_an_https_api_through_a_proxy_is_only_tunnelled(
    proxy: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """https:// through a proxy: the proxy is asked to CONNECT, and sees no header of ours."""
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    async with VpsClient(token=TOKEN, base_url="https://api.example.invalid", retry=ONCE) as api:
        with pytest.raises(ApiError):
            await api.list_servers()
    assert proxy.received.startswith(b"CONNECT api.example.invalid:443 "), bytes(proxy.received)
    assert TOKEN.encode() not in proxy.received
    assert b"authorization" not in proxy.received.lower()


async def test_control_the_listener_sees_a_forwarded_request(proxy: Listener) -> None:
    """Control: a plain httpx client with the proxy does send the header to the listener,
    so the tests above would notice a leak."""
    import httpx

    async with httpx.AsyncClient(proxy=f"http://127.0.0.1:{proxy.port}") as client:
        await client.get("http://127.0.0.1:9/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert TOKEN.encode() in proxy.received


def test_a_socks_proxy_without_socksio_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """ALL_PROXY=socks5://… without the optional `socksio` package: a readable ApiError
    naming the variable and the fix, not an ImportError."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(__import__("sys").modules, "socksio", None)  # not installed
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(ProxyError) as raised:
        VpsClient(token=TOKEN, base_url="https://admin.vps.org")
    message = str(raised.value)
    assert "SOCKS" in message and "socksio" in message
    assert "ALL_PROXY" in message or "proxy" in message.lower()
