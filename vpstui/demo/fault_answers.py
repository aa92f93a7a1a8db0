"""The canned answers of the demo backend's faults: error pages, spoiled items, a huge page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = [
    "DJANGO_500",
    "HUGE_PAGE",
    "JSON_ERRORS",
    "NGINX_502",
    "PROXY_LOGIN_PAGE",
    "huge_page",
    "spoil",
]

HUGE_PAGE = 10_000

PROXY_LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in - Corporate Web Proxy</title></head>"
    b"<body><form action='/login'><input name='user'></form></body></html>"
)
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
DJANGO_500 = (
    b'<!doctype html><html lang="en"><head><title>Server Error (500)</title></head>'
    b"<body><h1>Server Error (500)</h1><p></p></body></html>"
)

JSON_ERRORS: dict[str, tuple[int, str]] = {
    "http_502": (502, "Bad gateway"),
    "http_503": (503, "Service temporarily unavailable"),
    "http_504": (504, "Gateway timeout"),
    "unauthorized": (401, "Invalid token."),
    "forbidden": (403, "You do not have permission to perform this action."),
    "not_found": (404, "Not found."),
}


def spoil(results: list[Any]) -> list[Any]:
    """Every way an item can be wrong: missing, extra and wrongly typed fields."""
    spoiled = [
        dict(item, surprise={"nested": [1, 2]}) for item in results if isinstance(item, dict)
    ]
    changes: list[Callable[[dict[str, Any]], object]] = [
        lambda item: [item.pop(key, None) for key in ("status", "size_mb", "created_at")],
        lambda item: item.update(size_mb="big"),
        lambda item: item.update(id=None),
        lambda item: item.update(created_at="yesterday", expires_at=17, backup_type=["x"]),
        lambda item: item.update(server="web", description={"text": "?"}),
    ]
    for item, change in zip(spoiled, changes, strict=False):
        change(item)
    return spoiled


def huge_page() -> dict[str, Any]:
    results = [
        {
            "id": 900_000 + i,
            "server": {"id": 12345, "name": "web-server-01"},
            "backup_type": "automatic",
            "status": "completed",
            "size_mb": 1000 + i,
            "created_at": "2025-01-01T03:00:00Z",
            "expires_at": None,
            "description": f"bulk {i}",
        }
        for i in range(HUGE_PAGE)
    ]
    return {"count": HUGE_PAGE, "next": None, "previous": None, "results": results}
