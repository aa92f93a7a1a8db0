"""`CachedStart`: the last session's listing as the first frame (issue 13).

Its rows are shown dimmed and marked "◷ cached", with the picker's and the insight's
facts worked out from them (All servers' listing only), until the live listing replaces
them; each full listing is kept for the next start (`vpstui.cache`). `LiveScreen`, which
loads the live listing, is built on it.
"""

from __future__ import annotations

from textual import work

from vpstui.api.models import Backup
from vpstui.cache import ListingCache
from vpstui.summary import servers_from_backups, summarize
from vpstui.ui.batches import off_loop
from vpstui.ui.messages import Scope
from vpstui.ui.screens.restores import RestoreFollowing
from vpstui.ui.widgets.backup_table import THREADED_ROWS


class CachedStart(RestoreFollowing):
    """Rows from the listing cache until the live ones (see the module's docstring)."""

    #: The listing cache of this account (None: `cache = false`, or the demo).
    listing_cache: ListingCache | None
    #: The rows on screen that came from the cache and no live answer has confirmed yet.
    cached_ids: set[int]

    def show_cached(self) -> bool:
        """Rows from the last session's listing, marked cached, until live data is here.
        True if there were rows to show."""
        settings = self.app.settings
        if not settings.cache or settings.demo:
            return False
        cache, found = self.app.take_listing_cache(self.scope)
        self.listing_cache = cache
        if found is None:
            if cache.note:
                self.notify(cache.note, timeout=6)
            return False
        self.table.set_backups(found.backups)
        # Sized now as the server list will size it (the cached rows name the servers
        # with backups), not at the default width and then again a moment later.
        self.table.fit_server_names(max((len(b.server_name) for b in found.backups), default=0))
        self.cached_ids = set(self.table.backups)
        self.connection.cached_at = found.saved_at
        self.table.add_class("-cached")
        if self.scope == (None, None):  # account facts from All servers' listing only
            self.call_after_refresh(self._facts_from_cache)
        return True

    @work(group="cached-facts", exclusive=True, exit_on_error=False, description="cached facts")
    async def _facts_from_cache(self) -> None:
        """The picker's and insight's facts from the cached rows (marked ◷), not "Gathering…",
        until the live listing's replace them. No warning rests on them (`_update_picker`)."""
        rows = list(self.table.backups.values())
        limit = self.app.settings.stale_after_hours
        summaries = await off_loop(len(rows) >= THREADED_ROWS, summarize, rows, self._now(), limit)
        if self.connection.cached_at is None or self._summaries:
            return  # live rows or live facts came first
        self._summaries, self._facts_cached = summaries, True
        if not self.servers:  # a round trip away: the picker's search finds these meanwhile
            self.servers, self.servers_from_cache = servers_from_backups(rows), True
        self._update_picker()

    def leave_cache(self) -> None:
        """Live data replaced the cached rows (or another scope is shown), and their facts."""
        if self.cached_ids or self.connection.cached_at is not None:
            self.cached_ids = set()
            self.connection.cached_at = None
            self.table.remove_class("-cached")
        if self._facts_cached:
            self._summaries, self._overview, self._facts_cached = {}, None, False
            self._update_picker()

    # A description: without one, Textual writes `repr()` of every argument into it, and
    # the repr of 100,000 backups held the event loop for ~0.8 s.
    @work(
        group="cache", exclusive=True, exit_on_error=False, thread=True, description="keep listing"
    )
    def _keep_listing(self, cache: ListingCache, scope: Scope, backups: list[Backup]) -> None:
        cache.save(scope, backups, self.app.clock.now())
