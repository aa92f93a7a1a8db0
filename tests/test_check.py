"""`vpstui check`: the verdict rules, the plugin output a monitoring system parses, and the
exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) in-process on a fake clock.

The command tests reuse the scripting tests' fixtures (a seeded demo backend on a fake
clock), imported by name, hence the file-wide F811.
"""
# ruff: noqa: F811

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from vpstui import cli
from vpstui.api import Backup, Server
from vpstui.clock import FakeClock
from vpstui.commands import run_command
from vpstui.commands.session import Runtime
from vpstui.demo import DemoBackend
from vpstui.health import Thresholds, judge, parse_duration, short_duration

from .test_scripting import (  # the scripting tests' runtime on a seeded demo backend
    Intercept,
    audit_path,  # noqa: F401
    backend,  # noqa: F401
    clock,  # noqa: F401
    completed_backup,
    isolated,  # noqa: F401
    make_runtime,  # noqa: F401
    server_named,
    sleeper,  # noqa: F401
)

NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
LIMITS = Thresholds(warn_age=30 * 3600, crit_age=48 * 3600, failed_window=24 * 3600)

# The monitoring-plugin performance data grammar: 'label'=value[UOM];[warn];[crit];[min];[max]
PERF = re.compile(
    r"(?P<label>'(?:[^']|'')+'|[^'= ]+)="
    r"(?P<value>-?\d+(?:\.\d+)?|U)(?P<uom>s|ms|us|%|B|KB|MB|TB|c)?"
    r"(?:;(?P<warn>[^; ]*))?(?:;(?P<crit>[^; ]*))?(?:;(?P<min>[^; ]*))?(?:;(?P<max>[^; ]*))?"
)


def parse_plugin_output(out: str) -> tuple[str, str, dict[str, dict[str, str | None]], list[str]]:
    """(state, text, perfdata by label, detail lines), as Nagios/Icinga read a plugin."""
    first, *details = out.splitlines()
    text, _, perf = first.partition("|")
    match = re.fullmatch(r"BACKUPS (OK|WARNING|CRITICAL|UNKNOWN) - (.+)", text.strip())
    assert match, first
    data: dict[str, dict[str, str | None]] = {}
    rest = perf.strip()
    while rest:
        found = PERF.match(rest)
        assert found, f"unparseable perfdata at {rest[:60]!r}"
        label = found.group("label").strip("'").replace("''", "'")
        data[label] = found.groupdict()
        rest = rest[found.end() :].lstrip()
    return match.group(1), match.group(2), data, details


def backup(
    id: int,
    server: int = 1,
    *,
    age_h: float = 1.0,
    status: str = "completed",
    kind: str = "automatic",
) -> Backup:
    return Backup(
        id=id,
        server_id=server,
        server_name=f"s{server}",
        backup_type=kind,
        status=status,
        size_mb=100.0,
        created_at=NOW - timedelta(hours=age_h),
        expires_at=None,
        description=None,
    )


SERVERS = [Server(id=1, name="s1"), Server(id=2, name="s2")]


# --- the rules ----------------------------------------------------------------------------


def test_recent_completed_backups_are_ok() -> None:
    health = judge([backup(1, 1), backup(2, 2, age_h=29)], SERVERS, NOW, LIMITS)
    assert health.state == "OK" and health.exit_code == 0
    assert [s.state for s in health.servers] == ["OK", "OK"]


def test_age_past_warn_then_crit() -> None:
    """Only the newest completed backup counts: an older one, or a newer failed one, not."""
    listing = [backup(1, 1, age_h=31), backup(2, 1, age_h=60), backup(3, 2, age_h=49)]
    listing.append(backup(4, 2, age_h=1, status="in_progress"))
    health = judge(listing, SERVERS, NOW, LIMITS)
    by_name = {s.name: s for s in health.servers}
    assert by_name["s1"].state == "WARNING"
    assert by_name["s1"].reasons == ["newest completed backup 31h old (warn 30h)"]
    assert by_name["s2"].state == "CRITICAL"
    assert health.state == "CRITICAL" and health.exit_code == 2
    assert health.servers[0].name == "s2"  # worst first


