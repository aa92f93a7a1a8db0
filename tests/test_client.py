"""VpsClient against a mocked API: endpoints, liberal parsing, pagination, retries, security."""

from __future__ import annotations

import asyncio
import json
import random
import time
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from vpstui import __version__
from vpstui.api import (
    ApiError,
    Backup,
    BadResponseError,
    CreateResult,
    InsecureUrlError,
    NotFoundError,
    Page,
    RateLimitedError,
    RetryPolicy,
    Secret,
    Server,
    ServerError,
    TimeoutError_,
    TransportError,
    ValidationError,
    VpsClient,
)

BASE = "https://admin.vps.org"
BACKUPS = "/api/v1/backups/"
SERVERS = "/api/v1/servers/"
ClientFactory = Callable[..., VpsClient]


# The provider's documented list response (seed document, 示例回复), as data.
_WEB = {"id": 12345, "name": "web-server-01"}
PROVIDER_LIST_EXAMPLE: dict[str, Any] = {
    "count": 3,
    "results": [
        {"id": 501, "server": _WEB, "backup_type": "automatic", "status": "completed",
         "size_mb": 4523, "created_at": "2025-01-16T03:00:00Z",
         "expires_at": "2025-02-16T03:00:00Z", "description": "Automatic daily backup"},
        {"id": 499, "server": _WEB, "backup_type": "manual", "status": "completed",
         "size_mb": 4456, "created_at": "2025-01-14T10:30:00Z", "expires_at": None,
         "description": "Pre-update backup"},
        {"id": 495, "server": _WEB, "backup_type": "automatic", "status": "completed",
         "size_mb": 4389, "created_at": "2025-01-15T03:00:00Z",
         "expires_at": "2025-02-15T03:00:00Z", "description": "Automatic daily backup"},
    ],
}  # fmt: skip


def raw_backup(backup_id: int, server_id: int = 12345, **extra: Any) -> dict[str, Any]:
    """A valid backup object as the API sends it."""
    item: dict[str, Any] = {
        "id": backup_id,
        "server": {"id": server_id, "name": f"web-{server_id}"},
        "backup_type": "manual",
        "status": "completed",
        "size_mb": 100,
        "created_at": "2025-01-16T03:00:00Z",
        "expires_at": None,
        "description": f"backup {backup_id}",
    }
    item.update(extra)
    return item


def envelope(
    *ids: int, next: str | None = None, count: int | None = None, items: list[Any] | None = None
) -> dict[str, Any]:
    """A DRF page of backups with the given ids (or raw `items`)."""
    results = items if items is not None else [raw_backup(i) for i in ids]
    return {
        "count": count if count is not None else len(results),
        "next": next,
        "previous": None,
        "results": results,
    }


