"""HTTP statuses, error bodies and transport failures become readable `ApiError`s."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from vpstui.api import (
    ApiError,
    AuthenticationError,
    BadResponseError,
    InsecureUrlError,
    NotFoundError,
    RateLimitedError,
    RetryPolicy,
    ServerError,
    TimeoutError_,
    TransportError,
    ValidationError,
    VpsClient,
)
from vpstui.api.errors import error_from_response, error_from_transport, parse_retry_after

BACKUPS = "/api/v1/backups/"
ClientFactory = Callable[..., VpsClient]
ERROR_CLASSES = [
    ApiError,
    AuthenticationError,
    BadResponseError,
    InsecureUrlError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TimeoutError_,
    TransportError,
    ValidationError,
]


def assert_readable(error: ApiError) -> None:
    """A message a user can read: a non-empty sentence, no class names, no markup."""
    message = str(error)
    assert message.strip()
    assert message == error.message
    for cls in ERROR_CLASSES:
        assert cls.__name__ not in message
    for word in ("httpx", "Traceback", "Exception", "<", ">"):
        assert word not in message


def response(
    status: int,
    *,
    json: Any = None,
    text: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    request = httpx.Request("GET", "https://admin.vps.org/api/v1/backups/")
    if json is not None:
        return httpx.Response(status, json=json, headers=headers, request=request)
    return httpx.Response(status, text=text or "", headers=headers, request=request)


def from_response(status: int, **kwargs: Any) -> ApiError:
    return error_from_response(response(status, **kwargs), action="list backups")


# --- the tree -------------------------------------------------------------------------------


class TestTree:
    @pytest.mark.parametrize("cls", ERROR_CLASSES)
    def test_every_error_is_an_api_error(self, cls: type[ApiError]) -> None:
        """One root: catching ApiError catches every API failure."""
        assert issubclass(cls, ApiError)

    def test_timeout_is_a_transport_error(self) -> None:
        """A timeout is a kind of "no answer"."""
        assert issubclass(TimeoutError_, TransportError)

    def test_str_is_the_message_and_repr_names_the_class(self) -> None:
        """str() is just the sentence; repr() adds the class and status for logs."""
        error = NotFoundError("Could not do it.", status=404)
        assert str(error) == "Could not do it."
        assert repr(error) == "NotFoundError('Could not do it.', status=404)"
        assert error.outcome_unknown is False


# --- statuses through the client ------------------------------------------------------------


class TestStatusesThroughClient:
    @pytest.mark.parametrize(
        ("status", "cls"),
        [
            (400, ValidationError),
            (401, AuthenticationError),
            (403, AuthenticationError),
            (404, NotFoundError),
            (409, ValidationError),
            (422, ValidationError),
            (429, RateLimitedError),
            (500, ServerError),
            (502, ServerError),
            (503, ServerError),
            (504, ServerError),
            (418, ApiError),
            (451, ApiError),
        ],
    )
    async def test_status_maps_to_class(
        self, router: respx.MockRouter, make_client: ClientFactory, status: int, cls: type
    ) -> None:
        """Each status raises its class (exactly), keeping status and detail, in one sentence."""
        router.get(BACKUPS).mock(return_value=httpx.Response(status, json={"detail": "Nope."}))
        client = make_client(retry=RetryPolicy(attempts=1))
        with pytest.raises(ApiError) as info:
            await client.list_backups()
        assert type(info.value) is cls
        assert info.value.status == status
        assert info.value.detail == "Nope."
        if status != 429:  # a 429 says when to retry instead
            assert "Nope." in str(info.value)
        assert_readable(info.value)

    @pytest.mark.parametrize(
        "detail", ["Invalid token.", "Authentication credentials were not provided."]
    )
    async def test_401_wordings_both_mean_bad_token(
        self, router: respx.MockRouter, make_client: ClientFactory, detail: str
    ) -> None:
        """Whatever the 401 says, it is an AuthenticationError about the token. (Which token
        source to check is for the app and the CLI to say: the client does not know it.)"""
        router.get(BACKUPS).mock(return_value=httpx.Response(401, json={"detail": detail}))
        with pytest.raises(AuthenticationError) as info:
            await make_client().list_backups()
        message = str(info.value)
        assert message.startswith("The API rejected the token (401)")
        assert detail in message
        assert_readable(info.value)

    async def test_400_field_errors(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A DRF field error lands in field_errors and, with its field, in the message."""
        router.post(BACKUPS).mock(
            return_value=httpx.Response(400, json={"server_id": ["This field is required."]})
        )
        with pytest.raises(ValidationError) as info:
            await make_client().create_backup(1)
        assert info.value.field_errors == {"server_id": ["This field is required."]}
        assert "server_id" in str(info.value)
        assert "This field is required." in str(info.value)
        assert_readable(info.value)

    async def test_400_non_field_errors(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """non_field_errors are shown as plain sentences (no key prefix) and kept as fields."""
        text = "Maximum of 10 manual backups reached."
        router.post(BACKUPS).mock(
            return_value=httpx.Response(400, json={"non_field_errors": [text]})
        )
        with pytest.raises(ValidationError) as info:
            await make_client().create_backup(1)
        assert text in str(info.value)
        assert "non_field_errors" not in str(info.value)
        assert info.value.field_errors == {"non_field_errors": [text]}

    @pytest.mark.parametrize(
        ("status", "action"),
        [(403, "list backups"), (404, "list backups"), (500, "list backups")],
    )
    async def test_message_says_what_was_being_done(
        self, router: respx.MockRouter, make_client: ClientFactory, status: int, action: str
    ) -> None:
        """The message names the failed action, so it reads well out of context."""
        router.get(BACKUPS).mock(return_value=httpx.Response(status))
        with pytest.raises(ApiError) as info:
            await make_client().list_backups()
        assert action in str(info.value)
        assert str(status) in str(info.value)

    async def test_rate_limit_with_seconds(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """429 + Retry-After: 120 → RateLimitedError.retry_after == 120 and a hint to wait."""
        router.get(BACKUPS).mock(return_value=httpx.Response(429, headers={"Retry-After": "120"}))
        with pytest.raises(RateLimitedError) as info:
            await make_client().list_backups()
        assert info.value.retry_after == 120.0
        assert "120" in str(info.value)
        assert_readable(info.value)

    @pytest.mark.parametrize("method", ["POST", "DELETE"], ids=["create", "delete"])
    async def test_write_errors_carry_their_action(
        self, router: respx.MockRouter, make_client: ClientFactory, method: str
    ) -> None:
        """A failed create/delete says which of the two failed."""
        router.route(method=method).mock(return_value=httpx.Response(404))
        client = make_client()
        with pytest.raises(NotFoundError) as info:
            if method == "POST":
                await client.create_backup(1)
            else:
                await client.delete_backup(1)
        assert ("create" if method == "POST" else "delete") in str(info.value)


class TestRedirects:
    @pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
    async def test_redirect_is_not_followed(
        self, make_client: ClientFactory, router: respx.MockRouter, status: int
    ) -> None:
        """A 3xx is an ApiError that points at the API URL setting; the redirect is not followed."""
        router.get(BACKUPS).mock(
            return_value=httpx.Response(
                status, headers={"Location": "https://admin.vps.org/login/"}
            )
        )
        login = router.get("/login/").mock(return_value=httpx.Response(200, json=[]))
        with pytest.raises(ApiError) as info:
            await make_client().list_backups()
        assert type(info.value) is ApiError
        assert info.value.status == status
        assert "API URL" in str(info.value)
        assert login.call_count == 0
        assert_readable(info.value)


# --- error bodies ---------------------------------------------------------------------------


class TestBodies:
    def test_detail(self) -> None:
        """{"detail": …} is the explanation."""
        error = from_response(404, json={"detail": "Not found."})
        assert error.detail == "Not found."
        assert "Not found." in str(error)

    def test_field_lists(self) -> None:
        """Several fields with several messages are all named in the message."""
        error = from_response(
            400,
            json={"server_id": ["Required.", "Must be an integer."], "description": ["Too long."]},
        )
        assert isinstance(error, ValidationError)
        assert error.field_errors == {
            "server_id": ["Required.", "Must be an integer."],
            "description": ["Too long."],
        }
        for part in ("server_id: Required.", "Must be an integer.", "description: Too long."):
            assert part in str(error)

    def test_field_error_as_plain_string(self) -> None:
        """A field whose error is a bare string (not a list) still counts."""
        error = from_response(400, json={"backup_type": "Not a valid choice."})
        assert isinstance(error, ValidationError)
        assert error.field_errors == {"backup_type": ["Not a valid choice."]}

    def test_nested_field_errors(self) -> None:
        """Nested DRF errors are flattened with their path."""
        error = from_response(400, json={"server": {"id": ["Invalid pk."]}})
        assert "server: id: Invalid pk." in str(error)

    def test_code_is_not_shown(self) -> None:
        """DRF's machine `code` next to `detail` is not shown to the user."""
        error = from_response(403, json={"detail": "No.", "code": "permission_denied"})
        assert "permission_denied" not in str(error)
        assert "No." in str(error)

    def test_bare_list(self) -> None:
        """A bare JSON list of messages is joined into the explanation."""
        error = from_response(400, json=["First problem.", "Second problem."])
        assert "First problem." in str(error)
        assert "Second problem." in str(error)
        assert isinstance(error, ValidationError)
        assert error.field_errors == {}

    @pytest.mark.parametrize(
        "page",
        [
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
            "<body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>",
            '<html>\n<head>\n<title lang="en">\n  502 Bad\n  Gateway\n</title>',
        ],
        ids=["nginx", "multiline-title"],
    )
    def test_html_page_uses_its_title(self, page: str) -> None:
        """A proxy's HTML error page is summed up by its <title>, without tags."""
        error = from_response(502, text=page, headers={"content-type": "text/html"})
        assert isinstance(error, ServerError)
        assert error.detail == "502 Bad Gateway"
        assert "502 Bad Gateway" in str(error)
        assert "nginx" not in str(error)
        assert_readable(error)

    def test_html_page_without_title_has_tags_stripped(self) -> None:
        """An HTML page without a title is shown as its text, tags removed, clipped."""
        page = "<html><body><h1>Service   Unavailable</h1>" + "<p>x</p>" * 200 + "</body></html>"
        error = from_response(503, text=page, headers={"content-type": "text/html"})
        assert "Service Unavailable" in str(error)
        assert_readable(error)
        assert len(str(error)) < 250

    def test_plain_text(self) -> None:
        """A plain-text body is the explanation, whitespace tidied."""
        error = from_response(500, text="upstream   connect error\nor disconnect")
        assert "upstream connect error or disconnect" in str(error)

    def test_long_body_is_clipped(self) -> None:
        """A huge body does not make a huge message."""
        error = from_response(500, text="A" * 10_000)
        assert len(str(error)) < 400
        assert "…" in str(error)

    @pytest.mark.parametrize("body", ["", "   \n"])
    def test_empty_body(self, body: str) -> None:
        """An empty body still gives a full sentence, with the status."""
        error = from_response(500, text=body)
        assert error.detail is None
        assert "500" in str(error)
        assert str(error).endswith(".")
        assert_readable(error)

    @pytest.mark.parametrize("data", [{}, {"detail": ""}, {"errors": []}, []])
    def test_json_with_nothing_to_say(self, data: Any) -> None:
        """JSON that explains nothing is treated like an empty body, not shown as '{}'."""
        error = from_response(400, json=data)
        assert error.detail is None
        assert "{" not in str(error) and "[" not in str(error)

    def test_json_scalar(self) -> None:
        """A JSON string body is shown as text."""
        error = from_response(500, json="database is down")
        assert "database is down" in str(error)


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("120", 120.0), (" 5 ", 5.0), ("1.5", 1.5), ("-3", 0.0), ("0", 0.0)],
    )
    def test_seconds(self, value: str, expected: float) -> None:
        """delta-seconds are read as a number of seconds (never negative)."""
        assert parse_retry_after(value) == expected

    def test_http_date_in_the_future(self) -> None:
        """An HTTP date is turned into seconds from now."""
        when = datetime.now(UTC) + timedelta(seconds=3600)
        seconds = parse_retry_after(format_datetime(when, usegmt=True))
        assert seconds is not None
        assert 3500 < seconds <= 3600

    @pytest.mark.parametrize(
        "value", ["Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 -0000"]
    )
    def test_http_date_in_the_past_is_zero(self, value: str) -> None:
        """A date already passed means retry now (also with the zone-less -0000 form)."""
        assert parse_retry_after(value) == 0.0

    @pytest.mark.parametrize("value", [None, "", "soon", "nan", "Tomorrow at noon"])
    def test_unreadable_is_none(self, value: str | None) -> None:
        """A missing or unreadable Retry-After is None (use the normal backoff)."""
        assert parse_retry_after(value) is None

    def test_http_date_on_a_429(self) -> None:
        """A 429 with an HTTP-date Retry-After gets retry_after in seconds."""
        when = datetime.now(UTC) + timedelta(seconds=90)
        error = from_response(429, headers={"Retry-After": format_datetime(when, usegmt=True)})
        assert isinstance(error, RateLimitedError)
        assert error.retry_after is not None
        assert 80 < error.retry_after <= 90

    def test_429_without_retry_after(self) -> None:
        """A 429 without Retry-After has retry_after None and still reads well."""
        error = from_response(429)
        assert isinstance(error, RateLimitedError)
        assert error.retry_after is None
        assert_readable(error)


