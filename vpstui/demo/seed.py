"""The demo account's contents: a realistic small account, and a large one for load tests.

Both are deterministic from the seed and the clock's time when they are built:
everything is placed relative to "now" (automatic backups at 03:00 UTC on the
days before, manual ones during working hours), so the demo always looks current.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

import msgspec

from .account import Account
from .records import DAILY_BACKUP_HOUR, DAY, OperatingSystem, Plan, Server, whole_seconds

__all__ = ["fill_seeded", "last_daily_run"]

STARTER = Plan(1, "Starter VPS", vcpus=1, memory=2048, storage=40, retention_days=7)
STANDARD = Plan(2, "Standard VPS", vcpus=2, memory=4096, storage=80, retention_days=14)
PERFORMANCE = Plan(3, "Performance VPS", vcpus=4, memory=8192, storage=160, retention_days=30)
MEMORY = Plan(4, "Memory Optimized VPS", vcpus=8, memory=32768, storage=320, retention_days=30)

UBUNTU_2204 = OperatingSystem(5, "Ubuntu 22.04 LTS")
UBUNTU_2404 = OperatingSystem(7, "Ubuntu 24.04 LTS")
DEBIAN_12 = OperatingSystem(9, "Debian 12")
ALMA_9 = OperatingSystem(12, "AlmaLinux 9")

#: The first backup id of the seeded account (earlier ones have long expired).
FIRST_SEEDED_BACKUP_ID = 2401


class ServerSpec(msgspec.Struct, frozen=True):
    """How one seeded server looks: its API fields plus its backup history."""

    id: int
    name: str
    hostname: str
    status: str
    ip_address: str
    location: str
    plan: Plan
    os: OperatingSystem
    age_days: int
    size_mb: int
    growth_per_day: float
    manual_backups: tuple[str, ...]


SERVERS = (
    ServerSpec(
        12345,
        "web-server-01",
        "web01.example.com",
        "active",
        "203.0.113.10",
        "us-west",
        STANDARD,
        UBUNTU_2204,
        age_days=412,
        size_mb=4523,
        growth_per_day=0.002,
        manual_backups=("Pre-update backup", "Before PHP 8.3 upgrade", "Before nginx 1.26 upgrade"),
    ),
    ServerSpec(
        12346,
        "web-server-02",
        "web02.example.com",
        "active",
        "203.0.113.11",
        "us-west",
        STANDARD,
        UBUNTU_2204,
        age_days=398,
        size_mb=4310,
        growth_per_day=0.002,
        manual_backups=("Pre-deployment backup",),
    ),
    ServerSpec(
        12391,
        "db-primary",
        "db01.example.com",
        "active",
        "198.51.100.20",
        "us-east",
        MEMORY,
        DEBIAN_12,
        age_days=530,
        size_mb=18432,
        growth_per_day=0.005,
        manual_backups=(
            "Before PostgreSQL 16 upgrade",
            "Before schema migration 0041_orders_index",
            "Before schema migration 0042_invoice_totals",
            "Pre-update backup",
            "Before VACUUM FULL on events table",
            "Before pg_repack of orders",
            "Quarter-end snapshot",
            "Before reindexing customers",
            "Before kernel update 6.1.0-28",
            "Before switching to pgBouncer",
        ),
    ),
    ServerSpec(
        12392,
        "db-replica",
        "db02.example.com",
        "active",
        "198.51.100.21",
        "eu-central",
        PERFORMANCE,
        DEBIAN_12,
        age_days=301,
        size_mb=18105,
        growth_per_day=0.005,
        manual_backups=("Before replication slot reset",),
    ),
    ServerSpec(
        13007,
        "staging-app",
        "staging.example.com",
        "stopped",
        "203.0.113.45",
        "eu-west",
        STARTER,
        UBUNTU_2404,
        age_days=96,
        size_mb=2870,
        growth_per_day=0.001,
        manual_backups=("Before PHP 8.3 upgrade", "Snapshot before load test"),
    ),
    ServerSpec(
        13210,
        "mail-relay",
        "mx1.example.com",
        "active",
        "198.51.100.7",
        "ap-southeast",
        STARTER,
        ALMA_9,
        age_days=187,
        size_mb=1630,
        growth_per_day=0.0005,
        manual_backups=("Before Postfix 3.8 config change",),
    ),
)

#: (server name, days ago) of the one automatic backup that failed.
FAILED_BACKUP = ("db-replica", 4)
#: The server whose latest automatic backup is still running, and when it finishes.
RUNNING_AUTOMATIC = ("db-replica", timedelta(seconds=75))
#: The server with a manual backup just started: (name, started ago, finishes in, text).
RUNNING_MANUAL = (
    "web-server-02",
    timedelta(seconds=12),
    timedelta(seconds=38),
    "Pre-deployment backup (release 3.8.0)",
)


class _Planned(msgspec.Struct, frozen=True):
    """A backup to add once all are known, so ids follow creation time."""

    created_at: datetime
    server_id: int
    backup_type: str
    status: str
    size_mb: int | None
    description: str
    completes_at: datetime | None = None


def last_daily_run(now: datetime) -> datetime:
    """The most recent 03:00 UTC at or before `now`."""
    run = now.replace(hour=DAILY_BACKUP_HOUR, minute=0, second=0, microsecond=0)
    return run if run <= now else run - DAY


def _size(spec: ServerSpec, days_ago: float, rng: random.Random) -> int:
    """The server's backup size `days_ago` days ago: steady growth plus a little noise."""
    size = spec.size_mb / math.pow(1 + spec.growth_per_day, days_ago)
    return max(1, round(size * (1 + rng.gauss(0, 0.001))))


