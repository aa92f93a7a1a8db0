"""The VPS.org API client library: no Textual here, so scripts can import it cheaply.

from vpstui.api import VpsClient, ApiError
"""

from vpstui.api.client import DEFAULT_API_URL, DEFAULT_TIMEOUT, Page, VpsClient
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
