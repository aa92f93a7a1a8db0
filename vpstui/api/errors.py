"""Every way an API call can fail, as one exception tree with readable messages.

    ApiError                  root: `str(error)` is a sentence a user can read
    ├── InsecureUrlError      the API URL is invalid or would send the token unencrypted
    ├── ProxyError            the proxy settings (HTTPS_PROXY, ALL_PROXY…) cannot be used
    ├── AuthenticationError   401 / 403: the token is missing, wrong, or lacks permission
    ├── NotFoundError         404: the server or backup does not exist (any more)
    ├── ValidationError       400 / 409 / 422: the API refused the request; `field_errors` says why
    ├── RateLimitedError      429: too many requests; `retry_after` in seconds when the API said
    ├── ServerError           5xx: the API is failing on its side
    ├── TransportError        the request never got an answer (timeout, refused, reset, DNS)
    │   └── TimeoutError_     no answer within the timeout
    └── BadResponseError      an answer the API does not document (HTML, bad JSON, bad shape)

Messages are Lazy (`vpstui.i18n.L_`): `str(error)` reads in the language in use, and
`error.english()` is the same message in English, for the audit log. The API's own words
(`detail`) are shown as the API sent them.

Messages never contain the API token: the client never puts it in one, and
`error_from_response` only reads response bodies, never request headers. A body may still
echo the header (a proxy's error page): it is redacted (`secret.redact`, the token and any
8-character piece of it) before anything is clipped to length.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vpstui.api.bodies import describe_body, parse_retry_after
from vpstui.api.secret import redact
from vpstui.i18n import L_, N_, Lazy, english

if TYPE_CHECKING:  # httpx is imported only with the client: not on the app's start path
    import httpx

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadResponseError",
    "InsecureUrlError",
    "NotFoundError",
    "ProxyError",
    "RateLimitedError",
    "ServerError",
    "TimeoutError_",
    "TransportError",
    "ValidationError",
    "error_from_response",
    "error_from_transport",
]


#: What the client says it was doing ("Could not {action}: …"), marked here so that they
#: read in the language in use; an action not listed is shown as given.
ACTIONS = (
    N_("list servers"),
    N_("read the server"),
    N_("list backups"),
    N_("create a backup"),
    N_("delete the backup"),
    N_("start the restore"),
)


class ApiError(Exception):
    """Root of every API failure. `message` is for people (in the language in use; the
    `text` given may be a Lazy message); `english()` is for records; `status` is the HTTP
    status or None."""

    #: True when a request that changes something (POST/DELETE) may or may not have taken
    #: effect (e.g. it timed out after being sent): re-read the list before assuming either.
    outcome_unknown: bool = False

    def __init__(
        self, message: str | Lazy, *, status: int | None = None, detail: str | None = None
    ):
        super().__init__(message)
        self.text = message
        self.status = status
        self.detail = detail

    @property
    def message(self) -> str:
        """The message in the language in use."""
        return str(self.text)

    @message.setter
    def message(self, value: str | Lazy) -> None:
        self.text = value

    def english(self) -> str:
        """The message in English (the audit log's language)."""
        return english(self.text)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.english()!r}, status={self.status!r})"


class InsecureUrlError(ApiError):
    """The configured API URL is unusable or unsafe (plain http:// to a non-loopback host)."""


class ProxyError(ApiError):
    """The proxy the environment names cannot be used (e.g. SOCKS without `socksio`)."""


class AuthenticationError(ApiError):
    """401 or 403: the token was missing, rejected, or lacks permission."""


class NotFoundError(ApiError):
    """404: the thing asked for does not exist (or no longer does)."""


class ValidationError(ApiError):
    """The API refused the request as invalid; `field_errors` maps field → messages."""

    def __init__(
        self,
        message: str | Lazy,
        *,
        status: int | None = None,
        detail: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ):
        super().__init__(message, status=status, detail=detail)
        self.field_errors = field_errors or {}