# --- no answer at all -----------------------------------------------------------------------


class TestTransport:
    @pytest.mark.parametrize(
        ("exc", "cls", "words"),
        [
            (httpx.ConnectError("[Errno -2] Name or service not known"), TransportError, "DNS"),
            (
                httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
                TransportError,
                "certificate",
            ),
            (httpx.ConnectError("[Errno 111] Connection refused"), TransportError, "refused"),
            (httpx.ConnectError("weird"), TransportError, "connect"),
            (httpx.ConnectTimeout("t"), TimeoutError_, "timed out"),
            (httpx.ReadTimeout("t"), TimeoutError_, "timed out"),
            (httpx.WriteTimeout("t"), TimeoutError_, "timed out"),
            (httpx.PoolTimeout("t"), TimeoutError_, "timed out"),
            (httpx.RemoteProtocolError("x"), TransportError, "closed"),
            (httpx.ReadError("x"), TransportError, "reset"),
            (httpx.WriteError("x"), TransportError, "reset"),
            (httpx.ProxyError("x"), TransportError, "network"),
        ],
        ids=[
            "dns",
            "tls",
            "refused",
            "connect-other",
            "connect-timeout",
            "read-timeout",
            "write-timeout",
            "pool-timeout",
            "protocol",
            "read-error",
            "write-error",
            "proxy",
        ],
    )
    def test_transport_failures(self, exc: httpx.TransportError, cls: type, words: str) -> None:
        """Each way of getting no answer has its class and a sentence naming host and cause."""
        error = error_from_transport(exc, action="list backups", host="admin.vps.org")
        assert type(error) is cls
        assert error.status is None
        assert "admin.vps.org" in str(error)
        assert "list backups" in str(error)
        assert words.lower() in str(error).lower()
        assert_readable(error)

    async def test_dns_failure_through_client(
        self, router: respx.MockRouter, make_client: ClientFactory
    ) -> None:
        """A DNS failure surfaces from the client as a TransportError naming the host."""
        router.get(BACKUPS).mock(side_effect=httpx.ConnectError("getaddrinfo failed"))
        client = make_client(retry=RetryPolicy(attempts=2, rng=random.Random(0)))
        with pytest.raises(TransportError) as info:
            await client.list_backups()
        assert "admin.vps.org" in str(info.value)
        assert "DNS" in str(info.value)
        assert info.value.__cause__ is None, "the httpx exception (and its request) is dropped"
