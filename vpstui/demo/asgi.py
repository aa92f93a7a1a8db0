"""The demo backend as a plain ASGI application: a regex router over `DemoState`.

It behaves as the real API does from a client's point of view (DRF envelopes,
error bodies, status codes, `next` links built from the request's Host), so the
vpstui client can be pointed at it in-process (`backend.transport()`) or over
TCP (`python -m vpstui.demo`). It imports no Textual and no web framework.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import msgspec

from vpstui.clock import Clock, SystemClock
from vpstui.demo.state import BACKUP_TYPES, NOT_FOUND, DemoState, Rejection
from vpstui.demo.wire import (
    PAGINATIONS,
    Fields,
    backup_json,
    paginate,
    parse_json_object,
    server_json,
)

__all__ = ["DemoBackend", "RequestRecord"]

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CREATE_MESSAGE = "Backup is being created. This may take several minutes depending on server size."
SERVER_ERROR_PAGE = b'\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n'  # noqa: E501


class RequestRecord(msgspec.Struct, frozen=True):
    """One request the backend answered."""

    method: str
    path: str
    query: dict[str, str]
    status: int


class Request(msgspec.Struct, frozen=True):
    """The parts of an HTTP request the handlers need."""

    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    base_url: str  # scheme://host/path, without the query

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object (see `wire.parse_json_object`)."""
        return parse_json_object(self.body, self.headers.get("content-type", ""))


class Response(msgspec.Struct):
    """A status, a body and headers; `json()` builds the usual kind."""

    status: int
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = msgspec.field(default_factory=list)

    @classmethod
    def json(
        cls, status: int, data: Any, headers: list[tuple[bytes, bytes]] | None = None
    ) -> Response:
        """A JSON response, compact and UTF-8 as DRF renders it."""
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        return cls(status, body, [(b"content-type", b"application/json"), *(headers or [])])


Handler = Callable[[Request, dict[str, int]], Response]


