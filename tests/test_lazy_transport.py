"""The client's network transport is built by its first request, not with the client
(issue 13: the TUI makes its client before its first frame, which needs no network)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import httpx
import pytest

from vpstui.api import RetryPolicy, TransportError, VpsClient
from vpstui.api.transport import LazyTransport


def test_making_a_client_loads_no_connection_pool_or_certificates() -> None:
    """In a fresh interpreter: httpcore (the pool) and certifi (the certificate store) are
    not even imported by making an https client; the first request builds them."""
    code = textwrap.dedent(
        """
        import asyncio, sys
        from vpstui.api import VpsClient
        client = VpsClient(token="t", base_url="https://admin.vps.org")
        print("httpcore" in sys.modules, "certifi" in sys.modules)
        client._http._transport.inner
        print("httpcore" in sys.modules, "certifi" in sys.modules)
        asyncio.run(client.aclose())
        """
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.split() == ["False", "False", "True", "True"]


async def test_closing_an_unused_client_builds_nothing() -> None:
    client = VpsClient(token="t", base_url="https://admin.vps.org")
    lazy = client._http._transport
    assert isinstance(lazy, LazyTransport)
    async with client:
        pass
    assert not lazy.built


async def test_the_first_request_goes_through_the_built_transport() -> None:
    """Over real HTTP on loopback: the request is answered, and only then is there a pool."""
    body = b'{"count": 0, "next": null, "results": []}'

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with VpsClient(token="t", base_url=f"http://127.0.0.1:{port}") as client:
            lazy = client._http._transport
            assert isinstance(lazy, LazyTransport) and not lazy.built
            assert await client.list_backups() == []
            assert lazy.built and isinstance(lazy.inner, httpx.AsyncHTTPTransport)
    finally:
        server.close()
        await server.wait_closed()


async def test_an_unusable_certificate_store_fails_the_request_not_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SSL_CERT_FILE naming a missing file: httpx cannot build its TLS context. That used to
    happen while the client was made; now the first request fails with a readable
    `ApiError` (nothing was sent)."""
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/vpstui-test-ca.pem")
    client = VpsClient(token="t", base_url="https://admin.vps.org", retry=RetryPolicy(attempts=1))
    with pytest.raises(TransportError) as raised:
        await client.list_backups()
    assert "TLS certificate" in str(raised.value)
    await client.aclose()
