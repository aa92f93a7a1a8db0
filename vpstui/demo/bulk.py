"""A large generated account, for performance tests and `--backups N`."""

from __future__ import annotations

import random
from datetime import timedelta

from .account import Account
from .records import DAY, Plan, Server, whole_seconds
from .seed import UBUNTU_2204, last_daily_run

__all__ = ["fill_bulk"]

LOCATIONS = ("us-west", "us-east", "eu-central", "eu-west", "ap-southeast")
DOCUMENTATION_NETWORKS = ("203.0.113", "198.51.100", "192.0.2")


def fill_bulk(state: Account, *, total_backups: int = 100_000, servers: int = 300) -> None:
    """Fill the empty `state` with a large account: `total_backups` completed daily
    backups spread over `servers`.

    Retention is stretched so none of them has expired; daily runs are off so the
    count stays exactly `total_backups` however the clock moves.
    """
    if servers < 1:
        raise ValueError("a bulk account needs at least one server")
    rng = random.Random(state.seed)
    now = whole_seconds(state.clock.now())
    latest_run = last_daily_run(now)
    per_server = [
        total_backups // servers + (1 if i < total_backups % servers else 0) for i in range(servers)
    ]
    longest = max(per_server)
    plan = Plan(
        9, "Archive VPS", vcpus=2, memory=4096, storage=160, retention_days=max(30, longest + 1)
    )
    state.next_backup_id = 100_001
    base_sizes = []
    for i in range(servers):
        network = DOCUMENTATION_NETWORKS[(i // 254) % len(DOCUMENTATION_NETWORKS)]
        size = rng.randint(800, 40_000)
        base_sizes.append(size)
        state.add_server(
            Server(
                id=20_000 + i,
                name=f"node-{i + 1:03d}",
                hostname=f"node{i + 1:03d}.example.net",
                status="stopped" if i % 25 == 24 else "active",
                ip_address=f"{network}.{i % 254 + 1}",
                location=LOCATIONS[i % len(LOCATIONS)],
                plan=plan,
                os=UBUNTU_2204,
                created_at=now - timedelta(days=longest + 30),
                updated_at=now - timedelta(days=1),
                disk_used_mb=size,
            )
        )
    retention = timedelta(days=plan.retention_days)
    for days_ago in range(longest - 1, -1, -1):
        created = latest_run - days_ago * DAY
        expires = created + retention
        shrink = 1 - 0.001 * days_ago
        for i, count in enumerate(per_server):
            if count > days_ago:
                state.add_backup(
                    20_000 + i,
                    backup_type="automatic",
                    size_mb=max(1, int(base_sizes[i] * shrink)),
                    created_at=created,
                    expires_at=expires,
                    description="Automatic daily backup",
                )
