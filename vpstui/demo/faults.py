"""Faults on demand, for tests and demos of how vpstui copes with a struggling API.

`FaultyBackend` wraps the demo backend's ASGI app and applies named faults from its
`FaultPlan`, so the same faults work in-process (`faulty.transport()`) and over HTTP
(`python -m vpstui.demo --faults`, which adds a control endpoint, or `--fault NAME`):

    faulty = FaultyBackend(DemoBackend(clock=clock))
    faulty.faults.set("http_502", method="POST", times=1)   # the next POST gets a 502
    faulty.count("POST", "/api/v1/backups/")                # every request is counted

Over HTTP, `POST /__vpstui_demo__/faults {"name": "http_502", "path": ...}` sets one,
`DELETE /__vpstui_demo__/faults` clears them and `GET /__vpstui_demo__/requests` lists
what arrived. That endpoint exists only when the wrapper is built with `control=True`.
Connection refused over HTTP is a stopped server; in-process the `refused` fault
raises `httpx.ConnectError` from the transport. Imports no Textual.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx

from vpstui.demo.asgi import DemoBackend, Message, Receive, Scope, Send
from vpstui.demo.fault_answers import (
    DJANGO_500,
    JSON_ERRORS,
    NGINX_502,
    PROXY_LOGIN_PAGE,
    huge_page,
    spoil,
)

__all__ = [
    "CONTROL_PREFIX",
    "FAULTS",
    "Arrival",
    "Fault",
    "FaultPlan",
    "FaultTransport",
    "FaultyBackend",
    "SwitchableTransport",
]

CONTROL_PREFIX = "/__vpstui_demo__/"

#: Every fault by name, with what it does.
FAULTS: dict[str, str] = {
    "latency": "answer normally after `seconds` (default 1)",
    "http_500": "500 with Django's HTML error page",
    "http_502": '502 {"detail": "Bad gateway"}',
    "http_503": '503 {"detail": "Service temporarily unavailable"}',
    "http_504": '504 {"detail": "Gateway timeout"}',
    "rate_limited": "429 with Retry-After: `seconds` (default 7)",
    "slow": "do the work, then wait `seconds` (default 30) before answering",
    "refused": "connection refused (in-process only; over HTTP, stop the server)",
    "reset": "do the work, send half the answer, then drop the connection",
    "malformed_json": "200 whose body is not JSON",
    "truncated_json": "do the work, then send only the first half of the JSON body",
    "html_200": "200 with a proxy's HTML sign-in page",
    "html_502": "502 with nginx's HTML Bad Gateway page",
    "unauthorized": '401 {"detail": "Invalid token."}',
    "forbidden": '403 {"detail": "You do not have permission to perform this action."}',
    "not_found": '404 {"detail": "Not found."}',
    "bad_items": "list answers with missing, extra and wrongly typed fields",
    "duplicate_ids": "list pages after the first repeat the first page's first item",
    "next_loop": "list answers whose `next` link points back to the first page",
    "huge_page": "list answers with 10,000 items on one page",
}

#: Faults that need the real answer first (the request takes effect, then goes wrong).
_AFTER_WORK = {"slow", "reset", "truncated_json", "bad_items", "duplicate_ids", "next_loop"}


@dataclass
class Fault:
    """One fault and which requests it hits.

    `path`: only paths starting with this; `method`: only this method; `server_id`: only
    requests about this server (`?server_id=` or `/servers/<id>/`); `times`: how many
    requests it hits before it clears itself (None: until cleared).
    """

    name: str
    path: str = ""
    method: str | None = None
    server_id: int | None = None
    times: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.name not in FAULTS:
            raise ValueError(f"unknown fault {self.name!r}; known: {', '.join(FAULTS)}")
        if self.method:
            self.method = self.method.upper()

    def matches(self, method: str, path: str, query: dict[str, str]) -> bool:
        if self.method and method != self.method:
            return False
        if not path.startswith(self.path):
            return False
        if self.server_id is not None:
            about = query.get("server_id") == str(self.server_id)
            return about or f"/servers/{self.server_id}/" in path
        return True


class FaultPlan:
    """The faults in force. The first active fault matching a request applies to it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    @property
    def active(self) -> list[Fault]:
        return list(self._faults)

    def set(self, name: str, **options: Any) -> Fault:
        """Make `name` the only fault in force."""
        fault = Fault(name, **options)
        self._faults = [fault]
        return fault

    def add(self, name: str, **options: Any) -> Fault:
        """Add `name` after the faults already in force."""
        fault = Fault(name, **options)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """The fault stops: every request is answered normally again."""
        self._faults = []

    def take(self, method: str, path: str, query: dict[str, str]) -> Fault | None:
        """The fault for this request, if any (counting down its `times`)."""
        for fault in self._faults:
            if fault.matches(method, path, query):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None


