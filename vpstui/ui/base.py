"""`VpsAppBase`: what every screen and dialog may use from the app.

The settings, the API client, the clock, the records of destructive actions (audit log,
operations ledger), the start-up head start and the watch on slow answers. Screens are
typed against this class, never against `VpsApp` (which imports the screens): the app
wires screens together, the screens do not reach back into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.notifications import SeverityLevel

from vpstui.api.errors import ApiError
from vpstui.audit import AuditLog, default_audit_path, state_dir
from vpstui.cache import CachedListing, ListingCache
from vpstui.clock import Clock, SystemClock
from vpstui.config import Settings
from vpstui.connection import PlannedClient, said
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.loading import SLOW_AFTER, RequestWatch, Scope, StartupPrefetch
from vpstui.operations import OPS_FILE, OperationLedger

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = ["VpsAppBase"]


class VpsAppBase(App[None]):
    """The app's state and services. `api` None means no token: the first-run screen explains.
    A `PlannedClient` is built when the app first needs it (after its first frame, when the
    listing cache has rows for it)."""

    def __init__(
        self,
        settings: Settings,
        api: VpsClient | PlannedClient | None,
        *,
        clock: Clock | None = None,
        tick_seconds: float = 1.0,
        audit_path: Path | None = None,
        ops_path: Path | None = None,
        slow_after: float = SLOW_AFTER,
    ) -> None:
        super().__init__()
        self.settings = settings
        #: Where the parsed CSS is kept between starts (None: not kept, see `styles_cache`).
        self._styles_path: Path | None = None
        if settings.cache and not settings.demo:
            self._use_kept_styles()
        self._planned = api if isinstance(api, PlannedClient) else None
        self._api = None if isinstance(api, PlannedClient) else api
        #: Why the planned client could not be built (the app is ending).
        self._refused: ApiError | None = None
        self.clock: Clock = clock or SystemClock()
        self.tick_seconds = tick_seconds
        #: Tokens of profiles used earlier in this session: still redacted everywhere.
        self._past_secrets: list[str] = []
        #: The first screen's requests, started early (`on_load`); None once it has them.
        self.prefetch: StartupPrefetch | None = None
        #: The listing cache as read at start (`read_listing_cache`): scope, file, listing.
        self.startup_cache: tuple[Scope, ListingCache, CachedListing | None] | None = None
        #: How the backup list's requests are getting on: the header says when one is slow.
        self.request_watch = RequestWatch(self.clock.now, slow_after)
        #: The record of destructive actions (none for the demo unless a path is given).
        self.audit_log: AuditLog | None = None
        if audit_path is None and not settings.demo:
            audit_path = default_audit_path()
        if audit_path is not None and api is not None:
            self.audit_log = AuditLog(audit_path, host=api.host, secrets=self.secrets())
        #: Creates and restores followed across sessions (none for the demo unless given).
        self.ledger: OperationLedger | None = None
        if ops_path is None and not settings.demo:
            ops_path = state_dir() / OPS_FILE
        if ops_path is not None and api is not None:
            self.ledger = OperationLedger.load(ops_path, api.host)

    def _use_kept_styles(self) -> None:
        """Take the CSS rules parsed by an earlier start, if they still match (issue 13:
        parsing them is ~12 ms of every start). `keep_styles` saves them after the first
        frame."""
        from vpstui.cache import cache_dir
        from vpstui.ui.styles_cache import (
            STYLES_FILE,
            PreparsedStylesheet,
            load_rules,
            textual_fingerprint,
        )

        self._styles_path = cache_dir() / STYLES_FILE
        self._styles_fingerprint = textual_fingerprint()
        kept = load_rules(self._styles_path, self._styles_fingerprint)
        # Textual's own stylesheet has no sources yet: replaced before it reads any.
        self.stylesheet = PreparsedStylesheet(variables=self.theme_variables, kept=kept)

    def keep_styles(self) -> None:
        """After the first frame: keep the rules parsed for it, if any were parsed anew."""
        from vpstui.ui.styles_cache import PreparsedStylesheet, save_rules

        sheet = self.stylesheet
        if self._styles_path is None or not isinstance(sheet, PreparsedStylesheet):
            return
        if sheet.unsaved:
            save_rules(self._styles_path, self._styles_fingerprint, sheet.used)
            sheet.unsaved = False

    def read_listing_cache(self, scope: Scope) -> bool:
        """Read this account's listing cache for `scope` now (the first screen takes it
        with `take_listing_cache`); True if it holds rows to show. Nothing is read for the
        demo, with `cache = false`, or without a client."""
        if not self.settings.cache or self.settings.demo or not self.has_client:
            return False
        cache = ListingCache(self.api_host, self.settings.profile)
        found = cache.load(scope)
        self.startup_cache = (scope, cache, found)
        return found is not None

    def has_startup_rows(self, scope: Scope) -> bool:
        """The listing cache read at start holds rows for `scope` (the first frame's)."""
        read = self.startup_cache
        return read is not None and read[0] == scope and read[2] is not None

    def take_listing_cache(self, scope: Scope) -> tuple[ListingCache, CachedListing | None]:
        """The listing cache of this account and what it holds for `scope`: as read at
        start if that was `scope` (once), else read now."""
        read, self.startup_cache = self.startup_cache, None
        if read is not None and read[0] == scope:
            return read[1], read[2]
        cache = ListingCache(self.api_host, self.settings.profile)
        return cache, cache.load(scope)

    @property
    def has_client(self) -> bool:
        """False without a token (the first-run screen is showing)."""
        return self._api is not None or self._planned is not None

    @property
    def api_host(self) -> str:
        """The API's host, as `api.host` says it, without building the client."""
        if self._planned is not None:
            return self._planned.host
        return self.api.host  # the client's, or RuntimeError without one

    @property
    def api(self) -> VpsClient:
        """The API client: a planned one is built now. If httpx cannot read the API URL
        (checked only loosely before the first frame), the app ends with the reason, as it
        would have before starting, and the caller gets the `ApiError`."""
        if self._api is None and self._planned is not None:
            if self._refused is not None:
                raise self._refused  # said once
            try:
                self._api = self._planned.build()
            except ApiError as error:
                self._refused = error
                self.exit(return_code=2, message=said(error))
                raise
            self._planned = None
        if self._api is None:
            raise RuntimeError("no API client: the first-run screen is showing")
        return self._api

    def use_account(self, settings: Settings, api: VpsClient) -> VpsClient | None:
        """Another profile's account from now on: its client, audit log and ledger (the
        previous tokens stay redacted). Returns the previous client, for the caller to close
        once nothing uses it any more."""
        old = self._api
        self._planned = None  # never built: nothing to close
        if self.prefetch is not None:  # the old account's, if never taken
            self.prefetch.cancel()
            self.prefetch = None
        self._past_secrets = self.secrets()
        self.settings, self._api = settings, api
        if self.audit_log is not None:
            self.audit_log = AuditLog(self.audit_log.path, host=api.host, secrets=self.secrets())
        if self.ledger is not None:  # operations followed are per API host
            self.ledger = OperationLedger.load(self.ledger.path, api.host)
        return old

    def secrets(self) -> list[str]:
        """Every token this app knows, to be removed from anything it writes or prints."""
        found = [self.settings.token.reveal()] if self.settings.token else []
        for client in (self._api, self._planned):
            if client is not None and client.token and client.token.reveal() not in found:
                found.append(client.token.reveal())
        found += [past for past in self._past_secrets if past not in found]
        return found

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is inert text: API strings in it never act as markup or escapes.

        (`Widget.notify` passes `markup=True` by default; it is ignored here on purpose.)
        """
        super().notify(
            safe_text(message, 500),
            title=safe_text(title, 80),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def token_rejected(self, reason: str) -> None:
        """A 401 before anything loaded: explain, and stay open until the user quits."""
        from vpstui.ui.screens.first_run import FirstRunScreen

        self.switch_screen(FirstRunScreen(reason, self.settings.token_source))

    def writes_refused(self) -> bool:
        """Read-only (flag or profile): say so, and return True; no dialog may open."""
        reason = self.settings.refuse_writes()
        if reason is not None:
            self.notify(reason, title=_("Read-only"), severity="warning", timeout=6)
        return reason is not None
