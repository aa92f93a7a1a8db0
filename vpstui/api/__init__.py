"""The VPS.org API client library: no Textual here, so scripts can import it cheaply.

from vpstui.api import VpsClient, ApiError

Each name is imported from its own module when it is first asked for (PEP 562):
`from vpstui.api import Backup` does not import httpx, which only the client needs. The
app draws its first frame before it builds the client (issue 13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpstui._lazy import lazy_exports

if TYPE_CHECKING:
    from vpstui.api.address import DEFAULT_API_URL
    from vpstui.api.client import DEFAULT_TIMEOUT, VpsClient
    from vpstui.api.errors import (
        ApiError,
        AuthenticationError,
        BadResponseError,
        InsecureUrlError,
        NotFoundError,
        ProxyError,
        RateLimitedError,
        ServerError,
        TimeoutError_,
        TransportError,
        ValidationError,
    )
    from vpstui.api.models import (
        MANUAL_BACKUP_LIMIT,
        Backup,
        CreateResult,
        Listing,
        RestoreResult,
        Server,
    )
    from vpstui.api.paging import Page
    from vpstui.api.progress import (
        RequestEvent,
        TryEnded,
        TryRetrying,
        TryStarted,
        report_to,
        reporting_to,
    )
    from vpstui.api.retry import RetryPolicy
    from vpstui.api.secret import Secret

#: Where each public name lives.
_HOMES = {
    "ApiError": "vpstui.api.errors",
    "AuthenticationError": "vpstui.api.errors",
    "Backup": "vpstui.api.models",
    "BadResponseError": "vpstui.api.errors",
    "CreateResult": "vpstui.api.models",
    "DEFAULT_API_URL": "vpstui.api.address",
    "DEFAULT_TIMEOUT": "vpstui.api.client",
    "InsecureUrlError": "vpstui.api.errors",
    "Listing": "vpstui.api.models",
    "MANUAL_BACKUP_LIMIT": "vpstui.api.models",
    "NotFoundError": "vpstui.api.errors",
    "Page": "vpstui.api.paging",
    "ProxyError": "vpstui.api.errors",
    "RateLimitedError": "vpstui.api.errors",
    "RequestEvent": "vpstui.api.progress",
    "RestoreResult": "vpstui.api.models",
    "RetryPolicy": "vpstui.api.retry",
    "Secret": "vpstui.api.secret",
    "Server": "vpstui.api.models",
    "ServerError": "vpstui.api.errors",
    "TimeoutError_": "vpstui.api.errors",
    "TransportError": "vpstui.api.errors",
    "TryEnded": "vpstui.api.progress",
    "TryRetrying": "vpstui.api.progress",
    "TryStarted": "vpstui.api.progress",
    "ValidationError": "vpstui.api.errors",
    "VpsClient": "vpstui.api.client",
    "report_to": "vpstui.api.progress",
    "reporting_to": "vpstui.api.progress",
}

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_TIMEOUT",
    "MANUAL_BACKUP_LIMIT",
    "ApiError",
    "AuthenticationError",
    "Backup",
    "BadResponseError",
    "CreateResult",
    "InsecureUrlError",
    "Listing",
    "NotFoundError",
    "Page",
    "ProxyError",
    "RateLimitedError",
    "RequestEvent",
    "RestoreResult",
    "RetryPolicy",
    "Secret",
    "Server",
    "ServerError",
    "TimeoutError_",
    "TransportError",
    "TryEnded",
    "TryRetrying",
    "TryStarted",
    "ValidationError",
    "VpsClient",
    "report_to",
    "reporting_to",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())
