"""Plain http:// is allowed only for loopback: 127.0.0.0/8, ::1 and exactly `localhost`
(issue 11). `evil.localhost` is a DNS name like any other: it may resolve anywhere."""

from __future__ import annotations

import pytest

from vpstui.api import InsecureUrlError, VpsClient
from vpstui.api.origin import check_base_url, is_loopback


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]"]
)
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "evil.localhost",
        "a.b.localhost",
        "localhost.",
        "localhost.evil.example",
        "128.0.0.1",
        "10.0.0.1",
        "::2",
        "0.0.0.0",
        "",
    ],
)
def test_names_that_only_look_like_loopback_are_not(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("url", ["http://evil.localhost", "http://sub.evil.localhost:8000/"])
def test_plain_http_to_a_localhost_subdomain_is_refused(url: str) -> None:
    with pytest.raises(InsecureUrlError, match="unencrypted"):
        check_base_url(url)
    with pytest.raises(InsecureUrlError):
        VpsClient(token="tok-LOOPBACK-123456", base_url=url)


@pytest.mark.parametrize("url", ["http://localhost:8000", "http://127.0.0.2", "http://[::1]:9"])
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert check_base_url(url).scheme == "http"