def test_no_backup_and_no_completed_backup_are_critical() -> None:
    health = judge([backup(1, 1, status="in_progress")], SERVERS, NOW, LIMITS)
    reasons = {s.name: s.reasons for s in health.servers}
    assert reasons == {"s1": ["no completed backup"], "s2": ["no backup at all"]}
    assert health.state == "CRITICAL"


def test_failed_within_the_window_warns_and_older_failures_do_not() -> None:
    listing = [backup(1, 1), backup(2, 1, age_h=5, status="failed")]
    listing += [backup(3, 2), backup(4, 2, age_h=30, status="failed")]
    health = judge(listing, SERVERS, NOW, LIMITS)
    by_name = {s.name: s for s in health.servers}
    assert by_name["s1"].state == "WARNING" and by_name["s1"].reasons == ["1 failed in 24h"]
    assert by_name["s2"].state == "OK" and by_name["s2"].failed == 0


def test_full_manual_quota_warns() -> None:
    listing = [backup(i, 1, kind="manual") for i in range(1, 11)] + [backup(20, 2)]
    health = judge(listing, SERVERS, NOW, LIMITS)
    assert health.servers[0].reasons == ["manual backups full (10 of 10)"]
    assert health.state == "WARNING"


def test_unreadable_items_make_ok_at_least_warning() -> None:
    """An item that could not be read might be a failed backup: never a clean OK."""
    health = judge([backup(1, 1), backup(2, 2)], SERVERS, NOW, LIMITS, skipped=2)
    assert health.state == "WARNING"
    assert health.notes and "2 item(s)" in health.notes[0]


