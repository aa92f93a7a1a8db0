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
import msgspec

from vpstui import __version__
from vpstui.api.decoding import PageDecoder, decode_json, read_page, server_page
from vpstui.api.errors import BadResponseError
from vpstui.api.models import (
    Backup,
    CreateResult,
    Listing,
    RestoreResult,
    Server,
    UnreadableItem,
    decode_backup_page,
    parse_backup,
    parse_server,
)
from vpstui.api.origin import BearerAuth, check_base_url, token_header_problem
from vpstui.api.retry import RetryPolicy
from vpstui.api.secret import Secret
from vpstui.api.sending import Sending
from vpstui.api.transport import build_http_client

__all__ = ["DEFAULT_API_URL", "DEFAULT_TIMEOUT", "Page", "VpsClient"]

DEFAULT_API_URL = "https://admin.vps.org"
#: connect 5 s, read 15 s; `total` bounds a whole request including slow-drip bodies.
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=5.0)
DEFAULT_TOTAL_TIMEOUT = 45.0
#: A hard stop for pagination, far beyond any real account (10 backups x 100k servers / 100).
MAX_PAGES = 20_000

T = TypeVar("T")


class Page(msgspec.Struct, frozen=True):
    """One page of a listing as it arrives: for progressive loading.

    `items` holds this page's new items (duplicates of earlier pages removed);
    `loaded` counts items so far, `count` is the API's announced total (or None).
    """

    items: list[Any]
    loaded: int
    count: int | None
    skipped: int
    problems: list[str]
    done: bool


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
            raise BadResponseError(f"Could not read the server: {exc}.") from exc

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
                f"The backup may have been created, but the API's answer could not be read ({exc})."
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
        url: httpx.URL | str = path
        seen_urls: set[str] = set()
        seen_ids: set[int] = set()
        problems: list[str] = []
        skipped = loaded = 0
        for _ in range(MAX_PAGES):
            page_params, params = params, None  # the next link carries the query
            response = await self._exchange("GET", url, params=page_params, action=action)
            decoded = read_page(response, decode, action)
            skipped += decoded.skipped
            for problem in decoded.problems:
                if len(problems) < 20:
                    problems.append(problem)
            items: list[T] = []
            for item in decoded.items:
                item_id: int = getattr(item, "id")  # noqa: B009 - every model has an id
                if item_id in seen_ids:
                    if len(problems) < 20:
                        problems.append(f"item {item_id} was listed twice; shown once")
                    continue
                seen_ids.add(item_id)
                items.append(item)
            loaded += len(items)
            current = response.request.url
            seen_urls.add(str(current))
            following = self._next_url(decoded.next, current, seen_urls, problems)
            yield Page(items, loaded, decoded.count, skipped, list(problems), following is None)
            if following is None:
                return
            url = following
        raise BadResponseError(f"Could not {action}: the API sent more than {MAX_PAGES} pages.")

    def _next_url(
        self, next_url: Any, current: httpx.URL, seen: set[str], problems: list[str]
    ) -> httpx.URL | None:
        """The next page to fetch, or None to stop. Never leaves the configured API origin."""
        if not next_url:
            return None
        if not isinstance(next_url, str):
            problems.append("the API's next-page link was not text; stopped there")
            return None
        try:
            target = current.join(next_url)
            target.host  # noqa: B018 - decodes an xn-- name, which may fail
        except (httpx.InvalidURL, UnicodeError):
            raise BadResponseError(
                "The API's next-page link is not a valid URL; not followed."
            ) from None
        base = self.base_url
        if target.host != base.host:
            raise BadResponseError(
                f"The API's next-page link points to another host ({target.host}); "
                "not followed, so the token is not sent there."
            )
        if target.scheme != base.scheme or target.port != base.port:
            if target.scheme == "http" and base.scheme == "https" and target.port in (None, 80):
                # A TLS-terminating proxy in front of the API often writes http:// links.
                target = target.copy_with(scheme=base.scheme, port=base.port)
            else:
                raise BadResponseError(
                    f"The API's next-page link points to another address ({target.scheme}://"
                    f"{target.host}:{target.port}); not followed, so the token is not sent there."
                )
        if str(target) in seen:
            problems.append("the API's next-page link pointed back to a page already read")
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
