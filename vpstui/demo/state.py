"""The demo account: `DemoState` is the state machinery (`account.Account`) plus the two
ready-made accounts, the realistic seeded one (`seed.py`) and a large generated one
(`bulk.py`). Those builders fill an `Account` and import nothing from here, so the
modules form no import cycle. The records are re-exported for the backend's modules.
"""

from __future__ import annotations

from vpstui.clock import Clock

from .account import Account
from .bulk import fill_bulk
from .records import (
    BACKUP_TYPES,
    DAILY_BACKUP_HOUR,
    DAY,
    MANUAL_BACKUP_LIMIT,
    NOT_FOUND,
    Backup,
    OperatingSystem,
    Plan,
    Rejection,
    Server,
    whole_seconds,
)
from .seed import fill_seeded

__all__ = [
    "BACKUP_TYPES",
    "DAILY_BACKUP_HOUR",
    "DAY",
    "MANUAL_BACKUP_LIMIT",
    "NOT_FOUND",
    "Backup",
    "DemoState",
    "OperatingSystem",
    "Plan",
    "Rejection",
    "Server",
    "whole_seconds",
]


class DemoState(Account):
    """Everything the demo backend knows. Build one with `DemoState.seeded(clock)` (a
    realistic small account) or `DemoState.bulk(clock, ...)` (a large one for performance
    tests), or start empty and use `add_server()` / `add_backup()`."""

    @classmethod
    def seeded(
        cls,
        clock: Clock,
        seed: int = 7,
        create_seconds: float = 20.0,
        restore_seconds: float = 45.0,
    ) -> DemoState:
        """The realistic ~6-server demo account, deterministic from `seed` and `clock.now()`."""
        state = cls(
            clock, create_seconds=create_seconds, restore_seconds=restore_seconds, seed=seed
        )
        fill_seeded(state)
        return state

    @classmethod
    def bulk(
        cls, clock: Clock, total_backups: int = 100_000, servers: int = 300, seed: int = 7
    ) -> DemoState:
        """A large account (`total_backups` spread over `servers`) for performance tests."""
        state = cls(clock, seed=seed)
        fill_bulk(state, total_backups=total_backups, servers=servers)
        return state
