"""Sending one request for `VpsClient`: GET retried, everything else sent once, and every
failure, expected or not, turned into an `ApiError` with a readable, redacted message.

`Sending` is the part of `VpsClient` that talks to httpx; the client's endpoint and
pagination methods call `_exchange`. No Textual here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from vpstui.api.errors import (
    ApiError,
    AuthenticationError,
    BadResponseError,
    InsecureUrlError,
    RateLimitedError,
    TransportError,
    error_from_response,
    error_from_transport,
    redact_error,
)
from vpstui.api.progress import TryEnded, TryRetrying, TryStarted, report
from vpstui.api.retry import RETRY_STATUSES, RetryPolicy
from vpstui.api.secret import Secret, redact
from vpstui.i18n import L_, Lazy

__all__ = ["Sending"]


class Sending:
    """Request sending for `VpsClient` (which sets every attribute below in `__init__`)."""

    _http: httpx.AsyncClient
    _token: Secret
    #: Why the token cannot go in a header (`origin.token_header_problem`), or None.
    _token_problem: str | Lazy | None
    _sleep: Callable[[float], Awaitable[None]]
    host: str
    retry: RetryPolicy
    total_timeout: float
    #: The API's clock as its last answer's `Date` header told it (None: never told).
    server_date: datetime | None

    def _redacted(self, text: object) -> str | None:
        """An API's free-text answer, without the token, before anyone shows or clips it."""
        return redact(text, (self._token.reveal(),)) if isinstance(text, str) else None

    async def _exchange(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        action: str,
        on_retry: Callable[[ApiError], None] | None = None,
    ) -> httpx.Response:
        """One request, retried only if it is a GET. Raises `ApiError` for every failure.

        `on_retry` hears of each failure about to be retried (paging slows down on a 429)."""
        attempts = self.retry.attempts if method == "GET" else 1
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            report(TryStarted(action, attempt, attempts))
            try:
                response = await self._once(method, url, params, json_body, action)
            except ApiError as error:
                no_answer = isinstance(error, TransportError)
                retryable = no_answer or error.status in RETRY_STATUSES
                if not retryable or attempt >= attempts:
                    report(TryEnded(action, attempt, error))
                    raise
                retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
                delay = self.retry.delay(attempt, retry_after)
                if waited + delay > self.retry.max_total:
                    report(TryEnded(action, attempt, error))
                    raise
                waited += delay
                if on_retry is not None:
                    on_retry(error)
                report(TryRetrying(action, attempt, attempts, error, delay))
                await self._sleep(delay)
                continue
            report(TryEnded(action, attempt))
            return response

    async def _once(
        self,
        method: str,
        url: httpx.URL | str,
        params: dict[str, Any] | None,
        json_body: Any,
        action: str,
    ) -> httpx.Response:
        if self._token_problem is not None:
            raise AuthenticationError(self._token_problem)
        try:
            async with asyncio.timeout(self.total_timeout):
                response = await self._http.request(method, url, params=params, json=json_body)
        except TimeoutError as exc:
            error = error_from_transport(httpx.ReadTimeout("total"), action=action, host=self.host)
            error.outcome_unknown = method != "GET"
            raise error from exc
        except httpx.TransportError as exc:
            error = error_from_transport(exc, action=action, host=self.host)
            not_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
            not_sent = not_sent or isinstance(exc, httpx.PoolTimeout)
            error.outcome_unknown = method != "GET" and not not_sent
            raise error from None
        except httpx.InvalidURL as exc:
            raise BadResponseError(
                L_("Could not {action}: invalid URL.", action=L_(action))
            ) from exc
        except UnicodeError:  # the idna codec, while encoding the host name to connect
            raise InsecureUrlError(
                L_(
                    "Could not {action}: the host name {host} is not a valid international "
                    "(IDNA) name. Check the API URL.",
                    action=L_(action),
                    host=self.host,
                )
            ) from None
        except Exception as exc:  # never a dead worker or a traceback: an ApiError says it
            error = ApiError(
                L_(
                    "Could not {action}: unexpected error ({kind}).",
                    action=L_(action),
                    kind=type(exc).__name__,
                )
            )
            error.outcome_unknown = method != "GET"
            raise error from exc  # kept for a crash report (redacted there)
        self.server_date = _date_header(response) or self.server_date
        if response.is_success:
            return response
        if response.is_redirect:
            where = redact(response.headers.get("location", "?"), (self._token.reveal(),))
            where = where if len(where) <= 200 else where[:199] + "…"
            raise ApiError(
                L_(
                    "Could not {action}: the API redirected to {where} ({status}). "
                    "Check the API URL.",
                    action=L_(action),
                    where=where,
                    status=response.status_code,
                ),
                status=response.status_code,
            )
        error = error_from_response(response, action=action, secrets=(self._token.reveal(),))
        if method == "POST" and response.status_code >= 500:
            # A gateway error or crash after the request arrived: it may have been applied.
            # (A DELETE is safe to repeat: a second one answers 404.)
            error.outcome_unknown = True
        redact_error(error, (self._token.reveal(),))
        raise error


def _date_header(response: httpx.Response) -> datetime | None:
    """The answer's `Date` header as an aware datetime, if it has a readable one."""
    try:
        when = parsedate_to_datetime(response.headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else None
