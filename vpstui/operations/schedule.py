"""When the backup list is fetched next: fast while something is in progress, slowly
otherwise, and with growing waits after failures. Pure logic, driven by an injected clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

#: The longest wait between retries after failures.
MAX_BACKOFF = 120.0


class RefreshSchedule(msgspec.Struct):
    """Decides `next_at`, the time of the next automatic refresh (None: none planned)."""

    poll_interval: float = 5.0
    idle_refresh: float = 60.0
    failures: int = 0
    next_at: datetime | None = None

    def succeeded(self, now: datetime, in_progress: bool) -> None:
        self.failures = 0
        if in_progress:
            self.next_at = now + timedelta(seconds=self.poll_interval)
        elif self.idle_refresh > 0:
            self.next_at = now + timedelta(seconds=self.idle_refresh)
        else:
            self.next_at = None

    def polled(self, now: datetime, in_progress: bool, listed_at: datetime | None) -> None:
        """A poll tick succeeded: poll again soon while something runs; otherwise the idle
        refresh is due `idle_refresh` after the last full listing, not after this poll."""
        self.failures = 0
        if in_progress:
            self.next_at = now + timedelta(seconds=self.poll_interval)
        elif self.idle_refresh > 0:
            start = listed_at if listed_at is not None else now
            self.next_at = max(now, start + timedelta(seconds=self.idle_refresh))
        else:
            self.next_at = None

    def failed(self, now: datetime, retry_after: float | None = None) -> datetime:
        """Plan a retry with exponential backoff (or the API's Retry-After); returns when."""
        self.failures += 1
        delay = min(self.poll_interval * (2 ** (self.failures - 1)), MAX_BACKOFF)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_BACKOFF))
        self.next_at = now + timedelta(seconds=delay)
        return self.next_at

    def soon(self, now: datetime) -> None:
        """Something just started (a create): poll at the fast rate from now on."""
        target = now + timedelta(seconds=self.poll_interval)
        if self.next_at is None or target < self.next_at:
            self.next_at = target

    def due(self, now: datetime) -> bool:
        return self.next_at is not None and now >= self.next_at