class DemoBackend:
    """A faithful, stateful simulation of the VPS.org API as an ASGI app.

    `state` defaults to the seeded demo account built on `clock` (a given state
    brings its own clock, which drives all its changes); `token=None` accepts any non-empty
    Bearer token; `page_size` is the default page size; `latency` adds that many
    seconds to every request (concurrent requests wait side by side, as over a network);
    `restore_status` (e.g. "restoring") is the status a server shows while it is restored,
    which the API does not document (None: no status, as documented); `pagination` shapes
    the page links (see `wire.PAGINATIONS`; "page" is DRF's default). Every request is kept
    in `requests`.
    """

    def __init__(
        self,
        state: DemoState | None = None,
        clock: Clock | None = None,
        token: str | None = None,
        page_size: int = 100,
        latency: float = 0.0,
        restore_status: str | None = None,
        pagination: str = "page",
    ) -> None:
        if pagination not in PAGINATIONS:
            raise ValueError(f"pagination must be one of {', '.join(PAGINATIONS)}")
        if state is not None and clock is not None and clock is not state.clock:
            raise ValueError("pass the clock to DemoState, or pass only `clock`, not both")
        self.clock: Clock = state.clock if state is not None else clock or SystemClock()
        self.state = state if state is not None else DemoState.seeded(self.clock)
        if restore_status is not None:  # undocumented: an explicit demo option
            self.state.restore_status = restore_status
        self.token = token
        self.page_size = page_size
        self.latency = latency
        self.pagination = pagination
        self.requests: list[RequestRecord] = []
        self._routes: list[tuple[re.Pattern[str], str, dict[str, Handler]]] = [
            (
                re.compile(r"/api/v1/backups/"),
                "Backup List",
                {"GET": self._list_backups, "POST": self._create_backup},
            ),
            (
                re.compile(r"/api/v1/backups/(?P<backup_id>\d+)/"),
                "Backup Instance",
                {"DELETE": self._delete_backup},
            ),
            (re.compile(r"/api/v1/servers/"), "Server List", {"GET": self._list_servers}),
            (
                re.compile(r"/api/v1/servers/(?P<server_id>\d+)/"),
                "Server Instance",
                {"GET": self._get_server},
            ),
            (
                re.compile(r"/api/v1/servers/(?P<server_id>\d+)/restore/"),
                "Restore",
                {"POST": self._restore},
            ),
        ]

    def transport(self) -> httpx.ASGITransport:
        """An httpx transport that sends requests straight to this backend, in-process."""
        return httpx.ASGITransport(app=self)

    def count(self, method: str, path_prefix: str = "") -> int:
        """How many `method` requests were made to paths starting with `path_prefix`."""
        method = method.upper()
        return sum(
            1 for r in self.requests if r.method == method and r.path.startswith(path_prefix)
        )

    # -- ASGI --------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point (HTTP and lifespan; anything else is ignored)."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = await self._read_request(scope, receive)
        # Even with no latency, give the event loop a turn, as a real network would: an
        # in-process client must not run a whole 1,000-page listing without yielding.
        await asyncio.sleep(self.latency)
        try:
            response = self.handle(request)
        except Exception:
            log.exception("demo backend failed on %s %s", request.method, request.path)
            response = Response(500, SERVER_ERROR_PAGE, [(b"content-type", b"text/html")])
        self.requests.append(
            RequestRecord(request.method, request.path, dict(request.query), response.status)
        )
        body = b"" if request.method == "HEAD" else response.body
        headers = [
            *response.headers,
            (b"content-length", str(len(response.body)).encode()),
            (b"date", format_datetime(self.clock.now(), usegmt=True).encode()),
        ]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _read_request(scope: Scope, receive: Receive) -> Request:
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw_query = scope.get("query_string", b"").decode("latin-1")
        server = scope.get("server") or ("localhost", None)
        default_host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
        host = headers.get("host", default_host)
        path: str = scope["path"]
        return Request(
            method=scope["method"].upper(),
            path=path,
            query=dict(parse_qsl(raw_query, keep_blank_values=True)),
            raw_query=raw_query,
            headers=headers,
            body=b"".join(chunks),
            base_url=f"{scope.get('scheme', 'http')}://{host}{path}",
        )

    # -- dispatch ----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer one request: route, authenticate, settle the clock, then run the handler."""
        match = self._route(request.path)
        if match is None:
            if not request.path.endswith("/") and self._route(request.path + "/") is not None:
                location = (
                    request.path + "/" + (f"?{request.raw_query}" if request.raw_query else "")
                )
                return Response(301, b"", [(b"location", location.encode())])
            return Response.json(404, NOT_FOUND)
        name, handlers, params = match
        allow = ", ".join([*handlers, *(["HEAD"] if "GET" in handlers else []), "OPTIONS"])
        allow_header = [(b"allow", allow.encode())]
        try:
            self._authenticate(request.headers.get("authorization", ""))
            self.state.settle()
            method = "GET" if request.method == "HEAD" else request.method
            if method == "OPTIONS":
                return Response.json(200, _options_body(name), allow_header)
            handler = handlers.get(method)
            if handler is None:
                raise Rejection(405, {"detail": f'Method "{request.method}" not allowed.'})
            response = handler(request, params)
        except Rejection as rejection:
            extra = allow_header if rejection.status == 405 else []
            if rejection.status == 401:
                extra = [(b"www-authenticate", b"Bearer")]
            return Response.json(rejection.status, rejection.body, extra)
        response.headers.append((b"allow", allow.encode()))
        return response

    def _route(self, path: str) -> tuple[str, dict[str, Handler], dict[str, int]] | None:
        for pattern, name, handlers in self._routes:
            found = pattern.fullmatch(path)
            if found:
                return name, handlers, {k: int(v) for k, v in found.groupdict().items()}
        return None

    def _authenticate(self, header: str) -> None:
        keyword, _, credentials = header.strip().partition(" ")
        credentials = credentials.strip()
        if keyword.lower() != "bearer" or not credentials:
            raise Rejection(401, {"detail": "Authentication credentials were not provided."})
        if " " in credentials or (self.token is not None and credentials != self.token):
            raise Rejection(401, {"detail": "Invalid token."})

    # -- handlers ----------------------------------------------------------------------

    def _list_backups(self, request: Request, params: dict[str, int]) -> Response:
        server_id: int | None = None
        raw_server = request.query.get("server_id", "")
        backup_type = request.query.get("backup_type", "") or None
        errors: dict[str, list[str]] = {}
        if raw_server:
            try:
                server_id = int(raw_server)
            except ValueError:
                errors["server_id"] = ["Enter a whole number."]
        if backup_type is not None and backup_type not in BACKUP_TYPES:
            errors["backup_type"] = [
                f"Select a valid choice. {backup_type} is not one of the available choices."
            ]
        if errors:
            raise Rejection(400, errors)
        page = paginate(
            self.state.list_backups(server_id, backup_type),
            query=request.query,
            raw_query=request.raw_query,
            page_size=self.page_size,
            base_url=request.base_url,
            style=self.pagination,
        )
        servers = self.state.servers
        results = [backup_json(b, servers[b.server_id]) for b in page.items]
        return Response.json(200, page.envelope(results))

    def _create_backup(self, request: Request, params: dict[str, int]) -> Response:
        fields = Fields(request.json_object())
        server_id = fields.integer("server_id")
        description = fields.text("description", default="", max_length=255)
        fields.check()
        backup = self.state.create_manual_backup(server_id, description)
        body = backup_json(backup, self.state.servers[server_id])
        body["message"] = CREATE_MESSAGE
        return Response.json(201, body)

    def _delete_backup(self, request: Request, params: dict[str, int]) -> Response:
        self.state.delete_backup(params["backup_id"])
        return Response(204)

    def _list_servers(self, request: Request, params: dict[str, int]) -> Response:
        servers = self.state.list_servers(
            status=request.query.get("status") or None,
            location=request.query.get("location") or None,
        )
        page = paginate(
            servers,
            query=request.query,
            raw_query=request.raw_query,
            page_size=self.page_size,
            base_url=request.base_url,
            style=self.pagination,
        )
        return Response.json(200, page.envelope([server_json(s) for s in page.items]))

    def _get_server(self, request: Request, params: dict[str, int]) -> Response:
        return Response.json(200, server_json(self.state.get_server(params["server_id"])))

    def _restore(self, request: Request, params: dict[str, int]) -> Response:
        server_id = params["server_id"]
        self.state.get_server(server_id)
        fields = Fields(request.json_object())
        backup_id = fields.integer("backup_id")
        fields.check()
        server, backup = self.state.start_restore(server_id, backup_id)
        message = (
            f"Restore of backup #{backup.id} to {server.name} has started. "
            "The server will be unavailable for a few minutes."
        )
        return Response.json(
            202, {"message": message, "server_id": server.id, "backup_id": backup.id}
        )


def _options_body(name: str) -> dict[str, Any]:
    """What DRF's metadata answers to OPTIONS."""
    return {
        "name": name,
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json"],
    }