def fill_seeded(state: Account) -> None:
    """Fill the empty `state` with the ~6-server demo account described in the module
    docstring, deterministic from `state.seed` and its clock's time."""
    rng = random.Random(state.seed)
    now = whole_seconds(state.clock.now())
    latest_run = last_daily_run(now)
    state.next_backup_id = FIRST_SEEDED_BACKUP_ID
    planned: list[_Planned] = []
    for spec in SERVERS:
        created = (now - timedelta(days=spec.age_days)).replace(
            hour=rng.randint(8, 18), minute=rng.randint(0, 59), second=rng.randint(0, 59)
        )
        updated = (now - timedelta(days=rng.randint(1, 20))).replace(
            hour=rng.randint(8, 18), minute=rng.randint(0, 59), second=rng.randint(0, 59)
        )
        state.add_server(
            Server(
                id=spec.id,
                name=spec.name,
                hostname=spec.hostname,
                status=spec.status,
                ip_address=spec.ip_address,
                location=spec.location,
                plan=spec.plan,
                os=spec.os,
                created_at=created,
                updated_at=updated,
                disk_used_mb=spec.size_mb,
                growth_per_day=spec.growth_per_day,
            )
        )
        planned.extend(_automatic_history(spec, now, latest_run, rng))
        planned.extend(_manual_history(spec, now, rng))
    name, started_ago, finishes_in, text = RUNNING_MANUAL
    planned.append(
        _Planned(
            now - started_ago,
            _server_id(name),
            "manual",
            "in_progress",
            None,
            text,
            completes_at=now + finishes_in,
        )
    )
    planned.sort(key=lambda p: (p.created_at, p.server_id))
    for p in planned:
        state.add_backup(
            p.server_id,
            backup_type=p.backup_type,
            status=p.status,
            size_mb=p.size_mb,
            created_at=p.created_at,
            description=p.description,
            completes_at=p.completes_at,
        )
    state.schedule_daily_backups(latest_run + DAY)


def _automatic_history(
    spec: ServerSpec, now: datetime, latest_run: datetime, rng: random.Random
) -> list[_Planned]:
    """One automatic backup per day at 03:00 for as long as the plan keeps them."""
    history: list[_Planned] = []
    for days_ago in range(spec.plan.retention_days):
        created = latest_run - days_ago * DAY
        status = "completed"
        size: int | None = _size(spec, days_ago, rng)
        completes: datetime | None = None
        if (spec.name, days_ago) == FAILED_BACKUP:
            status, size = "failed", None
        elif spec.name == RUNNING_AUTOMATIC[0] and days_ago == 0:
            status, size, completes = "in_progress", None, now + RUNNING_AUTOMATIC[1]
        history.append(
            _Planned(
                created,
                spec.id,
                "automatic",
                status,
                size,
                "Automatic daily backup",
                completes_at=completes,
            )
        )
    return history


def _manual_history(spec: ServerSpec, now: datetime, rng: random.Random) -> list[_Planned]:
    """The server's manual backups, on distinct past days during working hours."""
    horizon = min(spec.age_days, 120)
    days = sorted(rng.sample(range(1, horizon), len(spec.manual_backups)), reverse=True)
    history: list[_Planned] = []
    for days_ago, text in zip(days, spec.manual_backups, strict=True):
        created = (now - timedelta(days=days_ago)).replace(
            hour=rng.randint(8, 19), minute=rng.randint(0, 59), second=rng.randint(0, 59)
        )
        history.append(
            _Planned(created, spec.id, "manual", "completed", _size(spec, days_ago, rng), text)
        )
    return history


def _server_id(name: str) -> int:
    return next(spec.id for spec in SERVERS if spec.name == name)
