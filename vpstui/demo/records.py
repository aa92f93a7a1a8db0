"""The demo account's records: plans, operating systems, servers and backups as the demo
backend stores them, the refusal it answers with, and the API's fixed numbers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec

__all__ = [
    "BACKUP_TYPES",
    "DAILY_BACKUP_HOUR",
    "DAY",
    "MANUAL_BACKUP_LIMIT",
    "NOT_FOUND",
    "Backup",
    "EventKind",
    "OperatingSystem",
    "Plan",
    "Rejection",
    "Server",
    "whole_seconds",
]

MANUAL_BACKUP_LIMIT = 10

#: The values `backup_type` can take.
BACKUP_TYPES = ("manual", "automatic")

#: The hour (UTC) of the daily automatic backup run.
DAILY_BACKUP_HOUR = 3

DAY = timedelta(days=1)

NOT_FOUND: dict[str, Any] = {"detail": "Not found."}

EventKind = Literal["complete", "expire", "restore_done", "daily"]


class Rejection(Exception):
    """The backend refuses a request: an HTTP status and a DRF-style JSON error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class Plan(msgspec.Struct, frozen=True):
    """A hosting plan. `retention_days` (how long automatic backups live) is not in the API."""

    id: int
    name: str
    vcpus: int
    memory: int
    storage: int
    retention_days: int


class OperatingSystem(msgspec.Struct, frozen=True):
    """An operating system image."""

    id: int
    name: str


class Server(msgspec.Struct):
    """A VPS on the demo account.

    `disk_used_mb` and `growth_per_day` are internal: the size a backup taken now
    would have, and how much that grows per daily backup run. A restore
    remembers the status to return to in `status_before_restore`.
    """

    id: int
    name: str
    hostname: str
    status: str
    ip_address: str
    location: str
    plan: Plan
    os: OperatingSystem
    created_at: datetime
    updated_at: datetime
    disk_used_mb: float = 1024.0
    growth_per_day: float = 0.002
    restoring_until: datetime | None = None
    status_before_restore: str | None = None


class Backup(msgspec.Struct):
    """One backup. `completes_at` is set while it is in progress."""

    id: int
    server_id: int
    backup_type: str
    status: str
    size_mb: int | None
    created_at: datetime
    expires_at: datetime | None
    description: str
    completes_at: datetime | None = None


def whole_seconds(when: datetime) -> datetime:
    """`when` without its microseconds (the API shows times to the second)."""
    return when.replace(microsecond=0)