@dataclass(frozen=True, slots=True)
class Arrival:
    """A request that reached the wrapper, and the fault it got (None: answered normally)."""

    method: str
    path: str
    fault: str | None


@dataclass
class _Captured:
    """An answer from the real backend, held back so a fault can change it."""

    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


class FaultyBackend:
    """An ASGI app: the demo backend behind a `FaultPlan` (plus a control endpoint if asked)."""

    def __init__(self, backend: DemoBackend, *, control: bool = False) -> None:
        self.backend = backend
        self.faults = FaultPlan()
        self.control = control
        self.arrivals: list[Arrival] = []
        self._first_item: dict[str, Any] | None = None

    def transport(self) -> FaultTransport:
        """An in-process httpx transport to this app (faults included)."""
        return FaultTransport(self)

    def count(self, method: str, path_prefix: str = "") -> int:
        """How many `method` requests to paths under `path_prefix` arrived (faulted or not)."""
        method = method.upper()
        return sum(
            1 for a in self.arrivals if a.method == method and a.path.startswith(path_prefix)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.backend(scope, receive, send)
            return
        method, path = scope["method"].upper(), scope["path"]
        if self.control and path.startswith(CONTROL_PREFIX):
            await self._control(method, path, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        fault = self.faults.take(method, path, query)
        self.arrivals.append(Arrival(method, path, fault.name if fault else None))
        if fault is None:
            await self.backend(scope, receive, send)
        else:
            await self._apply(fault, scope, receive, send, query)

    # -- applying a fault ----------------------------------------------------------------

    async def _apply(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send, query: dict[str, str]
    ) -> None:
        name = fault.name
        if name == "refused":
            raise ConnectionRefusedError(111, "Connection refused")
        if name == "latency":
            await asyncio.sleep(1.0 if fault.seconds is None else fault.seconds)
            await self.backend(scope, receive, send)
            return
        if name in JSON_ERRORS:
            status, detail = JSON_ERRORS[name]
            extra = [(b"www-authenticate", b'Bearer realm="api"')] if status == 401 else []
            await _answer(send, status, _json({"detail": detail}), extra)
            return
        if name == "rate_limited":
            seconds = 7 if fault.seconds is None else round(fault.seconds)
            body = _json({"detail": f"Request was throttled. Expected available in {seconds} s."})
            await _answer(send, 429, body, [(b"retry-after", str(seconds).encode())])
            return
        html = {"http_500": (500, DJANGO_500), "html_200": (200, PROXY_LOGIN_PAGE)}
        html["html_502"] = (502, NGINX_502)
        if name in html:
            status, page = html[name]
            await _answer(send, status, page, [], b"text/html; charset=utf-8")
            return
        if name == "malformed_json":
            await _answer(send, 200, b"{'count': 1, 'results': [{'id': 501,}]}", [])
            return
        if name == "huge_page" and scope["method"] == "GET":
            await _answer(send, 200, _json(huge_page()), [])
            return
        captured = await _capture(self.backend, scope, receive)
        await self._after_work(fault, scope, send, query, captured)

    async def _after_work(
        self, fault: Fault, scope: Scope, send: Send, query: dict[str, str], answer: _Captured
    ) -> None:
        name, body = fault.name, answer.body
        ctype = answer.header(b"content-type") or b"application/json"
        if name == "slow":
            await asyncio.sleep(30.0 if fault.seconds is None else fault.seconds)
        elif name == "reset":
            await send(_start(answer.status, len(body), [], ctype))
            await send(
                {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
            )
            raise ConnectionResetError(104, "Connection reset by peer")
        elif name == "truncated_json":
            body = body[: len(body) // 2]
        elif answer.status == 200 and ctype.startswith(b"application/json"):
            body = _json(self._rewrite(name, json.loads(body), scope, query))
        await _answer(send, answer.status, body, [], ctype)

    def _rewrite(self, name: str, data: Any, scope: Scope, query: dict[str, str]) -> Any:
        """A list answer changed by `bad_items`, `duplicate_ids` or `next_loop`."""
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            return data
        results: list[Any] = data["results"]
        if name == "bad_items":
            data["results"] = spoil(results)
        elif name == "duplicate_ids":
            if "page" not in query and results:
                self._first_item = dict(results[0])
            elif self._first_item is not None:
                results.append(dict(self._first_item))
        elif name == "next_loop":
            headers = dict(scope["headers"])
            host = headers.get(b"host", b"localhost").decode("latin-1")
            first = f"{scope.get('scheme', 'http')}://{host}{scope['path']}"
            kept = [(k, v) for k, v in sorted(query.items()) if k != "page"]
            data["next"] = first + ("?" + "&".join(f"{k}={v}" for k, v in kept) if kept else "")
        return data

    # -- the control endpoint ------------------------------------------------------------

    async def _control(self, method: str, path: str, receive: Receive, send: Send) -> None:
        what = path[len(CONTROL_PREFIX) :].strip("/")
        if what == "faults" and method == "POST":
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            try:
                options = json.loads(body or b"{}")
                name = options.pop("name")
                if name == "refused":
                    raise ValueError("over HTTP, stop the server to refuse connections")
                fault = self.faults.add(name, **options)
            except (ValueError, KeyError, TypeError) as exc:
                await _answer(send, 400, _json({"detail": str(exc)}), [])
                return
            await _answer(send, 200, _json({"active": asdict(fault)}), [])
        elif what == "faults" and method == "DELETE":
            self.faults.clear()
            await _answer(send, 204, b"", [])
        elif what == "faults" and method == "GET":
            await _answer(send, 200, _json({"active": [asdict(f) for f in self.faults.active]}), [])
        elif what == "requests" and method == "GET":
            await _answer(send, 200, _json({"requests": [asdict(a) for a in self.arrivals]}), [])
        else:
            await _answer(send, 404, _json({"detail": "Not found."}), [])


def _json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _start(status: int, length: int, headers: list[tuple[bytes, bytes]], ctype: bytes) -> Message:
    all_headers = [(b"content-type", ctype), (b"content-length", str(length).encode()), *headers]
    return {"type": "http.response.start", "status": status, "headers": all_headers}


async def _answer(
    send: Send,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]],
    ctype: bytes = b"application/json",
) -> None:
    await send(_start(status, len(body), headers, ctype))
    await send({"type": "http.response.body", "body": body})


async def _capture(app: DemoBackend, scope: Scope, receive: Receive) -> _Captured:
    """Run the real backend and keep its answer instead of sending it."""
    captured = _Captured()

    async def keep(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured.status = message["status"]
            captured.headers = [
                (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"
            ]
        elif message["type"] == "http.response.body":
            captured.body += message.get("body", b"")

    await app(scope, receive, keep)
    return captured


class FaultTransport(httpx.AsyncBaseTransport):
    """httpx's ASGI transport to a `FaultyBackend`, turning its dropped connections into the
    errors a real network gives (`ConnectError`, `ReadError`)."""

    def __init__(self, app: FaultyBackend) -> None:
        self.app = app
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionRefusedError:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request) from None
        except ConnectionResetError:
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()


SwitchFault = Exception | Callable[[httpx.Request], httpx.Response]


class SwitchableTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; while `fault` is set, every request gets it instead: an exception
    to raise (e.g. `httpx.ConnectError`) or a function that builds the response."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.fault: SwitchFault | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault
        if isinstance(fault, Exception):
            raise fault
        if fault is not None:
            return fault(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