def test_backups_of_other_servers_and_future_dates() -> None:
    """A backup dated ahead of our clock is fresh, not negative; other servers' are ignored."""
    future = backup(1, 1, age_h=-2)
    health = judge([future, backup(2, 3, age_h=100)], SERVERS[:1], NOW, LIMITS)
    assert health.servers[0].age == 0.0 and health.state == "OK"
    assert [s.name for s in health.servers] == ["s1"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30h", 108000), ("2d", 172800), ("90m", 5400), ("45s", 45), ("36", 129600), ("1w", 604800)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "x", "-1h", "0", "1e999h", "30 hours", "h"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_short_duration() -> None:
    assert [short_duration(s) for s in (59, 3600 * 58.9, 86400 * 5)] == ["0m", "58h", "5d"]


# --- the command on the demo backend --------------------------------------------------------


@pytest.fixture
def check(make_runtime: Callable[..., Runtime]) -> Callable[..., int]:
    def runner(*argv: str, runtime: Runtime | None = None) -> int:
        return run_command(["check", *argv, "--demo"], runtime=runtime or make_runtime())

    return runner


def test_seeded_account_warns_about_the_full_quota(
    check: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The seeded account: db-primary has 10 of 10 manual backups; all else is recent."""
    assert check() == 1
    state, text, perf, details = parse_plugin_output(capsys.readouterr().out)
    assert state == "WARNING"
    assert text.startswith("db-primary: manual backups full (10 of 10)")
    assert perf["db-primary_manual"]["value"] == "10"
    assert perf["db-primary_manual"]["max"] == "10"
    age = perf["web-server-01_age"]
    assert age["uom"] == "s" and age["warn"] == str(36 * 3600) and age["crit"] == str(60 * 3600)
    assert details[0].startswith("WARNING db-primary (id ")
    assert any(line.startswith("OK web-server-01 (id ") for line in details)


def test_time_passing_turns_it_critical_and_json_agrees(
    check: Callable[..., int],
    backend: DemoBackend,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backend.state.daily_backups = False  # the provider's schedule stopped…
    clock.advance(4 * 86400)  # …and nobody took a backup for four days
    assert check("--server", "web-server-01") == 2
    state, text, perf, _ = parse_plugin_output(capsys.readouterr().out)
    assert state == "CRITICAL"
    assert re.fullmatch(r"web-server-01: newest completed backup \d+d old \(crit 60h\)", text)
    assert list(perf) == ["web-server-01_age", "web-server-01_failed", "web-server-01_manual"]
    assert check("--server", "web-server-01", "--json") == 2
    body = json.loads(capsys.readouterr().out)
    assert body["state"] == "CRITICAL" and body["exit_code"] == 2
    assert [s["name"] for s in body["servers"]] == ["web-server-01"]
    assert body["servers"][0]["newest_completed_age_seconds"] > 4 * 86400


def test_thresholds_from_the_command_line(
    check: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert check("--server", "web-server-02", "--warn-age", "1h", "--crit-age", "2d") == 1
    _, text, perf, _ = parse_plugin_output(capsys.readouterr().out)
    assert "(warn 1h)" in text
    assert (perf["web-server-02_age"]["warn"], perf["web-server-02_age"]["crit"]) == (
        "3600",
        "172800",
    )


def test_a_failed_backup_is_seen(
    check: Callable[..., int],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server_id = server_named(backend, "web-server-02")
    newest = completed_backup(backend, server_id, "automatic")
    backend.state.backups[newest].status = "failed"
    assert check("--server", str(server_id)) == 1
    _, text, perf, _ = parse_plugin_output(capsys.readouterr().out)
    assert "1 failed in 24h" in text
    assert perf["web-server-02_failed"]["value"] == "1"


@pytest.mark.parametrize(
    ("argv", "why"),
    [
        (["--warn-age", "soon"], "bad arguments"),
        (["--warn-age", "2d", "--crit-age", "1d"], "--crit-age must not be shorter"),
        (["--server", "no-such-server"], "No server has the id or name"),
    ],
)
def test_bad_input_is_unknown_on_stdout(
    check: Callable[..., int], capsys: pytest.CaptureFixture[str], argv: list[str], why: str
) -> None:
    assert check(*argv) == 3
    out = capsys.readouterr().out
    assert out.startswith("BACKUPS UNKNOWN - ") and why in out


def test_rejected_token_and_unreachable_api_are_unknown(
    check: Callable[..., int],
    make_runtime: Callable[..., Runtime],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"detail": "Invalid token."})

    assert check(runtime=make_runtime(Intercept(backend.transport(), refuse))) == 3
    assert capsys.readouterr().out.startswith("BACKUPS UNKNOWN - ")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    assert check("--json", runtime=make_runtime(Intercept(backend.transport(), down))) == 3
    body = json.loads(capsys.readouterr().out)
    assert body["state"] == "UNKNOWN" and body["exit_code"] == 3 and body["error"]


def test_servers_endpoint_refused_falls_back_and_says_so(
    check: Callable[..., int],
    make_runtime: Callable[..., Runtime],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def no_servers(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.rstrip("/").endswith("/servers"):
            return httpx.Response(403, json={"detail": "Not allowed."})
        return None

    assert check(runtime=make_runtime(Intercept(backend.transport(), no_servers))) == 1
    _, text, perf, _ = parse_plugin_output(capsys.readouterr().out)
    assert "a server with no backups at all is not seen" in text
    assert "db-primary_manual" in perf


def test_help_documents_the_plugin_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    for line in ("0    OK", "1    WARNING", "2    CRITICAL", "3    UNKNOWN"):
        assert line in out
    assert "unlike the other subcommands" in out


def test_no_token_is_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "empty.toml"
    config.write_text("")
    assert cli.main(["check", "--config", str(config)]) == 3
    assert capsys.readouterr().out.startswith("BACKUPS UNKNOWN - no API token.")
