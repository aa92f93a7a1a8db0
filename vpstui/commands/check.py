"""`vpstui check`: a monitoring plugin (Nagios, Icinga, Sensu, Checkmk conventions).

Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN — on purpose not the other subcommands'
codes. The first line on stdout is the status line, performance data after `|`:

    BACKUPS CRITICAL - db-replica: newest completed backup 58h old (crit 48h) | \
        db-replica_age=208800s;108000;172800;0 db-replica_failed=0;0;;0 …

then one detail line per server, worst first. Ages are in seconds (`s`), the unit the
plugin guidelines define; a server with no completed backup has age `U` (unknown).
`--json` prints the same verdicts as one JSON object instead; the exit code is the same.

The output is English whatever the language in use (`vpstui.i18n`), and nothing here is
marked for translation: monitoring systems parse it (`run_command` speaks English for
`check` once its arguments are parsed). Only `vpstui check --help` is translated.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vpstui.format import safe_text
from vpstui.health import (
    STATES,
    AccountHealth,
    ServerHealth,
    Thresholds,
    judge_listing,
    short_duration,
)
from vpstui.server_lookup import account_servers

from .output import iso_utc
from .session import Session

__all__ = ["PLUGIN_NAME", "check_backups", "perfdata", "status_line", "unknown"]

PLUGIN_NAME = "BACKUPS"
#: How many servers the status line names before "and N more".
NAMED_ON_STATUS_LINE = 3
#: Default failed window, and how much older than the warning age is critical.
DEFAULT_FAILED_WINDOW = 24 * 3600.0
CRIT_AFTER_WARN = 24 * 3600.0


def _plain(text: str, limit: int = 80) -> str:
    """Inert text that cannot break the plugin format (no `|`, no newline)."""
    return safe_text(text, limit).replace("|", "/")


def _label(name: str, what: str) -> str:
    """A perfdata label: no `=`, quotes doubled, quoted when it holds a space or quote."""
    label = f"{_plain(name, 60).replace('=', '_')}_{what}"
    if " " in label or "'" in label:
        return "'" + label.replace("'", "''") + "'"
    return label


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.0f}"


def perfdata(health: AccountHealth) -> str:
    """`label=value[unit];warn;crit;min;max` for every server: age, failed, manual."""
    limits = health.thresholds
    parts: list[str] = []
    for server in sorted(health.servers, key=lambda s: (s.name.lower(), s.server_id)):
        age = "U" if server.age is None else f"{_number(server.age)}s"
        warn, crit = _number(limits.warn_age), _number(limits.crit_age)
        parts.append(f"{_label(server.name, 'age')}={age};{warn};{crit};0")
        parts.append(f"{_label(server.name, 'failed')}={server.failed};0;;0")
        quota = limits.manual_limit
        parts.append(f"{_label(server.name, 'manual')}={server.manual};{quota - 1};;0;{quota}")
    return " ".join(parts)


def _server_text(server: ServerHealth) -> str:
    return f"{_plain(server.name, 60)}: {'; '.join(server.reasons)}"


def status_line(health: AccountHealth) -> str:
    """The first line: state, what is wrong (worst first), then the performance data."""
    bad = [s for s in health.servers if s.state != "OK"]
    if bad:
        shown = ". ".join(_server_text(s) for s in bad[:NAMED_ON_STATUS_LINE])
        more = len(bad) - NAMED_ON_STATUS_LINE
        text = shown + (f". And {more} more (see below)" if more > 0 else "")
    else:
        ages = [s.age for s in health.servers if s.age is not None]
        count = len(health.servers)
        text = f"{count} server{'s' if count != 1 else ''} backed up"
        if ages:
            text += f"; newest completed backups {short_duration(max(ages))} old at most"
    if health.notes:
        text += ". " + " ".join(health.notes)
    return f"{PLUGIN_NAME} {health.state} - {text} | {perfdata(health)}"


def detail_lines(health: AccountHealth) -> list[str]:
    """One line per server, worst first: its state and why."""
    lines = []
    for server in health.servers:
        if server.reasons:
            why = "; ".join(server.reasons)
        elif server.age is not None:
            why = f"newest completed backup #{server.newest_completed_id}, "
            why += f"{short_duration(server.age)} old"
        else:  # pragma: no cover - a server without a completed backup has a reason
            why = "no completed backup"
        lines.append(f"{server.state} {_plain(server.name, 60)} (id {server.server_id}): {why}")
    return lines


def as_json(health: AccountHealth) -> dict[str, Any]:
    """The same verdicts as one JSON object."""
    limits = health.thresholds
    return {
        "state": health.state,
        "exit_code": health.exit_code,
        "checked_at": iso_utc(health.checked_at),
        "thresholds": {
            "warn_age_seconds": limits.warn_age,
            "crit_age_seconds": limits.crit_age,
            "failed_window_seconds": limits.failed_window,
            "manual_limit": limits.manual_limit,
        },
        "notes": health.notes,
        "servers": [
            {
                "id": s.server_id,
                "name": s.name,
                "state": s.state,
                "reasons": s.reasons,
                "newest_completed_age_seconds": None if s.age is None else round(s.age),
                "newest_completed_id": s.newest_completed_id,
                "failed": s.failed,
                "manual": s.manual,
                "in_progress": s.in_progress,
                "backups": s.backups,
            }
            for s in health.servers
        ],
    }


def unknown(message: str, as_json_output: bool = False) -> int:
    """Say UNKNOWN on stdout (where monitoring reads it) and return its exit code, 3."""
    if as_json_output:
        body = {"state": "UNKNOWN", "exit_code": STATES["UNKNOWN"], "error": safe_text(message)}
        sys.stdout.write(json.dumps(body, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(f"{PLUGIN_NAME} UNKNOWN - {_plain(message, 400)}\n")
    sys.stdout.flush()
    return STATES["UNKNOWN"]


def thresholds_from(args: argparse.Namespace, stale_after_hours: float) -> Thresholds:
    """The ages asked for, else: warning at `stale_after_hours`, critical a day later."""
    warn = args.warn_age if args.warn_age is not None else stale_after_hours * 3600
    crit = args.crit_age if args.crit_age is not None else warn + CRIT_AFTER_WARN
    if crit < warn:
        raise ValueError("--crit-age must not be shorter than --warn-age")
    window = args.failed_window if args.failed_window is not None else DEFAULT_FAILED_WINDOW
    return Thresholds(warn_age=warn, crit_age=crit, failed_window=window)


async def check_backups(session: Session, args: argparse.Namespace) -> int:
    """Judge the servers asked for (all by default) and print the verdict."""
    try:
        limits = thresholds_from(args, session.stale_after_hours)
    except ValueError as error:
        return unknown(str(error), args.json)
    notes: list[str] = []
    if args.server:
        servers = [await session.resolve_server(wanted) for wanted in args.server]
        servers = list({s.id: s for s in servers}.values())
    else:
        found = await account_servers(session.api)
        servers = found.servers
        if found.derived:
            notes.append(
                "The token may not list servers: a server with no backups at all is not seen."
            )
        if not servers:
            return unknown("The API lists no servers on this account.", args.json)
    if len(servers) == 1:
        listing = await session.api.list_backups(server_id=servers[0].id)
    else:
        listing = await session.api.list_backups()
    health = judge_listing(listing, servers, session.runtime.clock.now(), limits)
    health.notes[:0] = notes
    if args.json:
        sys.stdout.write(json.dumps(as_json(health), indent=2, ensure_ascii=True) + "\n")
    else:
        sys.stdout.write(status_line(health) + "\n")
        for line in detail_lines(health):
            sys.stdout.write(line + "\n")
    sys.stdout.flush()
    return health.exit_code
