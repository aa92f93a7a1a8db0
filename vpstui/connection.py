"""Building the API client from settings, shared by the TUI (`vpstui.cli`) and the
scripting commands (`vpstui.commands.run`) so neither imports the other.

Imports stay inside the functions: `vpstui.cli` imports this module at start-up, before
the garbage collector and httpx's CLI stand-in are set up (see `vpstui.cli.main`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from vpstui.api.client import VpsClient
    from vpstui.api.secret import Secret
    from vpstui.config import Settings

__all__ = ["PlannedClient", "build_client", "missing_token_message", "plan_client", "said"]


def said(message: object) -> str:
    """A line vpstui prints on stderr, after the program's name: "vpstui: …" (zh-CN
    "vpstui：…", as argparse's own "vpstui：错误：")."""
    from vpstui.i18n import _

    return _("vpstui: {message}").format(message=message)


def missing_token_message(prefixed: bool = True, config: Path | None = None) -> str:
    """What to print when no token was found (and how to try vpstui without one);
    `prefixed` starts it with "vpstui: " (`said`); `config` is the config file read."""
    from vpstui.config import ENV_TOKEN, config_path
    from vpstui.i18n import _

    text = _(
        "no API token.\n"
        "  Pass --token-file PATH, set {token}, or put token, token_file or\n"
        "  token_command in {config}\n"
        "  To try vpstui without an account: vpstui --demo\n"
    ).format(token=ENV_TOKEN, config=config or config_path())
    return said(text) if prefixed else text


def build_client(
    settings: Settings, timeout: float | None = None, *, demo_latency: float = 0.15
) -> VpsClient | None:
    """The API client for `settings` (the simulated one for the demo, answering after
    `demo_latency` seconds like a real network); None without a token.

    Raises `ApiError` when the API URL cannot be used."""
    import httpx

    from vpstui.api.client import DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, VpsClient

    if settings.demo:
        from vpstui.demo import DEMO_BASE_URL, DemoBackend

        # --demo shows a "restoring" status during a restore (README: the real API does not).
        backend = DemoBackend(latency=demo_latency, restore_status="restoring")
        return VpsClient(token="demo", base_url=DEMO_BASE_URL, transport=backend.transport())
    if settings.token is None:
        return None
    limits = (DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT)
    if timeout is not None and timeout > 0:
        limits = (httpx.Timeout(min(timeout, 5.0), read=timeout), timeout)
    return VpsClient(
        token=settings.token,
        base_url=settings.api_url,
        timeout=limits[0],
        total_timeout=limits[1],
        page_concurrency=settings.page_concurrency,
    )


class PlannedClient:
    """The API client of some settings, built when it is first needed.

    The app draws its first frame (rows from the listing cache) before it builds the
    client: importing httpx and building the client is about a tenth of a start (issue
    13). What the app needs of the client before then is here: the API host (the header,
    the cache, the ledger) and the token (redaction). The URL has passed `check_api_url`;
    `build` may still refuse one that httpx cannot read (`ApiError`).
    """

    def __init__(self, settings: Settings, token: Secret, timeout: float | None) -> None:
        from vpstui.api.address import api_host

        self.settings = settings
        self.token = token
        self.timeout = timeout
        self.host = api_host(settings.api_url)

    def __repr__(self) -> str:
        return f"PlannedClient(host={self.host!r})"

    def build(self) -> VpsClient:
        client = build_client(self.settings, self.timeout)
        assert client is not None  # settings with a token
        return client


def plan_client(
    settings: Settings, timeout: float | None = None
) -> VpsClient | PlannedClient | None:
    """The client for `settings` as the app takes it: planned (built after the first frame)
    for a real API, built now for the demo; None without a token. Raises `ApiError` when
    the API URL may not carry the token."""
    if settings.demo:
        return build_client(settings, timeout)
    if settings.token is None:
        return None
    from vpstui.api.address import check_api_url

    check_api_url(settings.api_url)
    return PlannedClient(settings, settings.token, timeout)
