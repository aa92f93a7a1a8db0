"""`VpsClient`: the async VPS.org API client used by the app, the CLI and scripts.

    async with VpsClient(token=os.environ["VPS_API_TOKEN"]) as api:
        for backup in await api.list_backups(server_id=12345):
            print(backup.id, backup.status, backup.size_mb)

Only GET requests are ever retried. POST and DELETE are sent exactly once: if their
outcome is unknown (timeout after sending, unreadable answer) the raised `ApiError`
has `outcome_unknown = True` and the caller should re-read the list.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx

from vpstui import __version__
from vpstui.api.address import DEFAULT_API_URL
from vpstui.api.decoding import PageDecoder, decode_json, read_page, server_page
from vpstui.api.errors import BadResponseError
from vpstui.api.models import (
    Backup,
    CreateResult,
    DecodedPage,
    Listing,
    RestoreResult,
    Server,
    UnreadableItem,
    decode_backup_page,
    parse_backup,
    parse_server,
)
from vpstui.api.origin import BearerAuth, check_base_url, token_header_problem
from vpstui.api.paging import (
    DEFAULT_PAGE_CONCURRENCY,
    Limiter,
    Page,
    Tally,
    fetch_in_order,
    numbered,
    page_plan,
    same_origin,
    slow_down,
)
from vpstui.api.retry import RetryPolicy
from vpstui.api.secret import Secret
from vpstui.api.sending import Sending
from vpstui.api.transport import build_http_client
from vpstui.i18n import L_, _

__all__ = ["DEFAULT_API_URL", "DEFAULT_TIMEOUT", "Page", "VpsClient"]

#: connect 5 s, read 15 s; `total` bounds a whole request including slow-drip bodies.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=5.0)
DEFAULT_TOTAL_TIMEOUT = 45.0
#: A hard stop for pagination, far beyond any real account (10 backups x 100k servers / 100).
MAX_PAGES = 20_000

T = TypeVar("T")


class VpsClient(Sending):
    """An async client for the VPS.org backups and servers API.

    Use as an async context manager (or call `aclose()`); one `httpx.AsyncClient`
    underneath. `transport` plugs in anything httpx accepts: the demo backend's
    in-process transport, `httpx.MockTransport`, or respx's.
    """

    def __init__(
        self,
        token: str | Secret,
        base_url: str = DEFAULT_API_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
    ) -> None:
        self._token = token if isinstance(token, Secret) else Secret(token)
        self._token_problem = token_header_problem(self._token)
        self.base_url = check_base_url(base_url)
        self.host = (
            self.base_url.host
            if self.base_url.port is None
            else (f"{self.base_url.host}:{self.base_url.port}")
        )
        self.retry = retry or RetryPolicy()
        self.total_timeout = total_timeout
        self._sleep = sleep
        #: The API's clock as its last answer's `Date` header told it (None: never told).
        self.server_date: datetime | None = None
        #: Pages of one listing requested at once (after the first page).
        self.page_concurrency = max(1, page_concurrency)
        #: The last concurrent listing's limiter (its `peak` and `limit`), for tests.
        self.last_limiter: Limiter | None = None
        origin = (self.base_url.scheme, self.base_url.host, self.base_url.port)
        self._http = build_http_client(
            self.base_url,
            auth=BearerAuth(self._token, origin),
            transport=transport,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            headers={
                "User-Agent": f"vpstui/{__version__}",
                "Accept": "application/json",
            },
        )

    def __repr__(self) -> str:
        return f"VpsClient(base_url={str(self.base_url)!r})"

    @property
    def token(self) -> Secret:
        """The token this client sends, still wrapped: for removing it from what the app
        writes (audit log, crash report); `reveal()` it only for that."""
        return self._token

    async def __aenter__(self) -> VpsClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- servers ----------------------------------------------------------------------------

    async def list_servers(self) -> Listing[Server]:
        """Every server on the account (all pages)."""
        return await self._collect("/api/v1/servers/", None, server_page, "list servers")

    async def get_server(self, server_id: int) -> Server:
        """One server, e.g. to follow its status during a restore."""
        data = await self._send(
            "GET", f"/api/v1/servers/{int(server_id)}/", action="read the server"
        )
        try:
            return parse_server(data)
        except UnreadableItem as exc:
            why = exc.args[0]
            raise BadResponseError(L_("Could not read the server: {why}.", why=why)) from exc

    # --- backups ----------------------------------------------------------------------------

    async def list_backups(
        self, server_id: int | None = None, backup_type: str | None = None
    ) -> Listing[Backup]:
        """Backups across the account, or of one server, optionally of one type (all pages)."""
        return await self._collect(
            "/api/v1/backups/",
            _backup_params(server_id, backup_type),
            decode_backup_page,
            "list backups",
        )

    def iter_backup_pages(
        self, server_id: int | None = None, backup_type: str | None = None
    ) -> AsyncIterator[Page]:
        """Backups page by page as they arrive, so a UI can show rows before the last page."""
        return self._pages(
            "/api/v1/backups/",
            _backup_params(server_id, backup_type),
            decode_backup_page,
            "list backups",
        )

    async def create_backup(self, server_id: int, description: str | None = None) -> CreateResult:
        """Start a manual backup. Sent exactly once; returns the new (in-progress) backup."""
        body: dict[str, Any] = {"server_id": int(server_id)}
        if description:
            body["description"] = description
        data = await self._send(
            "POST", "/api/v1/backups/", json_body=body, action="create a backup"
        )
        try:
            backup = parse_backup(data)
        except UnreadableItem as exc:
            error = BadResponseError(
                L_(
                    "The backup may have been created, but the API's answer could not be "
                    "read ({why}).",
                    why=exc.args[0],
                )
            )
            error.outcome_unknown = True
            raise error from exc
        message = data.get("message") if isinstance(data, dict) else None
        return CreateResult(backup=backup, message=self._redacted(message))

    async def delete_backup(self, backup_id: int) -> None:
        """Delete a backup permanently. Sent exactly once."""
        await self._send("DELETE", f"/api/v1/backups/{int(backup_id)}/", action="delete the backup")

    async def restore_backup(self, server_id: int, backup_id: int) -> RestoreResult:
        """Start restoring `server_id` from `backup_id`. Sent exactly once; any 2xx is success."""
        path = f"/api/v1/servers/{int(server_id)}/restore/"
        response = await self._exchange(
            "POST", path, json_body={"backup_id": int(backup_id)}, action="start the restore"
        )
        data: Any = None
        if response.content.strip():
            try:
                data = json.loads(response.content)
            except ValueError:
                data = None
        message = None
        if isinstance(data, dict):
            for key in ("message", "detail", "status"):
                if isinstance(data.get(key), str):
                    message = data[key]
                    break
        return RestoreResult(
            status_code=response.status_code,
            message=self._redacted(message),
            data=data if isinstance(data, dict) else {},
        )

    # --- plumbing ---------------------------------------------------------------------------

    async def _collect(
        self, path: str, params: dict[str, Any] | None, decode: PageDecoder[T], action: str
    ) -> Listing[T]:
        listing: Listing[T] = Listing()
        async for page in self._pages(path, params, decode, action):
            listing.extend(page.items)
            listing.total = page.count
            listing.skipped = page.skipped
            listing.problems = page.problems
        return listing

    async def _pages(
        self, path: str, params: dict[str, Any] | None, decode: PageDecoder[T], action: str
    ) -> AsyncIterator[Page]:
        """The listing page by page, in the API's page order, duplicates removed.

        After the first page, the rest is fetched side by side (`page_concurrency` at a
        time) when the links name pages by number or offset; otherwise one by one.
        """
        tally = Tally()
        response = await self._exchange("GET", path, params=params, action=action)
        decoded = read_page(response, decode, action)
        current = response.request.url
        seen_urls = {str(current)}
        following = self._next_url(decoded.next, current, seen_urls, tally.problems)
        yield tally.page(decoded, done=following is None)
        if following is None:
            return
        plan = page_plan(following, decoded.count, len(decoded.items) + decoded.skipped)
        if plan and len(plan) <= MAX_PAGES:  # empty: the count is off, follow `next`
            self.last_limiter = limiter = Limiter(self.page_concurrency, self._sleep)
            last = len(plan) - 1

            async def fetch(url: httpx.URL, limiter: Limiter) -> tuple[httpx.URL, DecodedPage[T]]:
                url = same_origin(self.base_url, url)  # as every link: never elsewhere
                answer = await self._exchange(
                    "GET", url, action=action, on_retry=slow_down(limiter)
                )
                return answer.request.url, read_page(answer, decode, action)

            following = None
            async for index, (current, decoded) in numbered(fetch_in_order(plan, fetch, limiter)):
                seen_urls.add(str(current))
                if not decoded.next:  # fewer pages than counted (backups went meanwhile)
                    yield tally.page(decoded, done=True)
                    return
                if index == last:  # more pages than counted: follow the rest one by one
                    following = self._next_url(decoded.next, current, seen_urls, tally.problems)
                yield tally.page(decoded, done=following is None and index == last)
            if following is None:
                return
        for _page in range(MAX_PAGES):
            response = await self._exchange("GET", following, action=action)
            decoded = read_page(response, decode, action)
            current = response.request.url
            seen_urls.add(str(current))
            following = self._next_url(decoded.next, current, seen_urls, tally.problems)
            yield tally.page(decoded, done=following is None)
            if following is None:
                return
        raise BadResponseError(
            L_(
                "Could not {action}: the API sent more than {pages} pages.",
                action=L_(action),
                pages=MAX_PAGES,
            )
        )

    def _next_url(
        self, next_url: Any, current: httpx.URL, seen: set[str], problems: list[str]
    ) -> httpx.URL | None:
        """The next page to fetch, or None to stop. Never leaves the configured API origin."""
        if not next_url:
            return None
        if not isinstance(next_url, str):
            problems.append(_("the API's next-page link was not text; stopped there"))
            return None
        try:
            target = current.join(next_url)
            target.host  # noqa: B018 - decodes an xn-- name, which may fail
        except (httpx.InvalidURL, UnicodeError):
            raise BadResponseError(
                L_("The API's next-page link is not a valid URL; not followed.")
            ) from None
        target = same_origin(self.base_url, target)
        if str(target) in seen:
            problems.append(_("the API's next-page link pointed back to a page already read"))
            return None
        return target

    async def _send(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        action: str,
    ) -> Any:
        """Send a request and decode its JSON body (None for an empty 2xx body)."""
        response = await self._exchange(
            method, url, params=params, json_body=json_body, action=action
        )
        if response.status_code == 204 or not response.content.strip():
            return None
        return decode_json(response, action, outcome_unknown=method != "GET")


def _backup_params(server_id: int | None, backup_type: str | None) -> dict[str, Any] | None:
    params: dict[str, Any] = {}
    if server_id is not None:
        params["server_id"] = int(server_id)
    if backup_type:
        params["backup_type"] = backup_type
    return params or None
