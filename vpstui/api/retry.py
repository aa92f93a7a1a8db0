"""When and how long to wait before retrying an idempotent request."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

#: Statuses worth retrying a GET for: rate limiting and a proxy/gateway in trouble.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter, for GET requests only.

    `attempts` counts every try (so 3 means two retries). No single wait exceeds
    `max_delay`, and the retries stop once `max_total` seconds of waiting would be
    passed. A Retry-After from the API is honoured up to `max_retry_after`.
    """

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total: float = 20.0
    max_retry_after: float = 30.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try number `attempt + 1` (attempt counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return self.rng.uniform(ceiling / 2, ceiling)


NO_RETRY = RetryPolicy(attempts=1)