class RateLimitedError(ApiError):
    """429: slow down; `retry_after` is the API's hint in seconds, when it gave one."""

    def __init__(
        self,
        message: str | Lazy,
        *,
        status: int | None = 429,
        detail: str | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, status=status, detail=detail)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the API failed on its side."""


class TransportError(ApiError):
    """No answer arrived: connection refused or reset, DNS failure, TLS failure."""


class TimeoutError_(TransportError):
    """No answer arrived within the configured timeout."""


class BadResponseError(ApiError):
    """An answer arrived but is not what the API documents (not JSON, truncated, wrong shape)."""


# --- building errors from responses --------------------------------------------------------


def _action(action: str | Lazy) -> Lazy:
    """`action` translated when shown (see `ACTIONS`)."""
    return action if isinstance(action, Lazy) else L_(action)


def _said(detail: str | None) -> Lazy:
    """The end of a message: what the API said, or just a full stop."""
    return L_(": {detail}", detail=detail) if detail else L_(".")


def error_from_response(
    response: httpx.Response, *, action: str | Lazy, secrets: Iterable[str] = ()
) -> ApiError:
    """The `ApiError` for a non-2xx response. `action` reads like "list backups"; `secrets`
    (the token) are removed from the body before any of it is clipped or kept."""
    status = response.status_code
    detail, fields = describe_body(response, tuple(secrets))
    said = _said(detail)
    doing = _action(action)
    if status == 401:
        return AuthenticationError(
            L_("The API rejected the token ({status}){said}", status=status, said=said),
            status=status,
            detail=detail,
        )
    if status == 403:
        return AuthenticationError(
            L_("The token is not allowed to {action} ({status}){said}", **_at(doing, status, said)),
            status=status,
            detail=detail,
        )
    if status == 404:
        return NotFoundError(
            L_("Could not {action}: not found (404){said}", action=doing, said=said),
            status=status,
            detail=detail,
        )
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        hint = (
            L_(" Retry in {seconds:.0f} s.", seconds=retry_after) if retry_after is not None else ""
        )
        return RateLimitedError(
            L_(
                "Could not {action}: the API is rate limiting requests (429).{hint}",
                action=doing,
                hint=hint,
            ),
            status=status,
            detail=detail,
            retry_after=retry_after,
        )
    if 500 <= status <= 599:
        return ServerError(
            L_(
                "Could not {action}: the API had an error ({status}){said}",
                **_at(doing, status, said),
            ),
            status=status,
            detail=detail,
        )
    if status in (400, 409, 422):
        return ValidationError(
            L_("Could not {action} ({status}){said}", **_at(doing, status, said)),
            status=status,
            detail=detail,
            field_errors=fields,
        )
    return ApiError(
        L_("Could not {action}: unexpected answer ({status}){said}", **_at(doing, status, said)),
        status=status,
        detail=detail,
    )


def _at(action: Lazy, status: int, said: Lazy) -> dict[str, object]:
    return {"action": action, "status": status, "said": said}


def error_from_transport(exc: httpx.TransportError, *, action: str | Lazy, host: str) -> ApiError:
    """The `ApiError` for a request that got no answer. Never includes headers or the token."""
    import httpx  # loaded already: `exc` is one of its errors

    doing = _action(action)
    if isinstance(exc, httpx.TimeoutException):
        while_ = {
            httpx.ConnectTimeout: N_("Could not {action}: {host} timed out while connecting."),
            httpx.ReadTimeout: N_(
                "Could not {action}: {host} timed out while waiting for the answer."
            ),
            httpx.WriteTimeout: N_(
                "Could not {action}: {host} timed out while sending the request."
            ),
            httpx.PoolTimeout: N_(
                "Could not {action}: {host} timed out while waiting for a free connection."
            ),
        }.get(type(exc), N_("Could not {action}: {host} timed out while waiting."))
        return TimeoutError_(L_(while_, action=doing, host=host))
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        dns_words = ("name or service", "nodename", "getaddrinfo", "resolve")
        if any(word in text for word in dns_words):
            why = N_("Could not {action}: {host}: the host name could not be resolved (DNS).")
        elif "certificate" in text or "ssl" in text or "tls" in text:
            why = N_("Could not {action}: {host}: the TLS certificate could not be verified.")
        elif "refused" in text:
            why = N_("Could not {action}: {host}: the connection was refused.")
        else:
            why = N_("Could not {action}: {host}: could not connect.")
        return TransportError(L_(why, action=doing, host=host))
    if isinstance(exc, httpx.RemoteProtocolError):
        message = N_("Could not {action}: {host} closed the connection mid-answer.")
    elif isinstance(exc, httpx.ReadError | httpx.WriteError):
        message = N_("Could not {action}: the connection to {host} was reset.")
    else:
        message = N_("Could not {action}: network error talking to {host}.")
    return TransportError(L_(message, action=doing, host=host))


def redact_error(error: ApiError, secrets: Iterable[str]) -> None:
    """Remove `secrets` (and any 8-character piece of one) from everything `error` carries.

    Used on errors whose text came from elsewhere than a response body, as a last guard.
    """
    secrets = tuple(secrets)
    error.text = _redact_message(error.text, secrets)
    error.args = (error.text,)
    if error.detail:
        error.detail = redact(error.detail, secrets)
    if isinstance(error, ValidationError):
        error.field_errors = {
            field: [redact(text, secrets) for text in texts]
            for field, texts in error.field_errors.items()
        }


def _redact_message(message: str | Lazy, secrets: tuple[str, ...]) -> str | Lazy:
    """`message` without `secrets`: a Lazy one keeps its template (it holds no secret) and
    has its values redacted, so it still reads in the language in use."""
    if isinstance(message, str):
        return redact(message, secrets)
    message.message = redact(message.message, secrets)
    message.params = {
        key: _redact_message(value, secrets) if isinstance(value, str | Lazy) else value
        for key, value in message.params.items()
    }
    return message
