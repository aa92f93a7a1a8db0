"""Reading what an error answer's body says: DRF `detail` and field errors, an HTML page's
title, plain text; redacted (the token and any 8-character piece of it) before it is cut to
length. And the `Retry-After` header. Used by `vpstui.api.errors` to build messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpstui.api.secret import redact

if TYPE_CHECKING:
    import httpx

__all__ = ["describe_body", "parse_retry_after"]

_MAX_DETAIL = 300

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _clip(text: str, secrets: Iterable[str], limit: int = _MAX_DETAIL) -> str:
    """`text` on one line, redacted, then cut to `limit` characters (in that order)."""
    text = _SPACE.sub(" ", redact(text, secrets)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flatten(value: Any) -> list[str]:
    """Strings found in a DRF error value (str, list of str, nested dicts)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_flatten(item))
        return out
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            out.extend(f"{key}: {text}" for text in _flatten(item))
        return out
    return [str(value)]


def describe_body(
    response: httpx.Response, secrets: tuple[str, ...]
) -> tuple[str | None, dict[str, list[str]]]:
    """What the body says, as one readable line, plus DRF field errors if any.

    Handles `{"detail": ...}`, `{"field": ["msg"]}`, `{"non_field_errors": [...]}`, a bare
    list, an HTML page (its <title>), plain text, and an empty body.
    """
    content = response.content
    if not content.strip():
        return None, {}
    ctype = response.headers.get("content-type", "")
    text = redact(response.text, secrets)
    import json  # only for an error's body: not on the app's start path

    try:
        data = json.loads(text)
    except ValueError:
        if "html" in ctype or text.lstrip()[:1] == "<":
            title = _TITLE.search(text)
            raw = title.group(1) if title else _TAG.sub(" ", text)
            return (_clip(raw, secrets, 120) or None), {}
        return _clip(text, secrets), {}
    if isinstance(data, dict):
        fields: dict[str, list[str]] = {}
        parts: list[str] = []
        for key in ("detail", "message", "error"):
            if key in data:
                parts.extend(_flatten(data[key]))
        for key, value in data.items():
            if key in ("detail", "message", "error", "code", "status_code"):
                continue
            msgs = [redact(m, secrets) for m in _flatten(value)]
            if not msgs:
                continue
            fields[key] = msgs
            if key in ("non_field_errors", "__all__"):
                parts.extend(msgs)
            else:
                parts.extend(f"{key}: {m}" for m in msgs)
        return (_clip("; ".join(parts), secrets) or None), fields
    if isinstance(data, list):
        return (_clip("; ".join(_flatten(data)), secrets) or None), {}
    return _clip(str(data), secrets), {}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from datetime import UTC, datetime
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)