def ok(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


def body_of(route: respx.Route, n: int = 0) -> Any:
    return json.loads(route.calls[n].request.content)


# --- every endpoint, happy path -------------------------------------------------------------


class TestServers:
    async def test_list_servers_follows_next(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """list_servers reads every page via `next` and returns all servers in order."""
        route = router.get(SERVERS).mock(
            side_effect=[
                ok({"count": 3, "next": f"{BASE}{SERVERS}?page=2", "results": [{"id": 1}]}),
                ok({"count": 3, "next": None, "results": [{"id": 2}, {"id": 3, "name": "c"}]}),
            ]
        )
        servers = await make_client().list_servers()
        assert [s.id for s in servers] == [1, 2, 3]
        assert servers[2].name == "c"
        assert servers.total == 3
        assert route.call_count == 2
        assert route.calls[1].request.url.params["page"] == "2"

    async def test_get_server(self, router: respx.MockRouter, make_client: ClientFactory) -> None:
        """get_server fetches /servers/<id>/ and returns a Server."""
        router.get(f"{SERVERS}12345/").mock(
            return_value=ok({"id": 12345, "name": "web-server-01", "status": "restoring"})
        )
        server = await make_client().get_server(12345)
        assert server == Server(id=12345, name="web-server-01", status="restoring")

    async def test_get_server_unreadable_is_bad_response(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A server object without an id is a BadResponseError, not a crash."""
        router.get(f"{SERVERS}7/").mock(return_value=ok({"name": "no id"}))
        with pytest.raises(BadResponseError) as info:
            await make_client().get_server(7)
        assert "server" in str(info.value)


class TestListBackups:
    async def test_list_backups_returns_listing(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """list_backups returns Backups with the announced total and nothing skipped."""
        route = router.get(BACKUPS).mock(return_value=ok(envelope(501, 499, count=2)))
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [501, 499]
        assert all(isinstance(b, Backup) for b in listing)
        assert (listing.total, listing.skipped, listing.problems) == (2, 0, [])
        assert route.calls[0].request.url.query == b""

    @pytest.mark.parametrize(
        ("kwargs", "query"),
        [
            ({"server_id": 12345}, {"server_id": "12345"}),
            ({"backup_type": "manual"}, {"backup_type": "manual"}),
            (
                {"server_id": 7, "backup_type": "automatic"},
                {"server_id": "7", "backup_type": "automatic"},
            ),
            ({"server_id": None, "backup_type": None}, {}),
        ],
    )
    async def test_filters_are_sent_as_query(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        kwargs: dict[str, Any],
        query: dict[str, str],
    ) -> None:
        """server_id and backup_type travel as query parameters, and only when given."""
        route = router.get(BACKUPS).mock(return_value=ok(envelope()))
        await make_client().list_backups(**kwargs)
        assert dict(route.calls[0].request.url.params) == query

    async def test_filters_are_not_repeated_on_next_pages(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Later pages are fetched exactly as `next` says (the link already carries the query)."""
        nxt = f"{BASE}{BACKUPS}?server_id=5&page=2"
        route = router.get(BACKUPS).mock(side_effect=[ok(envelope(1, next=nxt)), ok(envelope(2))])
        await make_client().list_backups(server_id=5)
        assert str(route.calls[1].request.url) == nxt


class TestCreateBackup:
    async def test_create_sends_body_and_returns_result(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """create_backup POSTs server_id + description; returns the in-progress backup + message."""
        answer = raw_backup(502, status="in_progress", size_mb=None, description="Pre-deploy")
        answer["message"] = "Backup is being created."
        route = router.post(BACKUPS).mock(return_value=ok(answer, 201))
        result = await make_client().create_backup(12345, "Pre-deploy")
        assert isinstance(result, CreateResult)
        assert body_of(route) == {"server_id": 12345, "description": "Pre-deploy"}
        assert route.calls[0].request.headers["content-type"] == "application/json"
        assert result.backup.id == 502
        assert result.backup.in_progress
        assert result.backup.size_mb is None
        assert result.message == "Backup is being created."

    @pytest.mark.parametrize("description", [None, ""])
    async def test_empty_description_is_not_sent(
        self, router: respx.MockRouter, make_client: ClientFactory, description: str | None
    ) -> None:
        """Without a description the body holds server_id only."""
        route = router.post(BACKUPS).mock(return_value=ok(raw_backup(3), 201))
        result = await make_client().create_backup(12345, description)
        assert body_of(route) == {"server_id": 12345}
        assert result.message is None

    async def test_create_with_unreadable_answer_has_unknown_outcome(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A 201 whose body is not a backup: BadResponseError, and the outcome is unknown."""
        router.post(BACKUPS).mock(return_value=ok({"message": "ok"}, 201))
        with pytest.raises(BadResponseError) as info:
            await make_client().create_backup(1)
        assert info.value.outcome_unknown is True

    async def test_create_with_html_answer_has_unknown_outcome(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A 201 HTML page: BadResponseError with outcome_unknown, since the POST went through."""
        router.post(BACKUPS).mock(
            return_value=httpx.Response(
                201, text="<html><body>hi</body></html>", headers={"content-type": "text/html"}
            )
        )
        with pytest.raises(BadResponseError) as info:
            await make_client().create_backup(1)
        assert info.value.outcome_unknown is True


class TestDeleteBackup:
    async def test_delete_204(self, router: respx.MockRouter, make_client: ClientFactory) -> None:
        """delete_backup sends DELETE /backups/<id>/ and accepts 204 with no body."""
        route = router.delete(f"{BACKUPS}501/").mock(return_value=httpx.Response(204))
        assert await make_client().delete_backup(501) is None
        assert route.call_count == 1

    async def test_delete_404_is_not_found(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Deleting a backup that is gone raises NotFoundError."""
        router.delete(f"{BACKUPS}9/").mock(
            return_value=httpx.Response(404, json={"detail": "Not found."})
        )
        with pytest.raises(NotFoundError):
            await make_client().delete_backup(9)


class TestRestoreBackup:
    @pytest.mark.parametrize("status", [200, 201, 202, 204])
    async def test_any_2xx_is_success(
        self, router: respx.MockRouter, make_client: ClientFactory, status: int
    ) -> None:
        """restore_backup POSTs {"backup_id"} to /servers/<id>/restore/ and accepts any 2xx."""
        route = router.post(f"{SERVERS}12345/restore/").mock(return_value=httpx.Response(status))
        result = await make_client().restore_backup(12345, 501)
        assert body_of(route) == {"backup_id": 501}
        assert result.status_code == status
        assert result.message is None
        assert dict(result.data) == {}

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"message": "Restore started."}, "Restore started."),
            ({"detail": "Restore queued."}, "Restore queued."),
            ({"message": "From message.", "detail": "From detail."}, "From message."),
            ({"task": 17}, None),
        ],
        ids=["message", "detail", "message-wins", "neither"],
    )
    async def test_message_from_message_or_detail(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        body: dict[str, Any],
        message: str | None,
    ) -> None:
        """The API's `message` (or else `detail`) is passed on; the raw body is kept in `data`."""
        router.post(f"{SERVERS}12345/restore/").mock(return_value=ok(body, 202))
        result = await make_client().restore_backup(12345, 501)
        assert result.message == message
        assert dict(result.data) == body

    @pytest.mark.parametrize("content", [b"", b"   ", b"OK", b"<html>ok</html>"])
    async def test_empty_or_non_json_body_is_fine(
        self, router: respx.MockRouter, make_client: ClientFactory, content: bytes
    ) -> None:
        """An empty or non-JSON 2xx body is still a successful restore."""
        router.post(f"{SERVERS}12345/restore/").mock(
            return_value=httpx.Response(200, content=content)
        )
        result = await make_client().restore_backup(12345, 501)
        assert (result.status_code, result.message) == (200, None)


# --- liberal parsing through the client -----------------------------------------------------


class TestLiberalListing:
    async def test_unreadable_items_are_skipped_and_counted(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Bad items are skipped, counted in `skipped`, explained in `problems`; good ones stay."""
        items = [
            raw_backup(1),
            {**raw_backup(2), "id": None},
            {**raw_backup(3), "id": "abc"},
            "not an object",
            {"id": 5, "status": "completed"},
            raw_backup(6, size_mb="big", status="exploding", surprise=True),
        ]
        router.get(BACKUPS).mock(return_value=ok(envelope(items=items)))
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1, 6]
        assert listing.skipped == 4
        assert len(listing.problems) == 4
        assert all(isinstance(p, str) and p for p in listing.problems)
        assert any("'abc'" in p for p in listing.problems)
        assert listing[1].size_mb is None
        assert listing[1].status == "exploding"

    async def test_skip_counts_add_up_across_pages(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """`skipped` counts unreadable items on every page, not just the last."""
        router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(items=[raw_backup(1), None], next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(items=[[], raw_backup(2)])),
            ]
        )
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1, 2]
        assert listing.skipped == 2

    async def test_one_odd_id_does_not_sink_the_listing(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """An item whose id is a superscript digit is skipped; the rest of the list loads."""
        router.get(BACKUPS).mock(
            return_value=ok(envelope(items=[raw_backup(1), {**raw_backup(2), "id": "²"}]))
        )
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1]
        assert listing.skipped == 1

    async def test_provider_example_through_the_client(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """The documented list response (no `next` key at all) loads as one page."""
        router.get(BACKUPS).mock(return_value=ok(PROVIDER_LIST_EXAMPLE))
        listing = await make_client().list_backups(server_id=12345)
        assert [b.id for b in listing] == [501, 499, 495]
        assert listing.total == 3
        assert listing[0].created_at == datetime(2025, 1, 16, 3, tzinfo=UTC)


# --- malformed successful bodies ------------------------------------------------------------


class TestMalformedBodies:
    @pytest.mark.parametrize(
        ("content", "ctype"),
        [
            (b"this is not json", "text/plain"),
            (b"<!DOCTYPE html><html><body><h1>Login</h1></body></html>", "text/html"),
            (b"<html><body>Login</body></html>", "application/json"),
            (b'{"count": 3, "results": [{"id": 501, "server": ', "application/json"),
            (b'{"count": 3, "results": []}}', "application/json"),
        ],
        ids=["text", "html", "html-mislabelled", "truncated", "trailing-garbage"],
    )
    async def test_non_json_200_is_bad_response(
        self, router: respx.MockRouter, make_client: ClientFactory, content: bytes, ctype: str
    ) -> None:
        """A 200 that is not JSON raises BadResponseError with a readable sentence."""
        route = router.get(BACKUPS).mock(
            return_value=httpx.Response(200, content=content, headers={"content-type": ctype})
        )
        with pytest.raises(BadResponseError) as info:
            await make_client().list_backups()
        message = str(info.value)
        assert message.startswith("Could not list backups")
        assert "<" not in message
        assert "Error" not in message
        assert "JSONDecodeError" not in message
        assert info.value.status == 200
        assert route.call_count == 1, "a bad answer is not retried"

    async def test_html_200_says_html(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """An HTML page instead of JSON is named as such (a proxy or login page)."""
        router.get(BACKUPS).mock(
            return_value=httpx.Response(
                200,
                text="<html><title>Sign in</title></html>",
                headers={"content-type": "text/html"},
            )
        )
        with pytest.raises(BadResponseError, match="HTML"):
            await make_client().list_backups()

    async def test_truncated_json_says_truncated(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """JSON cut off mid-way is reported as a truncated answer."""
        router.get(BACKUPS).mock(return_value=httpx.Response(200, content=b'{"results": [{"id'))
        with pytest.raises(BadResponseError, match="truncated"):
            await make_client().list_backups()

    @pytest.mark.parametrize(
        "data",
        [{"detail": "ok"}, {"results": "none"}, {"results": None}, "results", 42, None],
        ids=["no-results", "results-string", "results-null", "json-string", "json-number", "null"],
    )
    async def test_json_without_results_is_bad_response(
        self, router: respx.MockRouter, make_client: ClientFactory, data: Any
    ) -> None:
        """A 200 whose JSON has no list of results raises BadResponseError."""
        router.get(BACKUPS).mock(return_value=httpx.Response(200, content=json.dumps(data)))
        with pytest.raises(BadResponseError) as info:
            await make_client().list_backups()
        assert "list backups" in str(info.value)

    async def test_empty_200_is_bad_response(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """An empty 200 for a list is BadResponseError, not an empty table."""
        router.get(BACKUPS).mock(return_value=httpx.Response(200))
        with pytest.raises(BadResponseError):
            await make_client().list_backups()

    async def test_bare_list_is_one_page(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A bare JSON list (no envelope) is accepted as the only page."""
        route = router.get(BACKUPS).mock(return_value=ok([raw_backup(1), raw_backup(2)]))
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1, 2]
        assert listing.total == 2
        assert route.call_count == 1

    @pytest.mark.parametrize("count", ["3", None, True, 2.5])
    async def test_odd_count_is_unknown(
        self, router: respx.MockRouter, make_client: ClientFactory, count: Any
    ) -> None:
        """A count that is not an integer leaves `total` unknown instead of failing."""
        data = envelope(1)
        data["count"] = count
        router.get(BACKUPS).mock(return_value=ok(data))
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1]
        assert listing.total is None


# --- pagination safety ----------------------------------------------------------------------


class TestPagination:
    async def test_loop_back_to_first_page_stops(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A `next` that points back to an earlier page stops: no hang, no duplicates, a note."""
        route = router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(1, 2, next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(3, next=f"{BASE}{BACKUPS}")),
                ok(envelope(1, 2, next=f"{BASE}{BACKUPS}?page=2")),
            ]
        )
        listing = await asyncio.wait_for(make_client().list_backups(), timeout=5)
        assert [b.id for b in listing] == [1, 2, 3]
        assert route.call_count == 2
        assert listing.problems
        assert listing.skipped == 0

    async def test_next_pointing_at_itself_stops(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A page whose `next` is its own URL is read once."""
        route = router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(1, next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(2, next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(2, next=f"{BASE}{BACKUPS}?page=2")),
            ]
        )
        listing = await asyncio.wait_for(make_client().list_backups(), timeout=5)
        assert [b.id for b in listing] == [1, 2]
        assert route.call_count == 2
        assert len(listing.problems) == 1

    async def test_loop_back_to_filtered_first_page_is_not_refetched(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """With a filter, a `next` back to page 1 (same query) is recognised as already read."""
        first = f"{BASE}{BACKUPS}?server_id=5"
        route = router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(1, next=f"{BASE}{BACKUPS}?server_id=5&page=2")),
                ok(envelope(2, next=first)),
                ok(envelope(1, next=f"{BASE}{BACKUPS}?server_id=5&page=2")),
            ]
        )
        listing = await make_client().list_backups(server_id=5)
        assert [b.id for b in listing] == [1, 2]
        assert route.call_count == 2

    async def test_duplicate_ids_across_pages_appear_once(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """An item repeated on a later page (the list shifted while paging) is shown once."""
        router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(501, 499, next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(499, 495)),
            ]
        )
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [501, 499, 495]
        assert listing.skipped == 0
        assert any("499" in p for p in listing.problems)

    @pytest.mark.parametrize(
        "next_url",
        [
            "https://evil.example/api/v1/backups/?page=2",
            "//evil.example/api/v1/backups/?page=2",
            "https://admin.vps.org.evil.example/api/v1/backups/?page=2",
            "http://evil.example/api/v1/backups/?page=2",
        ],
        ids=["other-host", "protocol-relative", "suffix-host", "other-host-http"],
    )
    async def test_next_to_another_host_is_refused_unsent(
        self, sleeper: Any, token: str, next_url: str
    ) -> None:
        """A `next` to another host raises BadResponseError and that host gets no request."""
        router = respx.MockRouter(assert_all_called=False)
        api = router.get(f"{BASE}{BACKUPS}").mock(return_value=ok(envelope(1, next=next_url)))
        evil = router.route(host__regex=r"evil\.example$").mock(return_value=ok(envelope(666)))
        async with VpsClient(
            token, BASE, transport=httpx.MockTransport(router.async_handler), sleep=sleeper
        ) as client:
            with pytest.raises(BadResponseError) as info:
                await client.list_backups()
        assert api.call_count == 1
        assert evil.call_count == 0
        assert "evil.example" in str(info.value)
        assert token not in str(info.value)

    @pytest.mark.parametrize(
        ("next_url", "port"),
        [
            (f"https://admin.vps.org:8443{BACKUPS}?page=2", 8443),
            (f"http://admin.vps.org:8080{BACKUPS}", 8080),
        ],
    )
    async def test_next_to_another_port_is_refused_unsent(
        self, sleeper: Any, token: str, next_url: str, port: int
    ) -> None:
        """A `next` to the same host on another port is refused too (another origin)."""
        router = respx.MockRouter(assert_all_called=False)
        api = router.get(f"{BASE}{BACKUPS}").mock(return_value=ok(envelope(1, next=next_url)))
        other = router.route(port=port).mock(return_value=ok(envelope(2)))
        async with VpsClient(
            token, BASE, transport=httpx.MockTransport(router.async_handler), sleep=sleeper
        ) as client:
            with pytest.raises(BadResponseError):
                await client.list_backups()
        assert api.call_count == 1
        assert other.call_count == 0

    async def test_http_next_on_same_host_is_fetched_over_https(
        self, router: respx.MockRouter, make_client: ClientFactory, token: str
    ) -> None:
        """An http:// `next` on the API host (TLS-terminating proxy) is fetched via https."""
        route = router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(1, next=f"http://admin.vps.org{BACKUPS}?page=2")),
                ok(envelope(2)),
            ]
        )
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1, 2]
        second = route.calls[1].request
        assert str(second.url) == f"{BASE}{BACKUPS}?page=2"
        assert second.headers["authorization"] == f"Bearer {token}"

    @pytest.mark.parametrize(
        "next_url",
        [
            f"{BACKUPS}?page=2",
            "?page=2",
        ],
        ids=["absolute-path", "query-only"],
    )
    async def test_relative_next(
        self, router: respx.MockRouter, make_client: ClientFactory, next_url: str
    ) -> None:
        """A relative `next` is resolved against the page it came from (RFC 3986)."""
        route = router.get(BACKUPS).mock(
            side_effect=[ok(envelope(1, next=next_url)), ok(envelope(2))]
        )
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1, 2]
        assert str(route.calls[1].request.url) == f"{BASE}{BACKUPS}?page=2"

    @pytest.mark.parametrize("next_value", [5, ["x"], {"url": "y"}])
    async def test_next_that_is_not_text_stops_with_a_note(
        self, router: respx.MockRouter, make_client: ClientFactory, next_value: Any
    ) -> None:
        """A `next` that is not a string ends the listing with a problem noted."""
        data = envelope(1)
        data["next"] = next_value
        route = router.get(BACKUPS).mock(return_value=ok(data))
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1]
        assert route.call_count == 1
        assert len(listing.problems) == 1

    async def test_iter_backup_pages_is_progressive(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """iter_backup_pages yields each page before asking for the next, with running totals."""
        route = router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(1, 2, count=5, next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(3, 4, count=5, next=f"{BASE}{BACKUPS}?page=3")),
                ok(envelope(5, count=5)),
            ]
        )
        pages = make_client().iter_backup_pages(server_id=9)
        first = await anext(pages)
        assert route.call_count == 1, "page 1 is yielded before page 2 is requested"
        assert isinstance(first, Page)
        assert [b.id for b in first.items] == [1, 2]
        assert (first.loaded, first.count, first.done) == (2, 5, False)
        rest = [page async for page in pages]
        assert [[b.id for b in p.items] for p in rest] == [[3, 4], [5]]
        assert [(p.loaded, p.count, p.done) for p in rest] == [(4, 5, False), (5, 5, True)]
        assert route.calls[0].request.url.params["server_id"] == "9"

    async def test_iter_backup_pages_reports_skips_per_page(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Each Page carries the running skipped count and problems so far."""
        router.get(BACKUPS).mock(
            side_effect=[
                ok(envelope(items=[raw_backup(1), "junk"], next=f"{BASE}{BACKUPS}?page=2")),
                ok(envelope(items=[raw_backup(2)])),
            ]
        )
        pages = [page async for page in make_client().iter_backup_pages()]
        assert [p.skipped for p in pages] == [1, 1]
        assert [len(p.problems) for p in pages] == [1, 1]


# --- retries --------------------------------------------------------------------------------


def fail(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": "nope"}, headers=headers)


class TestRetries:
    @pytest.mark.parametrize("status", [502, 503, 504, 429])
    async def test_get_retried_on_gateway_trouble(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        sleeper: Any,
        status: int,
    ) -> None:
        """A GET that gets 502/503/504/429 is retried after a backoff, then succeeds."""
        route = router.get(BACKUPS).mock(side_effect=[fail(status), ok(envelope(1))])
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1]
        assert route.call_count == 2
        assert len(sleeper.delays) == 1
        assert 0.25 <= sleeper.delays[0] <= 0.5

    @pytest.mark.parametrize(
        "exc", [httpx.ConnectError, httpx.ReadTimeout, httpx.ConnectTimeout, httpx.ReadError]
    )
    async def test_get_retried_on_transport_errors(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        sleeper: Any,
        exc: type[Exception],
    ) -> None:
        """A GET that gets no answer (refused, timed out, reset) is retried."""
        route = router.get(BACKUPS).mock(side_effect=[exc, ok(envelope(1))])
        listing = await make_client().list_backups()
        assert [b.id for b in listing] == [1]
        assert route.call_count == 2
        assert len(sleeper.delays) == 1

    async def test_get_server_is_retried_too(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Every GET is retried, not only listings."""
        route = router.get(f"{SERVERS}1/").mock(side_effect=[fail(503), ok({"id": 1})])
        assert (await make_client().get_server(1)).id == 1
        assert route.call_count == 2

    async def test_gives_up_after_attempts_with_last_error(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """After `attempts` tries the last error is raised; the backoff grows between tries."""
        route = router.get(BACKUPS).mock(side_effect=[fail(503), fail(502), fail(504)])
        with pytest.raises(ServerError) as info:
            await make_client().list_backups()
        assert info.value.status == 504
        assert route.call_count == 3
        assert len(sleeper.delays) == 2
        assert 0.25 <= sleeper.delays[0] <= 0.5
        assert 0.5 <= sleeper.delays[1] <= 1.0

    async def test_gives_up_on_repeated_transport_errors(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """Repeated connection failures end as a TransportError after `attempts` tries."""
        route = router.get(BACKUPS).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(TransportError):
            await make_client(retry=RetryPolicy(attempts=4, rng=random.Random(0))).list_backups()
        assert route.call_count == 4

    async def test_honours_retry_after_seconds(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """A 429's Retry-After (seconds) is the wait before the retry."""
        router.get(BACKUPS).mock(side_effect=[fail(429, **{"Retry-After": "7"}), ok(envelope(1))])
        await make_client().list_backups()
        assert sleeper.delays == [7.0]

    async def test_retry_after_is_capped(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """A huge Retry-After is cut to max_retry_after."""
        router.get(BACKUPS).mock(
            side_effect=[fail(429, **{"Retry-After": "3600"}), ok(envelope(1))]
        )
        policy = RetryPolicy(max_retry_after=4.0, rng=random.Random(0))
        await make_client(retry=policy).list_backups()
        assert sleeper.delays == [4.0]

    async def test_retry_after_http_date(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """A Retry-After given as an HTTP date far ahead is honoured, capped at max_retry_after."""
        router.get(BACKUPS).mock(
            side_effect=[
                fail(429, **{"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}),
                ok(envelope(1)),
            ]
        )
        policy = RetryPolicy(max_retry_after=6.0, rng=random.Random(0))
        await make_client(retry=policy).list_backups()
        assert sleeper.delays == [6.0]

    async def test_retry_after_beyond_budget_gives_up_at_once(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """If waiting as asked would exceed max_total, the 429 is raised without waiting."""
        route = router.get(BACKUPS).mock(
            side_effect=[fail(429, **{"Retry-After": "25"}), ok(envelope(1))]
        )
        with pytest.raises(RateLimitedError) as info:
            await make_client().list_backups()  # default max_total 20 s
        assert info.value.retry_after == 25.0
        assert route.call_count == 1
        assert sleeper.delays == []

    async def test_total_wait_is_bounded_by_max_total(
        self, router: respx.MockRouter, make_client: ClientFactory, sleeper: Any
    ) -> None:
        """Retries stop once the next wait would take the total past max_total."""
        route = router.get(BACKUPS).mock(side_effect=fail(429, **{"Retry-After": "1"}))
        policy = RetryPolicy(attempts=10, max_total=2.5, rng=random.Random(0))
        with pytest.raises(RateLimitedError):
            await make_client(retry=policy).list_backups()
        assert sleeper.delays == [1.0, 1.0]
        assert route.call_count == 3

    @pytest.mark.parametrize("status", [500, 400, 401, 403, 404, 409, 418])
    async def test_other_statuses_are_not_retried(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        sleeper: Any,
        status: int,
    ) -> None:
        """500 and client errors are raised at once: retrying would not help."""
        route = router.get(BACKUPS).mock(side_effect=[fail(status), ok(envelope(1))])
        with pytest.raises(ApiError) as info:
            await make_client().list_backups()
        assert info.value.status == status
        assert route.call_count == 1
        assert sleeper.delays == []

    def test_backoff_delays_are_bounded(self) -> None:
        """Without Retry-After a delay is in [ceiling/2, ceiling], ceiling capped at max_delay."""
        policy = RetryPolicy(base_delay=0.5, max_delay=3.0, rng=random.Random(0))
        for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (10, 3.0)]:
            delay = policy.delay(attempt)
            assert ceiling / 2 <= delay <= ceiling

    def test_retry_after_negative_is_zero(self) -> None:
        """A negative Retry-After is treated as "now"."""
        assert RetryPolicy().delay(1, retry_after=-5) == 0.0


Operation = Callable[[VpsClient], Awaitable[Any]]
WRITES: list[tuple[str, str, str, Operation]] = [
    ("create", "POST", BACKUPS, lambda c: c.create_backup(12345, "x")),
    ("restore", "POST", f"{SERVERS}12345/restore/", lambda c: c.restore_backup(12345, 501)),
    ("delete", "DELETE", f"{BACKUPS}501/", lambda c: c.delete_backup(501)),
]


class TestWritesAreSentOnce:
    @pytest.mark.parametrize(
        ("name", "method", "path", "operation"), WRITES, ids=[w[0] for w in WRITES]
    )
    @pytest.mark.parametrize(
        "failure",
        [
            lambda: fail(502),
            lambda: fail(503),
            lambda: fail(429, **{"Retry-After": "1"}),
            lambda: httpx.ReadTimeout("timed out"),
            lambda: httpx.ConnectError("refused"),
        ],
        ids=["502", "503", "429", "read-timeout", "connect-error"],
    )
    async def test_never_retried(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        sleeper: Any,
        name: str,
        method: str,
        path: str,
        operation: Operation,
        failure: Callable[[], Any],
    ) -> None:
        """POST and DELETE are sent exactly once whatever goes wrong."""
        route = router.route(method=method, path=path).mock(
            side_effect=[failure(), httpx.Response(204)]
        )
        with pytest.raises(ApiError):
            await operation(make_client())
        assert route.call_count == 1
        assert sleeper.delays == []

    @pytest.mark.parametrize(
        ("name", "method", "path", "operation"), WRITES, ids=[w[0] for w in WRITES]
    )
    @pytest.mark.parametrize(
        ("exc", "unknown"),
        [
            (httpx.ReadTimeout, True),
            (httpx.WriteTimeout, True),
            (httpx.RemoteProtocolError, True),
            (httpx.ConnectError, False),
            (httpx.ConnectTimeout, False),
        ],
    )
    async def test_outcome_unknown(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        name: str,
        method: str,
        path: str,
        operation: Operation,
        exc: type[Exception],
        unknown: bool,
    ) -> None:
        """outcome_unknown is set when the request may have arrived, not when it never left."""
        router.route(method=method, path=path).mock(side_effect=exc)
        with pytest.raises(TransportError) as info:
            await operation(make_client())
        assert info.value.outcome_unknown is unknown

    async def test_get_failures_never_claim_unknown_outcome(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A GET that timed out changed nothing, so its outcome is not "unknown"."""
        router.get(BACKUPS).mock(side_effect=httpx.ReadTimeout)
        with pytest.raises(TimeoutError_) as info:
            await make_client().list_backups()
        assert info.value.outcome_unknown is False

    @pytest.mark.parametrize(
        ("name", "method", "path", "operation"), WRITES, ids=[w[0] for w in WRITES]
    )
    @pytest.mark.parametrize("status", [500, 502, 503, 504, 400, 404, 409])
    async def test_answered_failures(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        name: str,
        method: str,
        path: str,
        operation: Operation,
        status: int,
    ) -> None:
        """A 5xx to a POST may have been applied (outcome unknown); a 4xx, or any DELETE, not.

        A repeated DELETE is harmless (it answers 404), so only POSTs are "unknown".
        """
        router.route(method=method, path=path).mock(return_value=fail(status))
        with pytest.raises(ApiError) as info:
            await operation(make_client())
        assert info.value.status == status
        assert info.value.outcome_unknown is (method == "POST" and status >= 500)


class TestTotalTimeout:
    @staticmethod
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def test_request_that_never_answers_times_out(self, sleeper: Any) -> None:
        """total_timeout bounds a request whose answer never comes: TimeoutError_, quickly."""
        started = time.monotonic()
        async with VpsClient(
            "tok",
            BASE,
            transport=httpx.MockTransport(self.hang),
            total_timeout=0.05,
            retry=RetryPolicy(attempts=2, rng=random.Random(0)),
            sleep=sleeper,
        ) as client:
            with pytest.raises(TimeoutError_) as info:
                await asyncio.wait_for(client.list_backups(), timeout=5)
        assert time.monotonic() - started < 2.0
        assert len(sleeper.delays) == 1, "a GET timeout is retried like any other"
        assert "admin.vps.org" in str(info.value)
        assert info.value.outcome_unknown is False

    async def test_post_that_never_answers_has_unknown_outcome(self, sleeper: Any) -> None:
        """A POST cut off by total_timeout is not retried and its outcome is unknown."""
        async with VpsClient(
            "tok",
            BASE,
            transport=httpx.MockTransport(self.hang),
            total_timeout=0.05,
            sleep=sleeper,
        ) as client:
            with pytest.raises(TimeoutError_) as info:
                await asyncio.wait_for(client.create_backup(1), timeout=5)
        assert info.value.outcome_unknown is True
        assert sleeper.delays == []


# --- security -------------------------------------------------------------------------------


class TestHeaders:
    @pytest.mark.parametrize(
        ("method", "path", "operation"),
        [
            ("GET", BACKUPS, lambda c: c.list_backups()),
            ("GET", SERVERS, lambda c: c.list_servers()),
            ("GET", f"{SERVERS}1/", lambda c: c.get_server(1)),
            ("POST", BACKUPS, lambda c: c.create_backup(1)),
            ("DELETE", f"{BACKUPS}1/", lambda c: c.delete_backup(1)),
            ("POST", f"{SERVERS}1/restore/", lambda c: c.restore_backup(1, 2)),
        ],
        ids=["list_backups", "list_servers", "get_server", "create", "delete", "restore"],
    )
    async def test_bearer_token_and_user_agent(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        token: str,
        method: str,
        path: str,
        operation: Operation,
    ) -> None:
        """Every API request has `Authorization: Bearer <token>` and `User-Agent: vpstui/<v>`."""
        body = raw_backup(1) if method == "POST" and path == BACKUPS else envelope()
        if path.endswith("/1/"):
            body = {"id": 1}
        route = router.route(method=method, path=path).mock(return_value=ok(body))
        await operation(make_client())
        headers = route.calls[0].request.headers
        assert headers["authorization"] == f"Bearer {token}"
        assert headers["user-agent"] == f"vpstui/{__version__}"
        assert headers["accept"] == "application/json"

    async def test_loopback_http_api_gets_the_token(self, token: str) -> None:
        """A local http:// API (the demo backend) is talked to with the token as usual."""
        router = respx.MockRouter(base_url="http://127.0.0.1:8000")
        route = router.get(BACKUPS).mock(return_value=ok(envelope(1)))
        async with VpsClient(
            token, "http://127.0.0.1:8000/", transport=httpx.MockTransport(router.async_handler)
        ) as client:
            assert [b.id for b in await client.list_backups()] == [1]
        assert route.calls[0].request.headers["authorization"] == f"Bearer {token}"


class TestUrlSafety:
    @pytest.mark.parametrize(
        "url",
        [
            "http://admin.vps.org",
            "http://10.0.0.1",
            "http://192.168.1.5:8080",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://0.0.0.0:8000",
            "ftp://admin.vps.org",
            "admin.vps.org",
            "",
            "https://",
        ],
    )
    def test_refused(self, token: str, url: str) -> None:
        """Plain http to a non-loopback host, other schemes and non-URLs are refused."""
        with pytest.raises(InsecureUrlError) as info:
            VpsClient(token, url)
        assert str(info.value)
        assert token not in str(info.value)

    @pytest.mark.parametrize(
        "url",
        [
            "https://me:hunter2@admin.vps.org",
            "http://me:hunter2@127.0.0.1:8000",
            "https://me@x.org",
        ],
    )
    def test_userinfo_refused_without_echoing_it(self, url: str) -> None:
        """URLs with user:password are refused, and the password is not repeated."""
        with pytest.raises(InsecureUrlError) as info:
            VpsClient("tok", url)
        assert "hunter2" not in str(info.value)
        assert "hunter2" not in repr(info.value)

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
            ("http://127.5.5.5", "http://127.5.5.5"),
            ("http://localhost:8000/", "http://localhost:8000"),
            ("http://[::1]:8000", "http://[::1]:8000"),
            ("https://admin.vps.org/", "https://admin.vps.org"),
            ("https://api.example.com/vps/", "https://api.example.com/vps"),
        ],
    )
    async def test_accepted(self, url: str, expected: str) -> None:
        """https anywhere and http on loopback are accepted; a trailing slash is dropped."""
        async with VpsClient("tok", url) as client:
            assert str(client.base_url) == expected

    def test_refusal_explains_https(self) -> None:
        """The refusal of http:// names the host and says to use https://."""
        with pytest.raises(InsecureUrlError) as info:
            VpsClient("tok", "http://admin.vps.org")
        assert "admin.vps.org" in str(info.value)
        assert "https://" in str(info.value)


ERROR_SCENARIOS: list[tuple[str, Callable[[], Any]]] = [
    ("401", lambda: fail(401)),
    ("403", lambda: fail(403)),
    ("404", lambda: fail(404)),
    ("400", lambda: httpx.Response(400, json={"server_id": ["bad"]})),
    ("429", lambda: fail(429, **{"Retry-After": "999"})),
    ("500", lambda: fail(500)),
    ("html", lambda: httpx.Response(200, text="<html><title>x</title></html>")),
    ("no-results", lambda: ok({"detail": "?"})),
    ("redirect", lambda: httpx.Response(302, headers={"location": "https://login.example/"})),
    ("other-host", lambda: ok(envelope(1, next="https://evil.example/x"))),
    ("connect", lambda: httpx.ConnectError("[Errno 111] Connection refused")),
    ("timeout", lambda: httpx.ReadTimeout("timed out")),
]


class TestNoTokenLeaks:
    def test_client_repr(self, token: str) -> None:
        """repr()/str() of a client shows the URL but never the token."""
        client = VpsClient(token, BASE)
        for text in (repr(client), str(client), f"{client!r}"):
            assert token not in text
            assert "admin.vps.org" in text

    def test_secret_hides_its_value(self, token: str) -> None:
        """Secret shows *** in repr, str and f-strings, and reveals only on request."""
        secret = Secret(token)
        for text in (repr(secret), str(secret), f"{secret}", f"{secret:>40}", f"{[secret]}"):
            assert token not in text
        assert repr([secret]) == "[Secret('***')]"
        assert secret.reveal() == token
        assert secret == Secret(token) and secret != Secret("other")
        assert bool(secret) and not bool(Secret(""))

    def test_secret_refuses_pickling(self, token: str) -> None:
        """A Secret cannot be pickled (to disk, a cache, another process) by accident."""
        import pickle

        with pytest.raises(TypeError):
            pickle.dumps(Secret(token))

    def test_client_accepts_a_secret(self, token: str) -> None:
        """A Secret passed in is used as is (its value is what gets sent)."""
        client = VpsClient(Secret(token), BASE)
        assert token not in repr(client)

    @pytest.mark.parametrize(
        "answer", [s[1] for s in ERROR_SCENARIOS], ids=[s[0] for s in ERROR_SCENARIOS]
    )
    async def test_raised_errors_never_contain_the_token(
        self,
        router: respx.MockRouter,
        make_client: ClientFactory,
        token: str,
        answer: Callable[[], Any],
    ) -> None:
        """No raised error's str, repr or formatted traceback chain contains the token."""
        router.get(BACKUPS).mock(side_effect=[answer()])
        with pytest.raises(ApiError) as info:
            await make_client(retry=RetryPolicy(attempts=1)).list_backups()
        error = info.value
        assert token not in str(error)
        assert token not in repr(error)
        assert token not in "".join(traceback.format_exception(error))
        assert token not in repr(vars(error))

    async def test_echoed_token_is_redacted(
        self, router: respx.MockRouter, make_client: ClientFactory, token: str
    ) -> None:
        """Even if an API/proxy echoes the request's Authorization header, the message hides it."""
        router.get(BACKUPS).mock(
            return_value=httpx.Response(400, json={"detail": f"Bad header: Bearer {token}"})
        )
        with pytest.raises(ApiError) as info:
            await make_client().list_backups()
        assert token not in str(info.value)
        assert token not in repr(info.value)
        assert info.value.detail is not None
        assert token not in info.value.detail
        assert "Bad header" in str(info.value), "the rest of the explanation is kept"

    async def test_echoed_token_is_redacted_from_field_errors(
        self, router: respx.MockRouter, make_client: ClientFactory, token: str
    ) -> None:
        """A 400 field error echoing the token does not carry it into `field_errors`."""
        router.post(BACKUPS).mock(
            return_value=httpx.Response(400, json={"authorization": [f"Bearer {token} is bad"]})
        )
        with pytest.raises(ValidationError) as info:
            await make_client().create_backup(1)
        assert token not in str(info.value)
        assert token not in repr(info.value.field_errors)
