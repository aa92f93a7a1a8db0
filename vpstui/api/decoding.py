"""Turning HTTP answers into JSON and pages, with a readable error for anything else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from vpstui.api.errors import BadResponseError
from vpstui.api.models import DecodedPage, Server, UnreadablePage, decode_page, parse_server
from vpstui.i18n import L_, N_

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
PageDecoder = Callable[[bytes], DecodedPage[T]]


def decode_json(response: httpx.Response, action: str, *, outcome_unknown: bool) -> Any:
    ctype = response.headers.get("content-type", "")
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:
        head = response.content[:200].lstrip().lower()
        if "html" in ctype or head.startswith((b"<!doctype", b"<html", b"<")):
            what = N_(
                "Could not {action}: the API sent an HTML page instead of JSON (a proxy or "
                "login page?) (status {status})."
            )
        elif response.content.rstrip()[-1:] not in (b"}", b"]"):
            what = N_("Could not {action}: the API sent a truncated answer (status {status}).")
        else:
            what = N_(
                "Could not {action}: the API sent an answer that is not valid JSON "
                "(status {status})."
            )
        error = BadResponseError(
            L_(what, action=L_(action), status=response.status_code),
            status=response.status_code,
        )
        error.outcome_unknown = outcome_unknown
        raise error from exc


def server_page(body: bytes) -> DecodedPage[Server]:
    return decode_page(json.loads(body), parse_server)


def read_page(response: httpx.Response, decode: PageDecoder[T], action: str) -> DecodedPage[T]:
    if not response.content.strip():
        raise BadResponseError(
            L_(
                "Could not {action}: the API sent an empty answer (status {status}).",
                action=L_(action),
                status=response.status_code,
            ),
            status=response.status_code,
        )
    try:
        return decode(response.content)
    except UnreadablePage:
        raise BadResponseError(
            L_("Could not {action}: the API's answer has no list of results.", action=L_(action))
        ) from None
    except (ValueError, RecursionError):
        decode_json(response, action, outcome_unknown=False)  # raises the readable error
        raise  # pragma: no cover - _decode always raises for a body json.loads rejects
