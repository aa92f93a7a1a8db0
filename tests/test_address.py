"""`api_host` names the API as the client does, without httpx (issue 13): the header, the
listing cache, the operations ledger and the audit log are keyed by it before the client
is built, and by `VpsClient.host` after."""

from __future__ import annotations

import pytest

from vpstui.api import VpsClient
from vpstui.api.address import api_host, check_api_url
from vpstui.api.errors import InsecureUrlError

URLS = [
    "https://admin.vps.org",
    "https://Admin.VPS.org/",
    "https://admin.vps.org:443/api/",
    "https://admin.vps.org:8443",
    "HTTPS://admin.vps.org",
    "http://127.0.0.1:8765",
    "http://127.0.0.1:443",
    "http://localhost",
    "http://LOCALHOST:80",
    "http://[::1]:8080",
    "http://[::1]",
    "https://example.com:80",
    "https://xn--fiqs8s.icom.museum",
    "https://中国.icom.museum",
    "https://www.中国.museum",
    "https://www.xn--fiqs8s.museum",
    "https://BÜCHER.example",
    "https://bücher.example:444/x/",
]


@pytest.mark.parametrize("url", URLS)
def test_api_host_is_the_clients_host(url: str) -> None:
    assert api_host(url) == VpsClient(token="t", base_url=url).host


@pytest.mark.parametrize("url", ["http://[::1", "https://host:port", "://", ""])
def test_api_host_of_a_malformed_url_does_not_raise(url: str) -> None:
    assert isinstance(api_host(url), str)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://api.example.com", "Refusing plain http://"),
        ("http://localhost.evil.example", "Refusing plain http://"),
        ("ftp://api.example.com", "must start with https://"),
        ("api.example.com", "must start with https://"),
        ("https://user:pw@api.example.com", "user name or password"),
        ("https://user@api.example.com", "user name or password"),
        ("http://[::1", "not a valid URL"),
        ("http://127.0.0.1:99999", "not a valid URL"),
        ("https://api.example.com:0", "not a valid URL"),
    ],
)
def test_check_api_url_refuses_what_the_client_refuses(url: str, reason: str) -> None:
    """Each URL refused before the first frame is refused by the client too, for the same
    reason (one set of rules, `check_parts`, read by two parsers)."""
    with pytest.raises(InsecureUrlError, match=reason):
        check_api_url(url)
    with pytest.raises(InsecureUrlError, match=reason):
        VpsClient(token="t", base_url=url)


@pytest.mark.parametrize("url", URLS)
def test_check_api_url_accepts_what_the_client_accepts(url: str) -> None:
    check_api_url(url)
    VpsClient(token="t", base_url=url)
