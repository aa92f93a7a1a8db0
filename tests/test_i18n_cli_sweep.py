"""The command line's human text in zh-CN has no English left: the main commands, their
confirmations, their errors and every subcommand's `--help`, run with `--lang zh-CN`
against the seeded demo backend, leave no English word outside a small allowlist (what
the API sent, units, UTC, option and key names, ids, paths and URLs).

Reuses the scripting tests' fixtures (a seeded demo backend on a fake clock): F811."""
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from vpstui import cli, i18n
from vpstui.commands import run_command
from vpstui.commands.exits import (
    EXIT_FAILED,
    EXIT_NOT_FOUND,
    EXIT_NOT_REPORTED,
    EXIT_OK,
    EXIT_TIMED_OUT,
    EXIT_USAGE,
)
from vpstui.commands.output import JSON_FIELDS
from vpstui.commands.session import Runtime
from vpstui.demo import DemoBackend
from vpstui.operations import Operation, OperationLedger

from .test_scripting import (
    FakeTty,
    Intercept,
    audit_path,  # noqa: F401
    backend,  # noqa: F401
    clock,  # noqa: F401
    completed_backup,
    isolated,  # noqa: F401
    make_runtime,  # noqa: F401
    run,  # noqa: F401
    server_named,
    sleeper,  # noqa: F401
)

ZH = ("--lang", "zh-CN")

#: Words that stay as they are in Chinese text: units, names of things, protocol words,
#: the monitoring keywords (`check --help` names them), and argparse's metavars.
ALLOWED = frozenset(
    {
        *("GiB", "MiB", "KiB", "UTC", "API", "ID", "IDs", "TUI", "JSON", "CSV", "TOML"),
        *("vpstui", "VPS", "org", "VPS.org", "HTTP", "HTTPS", "TLS", "SSH", "OSC"),
        *("OK", "WARNING", "CRITICAL", "UNKNOWN", "SIGTERM", "SIGHUP", "Ctrl", "Esc"),
        *("en", "zh", "CN", "zh-CN"),
        *("LANG", "URL", "PATH", "NAME", "SECONDS", "TEXT", "SERVER", "AGE", "N", "ID_OR_NAME"),
        *("NAME_OR_ID", "BACKUP_ID", "TYPE", "COMMAND", "ACTION"),
        # the monitoring systems `check --help` names; commands named in help
        *("Nagios", "Icinga", "Sensu", "Checkmk", "chmod", "chown", "cron", "shell"),
        # config keys and values named in messages (the others have an underscore)
        *("token", "language", "cache", "colour", "true", "false", "red", "rrggbb"),
        "id",  # as in "（id 12345）" (format.py's messages say "id", the table "ID")
    }
)
#: Removed before looking for words: URLs, paths, options, key = value syntax, env names,
#: ids and numbers with units ("30h", "#2410"), quoted input the user typed.
NOT_WORDS = re.compile(
    r"https?://\S+"
    r"|\b[a-z][a-z0-9-]*\.(?:invalid|example)\b"  # host names (the demo's, a test's)
    r"|vpstui(?: (?:backups|restore|check|watch|list|create|delete|prune)\b)*"  # commands
    r"|^ +(?:list|create|delete|prune) {2,}"  # argparse's list of subcommands
    r"|\b(?:list|create|delete)(?:\|(?:list|create|delete))+"  # "list|create|delete"
    r"|\{[\w,-]+\}"  # argparse's choices
    r"|\[profiles\.\w+\]"  # a config table
    r"|“[a-z_]+”"  # an API value named in a sentence ("failed")
    r'|"[^"\n]*"'  # a literal value in a config example (["notify-send", "vpstui"])
    r"|\brestore(?= --wait)"  # the command in "restore --wait: …"
    r"|\bCtrl-C\b"
    r"|(?<![\w.])~?/[\w./~-]*"  # paths
    r"|(?<!\w)--?[a-z][\w-]*"  # options
    r"|\b[a-z]+(?:_[a-z0-9]+)+\b"  # config keys (poll_interval)
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"  # environment variables, metavars
    r"|#?\d[\w.:]*"  # ids, numbers, "30h", times
    r"|'[^']*'",  # values quoted back (argparse's %r)
    re.MULTILINE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z.-]*[A-Za-z]|[A-Za-z]")


#: What the demo API says when it accepts a restore (shown as sent, after the request).
RESTORE_STARTED = re.compile(
    r"Restore of backup #\d+ to [\w-]+ has started\. The server will be unavailable for a "
    r"few minutes\."
)


def api_text(backend: DemoBackend) -> list[str]:
    """What the API sent that is shown as sent: server names, backup descriptions."""
    texts = {s.name for s in backend.state.servers.values()}
    texts |= {b.description for b in backend.state.backups.values() if b.description}
    return sorted(texts, key=len, reverse=True)


def english_left(text: str, api: list[str] = (), allowed: frozenset[str] = ALLOWED) -> list[str]:  # type: ignore[assignment]
    """The English words in `text` once the allowlist is taken out."""
    text = RESTORE_STARTED.sub(" ", text)
    for sent in sorted(api, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z0-9_-]){re.escape(sent)}(?![A-Za-z0-9_-])", " ", text)
        for cut in range(len(sent) - 1, 8, -1):  # cut to fit, ending in "…"
            text = text.replace(sent[:cut] + "…", " ")
    text = NOT_WORDS.sub(" ", text)
    return [word for word in WORD.findall(text) if word not in allowed]


@pytest.fixture(autouse=True)
def english_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests start with an English locale and leave vpstui speaking English."""
    for name in ("LC_ALL", "LC_MESSAGES", "VPSTUI_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    yield
    i18n.use("en")


#: ASCII punctuation touching Chinese text, where full-width belongs ("备份 #1: 进行中",
#: "最早的：#1 (2025-…)"): Chinese sets ，：；（） itself, "vpstui：" included.
HALF_WIDTH = re.compile(
    r"[\u4e00-\u9fff][,:;!?]|[,:;] ?[\u4e00-\u9fff]|[\u4e00-\u9fff] ?\(|\) ?[\u4e00-\u9fff]"
)


def assert_chinese(text: str, api: list[str] = ()) -> None:  # type: ignore[assignment]
    left = english_left(text, api)
    assert not left, f"English left in zh-CN output: {sorted(set(left))}\n---\n{text}"
    half = HALF_WIDTH.findall(text)
    assert not half, f"half-width punctuation in Chinese: {half}\n---\n{text}"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_the_allowlist_finds_english() -> None:
    """The checker itself: English words are found; what is allowed is not."""
    assert english_left("备份 #2410 of web-server-01", ["web-server-01"]) == ["of"]
    assert english_left("4.4 GiB，2025-01-16 03:00 UTC（--wait，poll_interval）") == []
    assert english_left("failed: see https://x.org/a and /tmp/x.toml") == ["failed", "see", "and"]


# --- the main commands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "list"],
        ["backups", "list", "--server", "web-server-01", "--type", "manual"],
        ["backups", "list", "--server", "web-server-02"],
        ["backups", "prune", "db-primary", "--keep", "7"],
        ["backups", "prune", "web-server-01", "--keep", "0"],
    ],
)
def test_listing_and_previews_read_in_chinese(
    argv: list[str],
    run: Callable[..., int],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(*argv, *ZH) == EXIT_OK
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))


def test_create_wait_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("backups", "create", "web-server-01", "--description", "x", "--wait", *ZH)
    assert code == EXIT_OK
    out, err = capsys.readouterr()
    assert "#" in out
    assert_chinese(out + err, [*api_text(backend), "x"])


def test_create_at_the_quota_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("backups", "create", "db-primary", *ZH) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err, api_text(backend))


def test_delete_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
    assert run("backups", "delete", str(backup_id), "--yes", *ZH) == EXIT_OK
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))
    # not a terminal, no --yes: refused, said in Chinese
    other = completed_backup(backend, server_named(backend, "web-server-02"))
    assert run("backups", "delete", str(other), *ZH) == EXIT_USAGE
    assert_chinese(capsys.readouterr().err, api_text(backend))
    assert run("backups", "delete", "99999999", "--yes", *ZH) == EXIT_NOT_FOUND
    assert_chinese(capsys.readouterr().err, api_text(backend))
    busy = next(b.id for b in backend.state.backups.values() if b.status == "in_progress")
    assert run("backups", "delete", str(busy), "--yes", *ZH) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err, api_text(backend))


def test_confirmations_on_a_terminal_read_in_chinese(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The typed confirmations (prompt, a wrong answer) of delete and restore."""
    answers: list[str] = []
    monkeypatch.setattr("sys.stdin", FakeTty())
    monkeypatch.setattr("builtins.input", lambda prompt="": answers.pop(0))
    runtime = make_runtime(is_terminal=Runtime().is_terminal, ask=Runtime().ask)
    backup_id = completed_backup(backend, server_named(backend, "staging-app"))
    answers.append("1")
    assert run("backups", "delete", str(backup_id), *ZH, runtime=runtime) == EXIT_USAGE
    answers.append(str(backup_id))
    assert run("backups", "delete", str(backup_id), *ZH, runtime=runtime) == EXIT_OK
    server = server_named(backend, "web-server-02")
    restore_from = completed_backup(backend, server, "automatic")
    answers.append("web-server-01")
    argv = ("restore", "web-server-02", str(restore_from), *ZH)
    assert run(*argv, runtime=runtime) == EXIT_USAGE
    answers.append("web-server-02")
    assert run(*argv, "--no-safety-backup", runtime=runtime) == EXIT_OK
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))
    assert backend.count("POST") == 1 and backend.count("DELETE") == 1


def test_restore_with_a_safety_backup_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"), "automatic")
    assert run("restore", "web-server-01", str(backup_id), "--yes", *ZH) == EXIT_OK
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))


@pytest.mark.parametrize("status", [None, "restoring"])
def test_restore_wait_reads_in_chinese(
    status: str | None,
    run: Callable[..., int],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Followed to the end the API showed (active → restoring → active), or to the wait's
    end when it showed nothing (the documented API)."""
    backend.state.restore_status = status
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"), "automatic")
    argv = ("restore", "web-server-01", str(backup_id), "--yes", "--wait", "--no-safety-backup")
    code = run(*argv, "--wait-timeout", "120", *ZH)
    assert code == (EXIT_OK if status else EXIT_NOT_REPORTED)
    out, err = capsys.readouterr()
    assert_chinese(out + err, [*api_text(backend), *([status] if status else [])])


def test_restore_at_a_full_quota_and_prune_read_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """db-primary's manual quota is full: the restore goes without a safety backup (said
    why); `prune --yes` deletes and says what it freed."""
    server = server_named(backend, "db-primary")
    backup_id = completed_backup(backend, server, "automatic")
    sent = api_text(backend)  # before the deletes
    assert run("restore", "db-primary", str(backup_id), "--yes", *ZH) == EXIT_OK
    assert run("backups", "prune", "db-primary", "--keep", "8", "--yes", *ZH) == EXIT_OK
    out, err = capsys.readouterr()
    assert "最早的：#2401（2024-09-20 10:28 UTC）、#2402（" in err
    assert_chinese(out + err, sent)
    assert backend.count("DELETE") == 2


def test_create_wait_giving_up_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run("backups", "create", "web-server-01", "--wait", "--wait-timeout", "12", *ZH)
    assert code == EXIT_TIMED_OUT
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))


def test_watch_says_what_it_watches_in_chinese_and_its_events_stay_english(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`vpstui watch` (stopped after its first look, as SIGTERM would): stderr in Chinese,
    the JSON events on stdout in English."""

    async def stop(seconds: float) -> None:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        await asyncio.sleep(0)

    runtime = make_runtime(sleep=stop)
    argv = ("watch", "--server", "web-server-01", "--server", "db-primary", *ZH)
    assert run(*argv, runtime=runtime) == EXIT_OK
    out, err = capsys.readouterr()
    assert "web-server-01、db-primary" in err
    assert_chinese(err, api_text(backend))
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in out.splitlines())


def test_restore_of_another_servers_backup_reads_in_chinese(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    other = completed_backup(backend, server_named(backend, "db-primary"), "automatic")
    assert run("restore", "web-server-01", str(other), "--yes", *ZH) == EXIT_NOT_FOUND
    assert_chinese(capsys.readouterr().err, api_text(backend))


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_a_lost_answer_reads_in_chinese(
    method: str,
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The answer to a create or delete is lost: the re-check says what the API showed."""
    runtime = make_runtime(Intercept(backend.transport(), lose_answer_to=method))
    if method == "POST":
        run("backups", "create", "web-server-01", *ZH, runtime=runtime)
    else:
        backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
        run("backups", "delete", str(backup_id), "--yes", *ZH, runtime=runtime)
    out, err = capsys.readouterr()
    assert_chinese(out + err, api_text(backend))


def test_an_earlier_unsettled_operation_is_rechecked_in_chinese(
    tmp_path: Path,
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An earlier vpstui was cut off after sending a delete and a restore: the next command
    re-checks both with the API and says what it found."""
    ops = tmp_path / "operations.json"
    ledger = OperationLedger.load(ops, "demo.invalid")
    server = server_named(backend, "web-server-01")
    kept = completed_backup(backend, server)
    for kind, backup_id in (("delete", kept), ("restore", None)):
        ledger.add(
            Operation(
                kind=kind,  # type: ignore[arg-type]
                host="demo.invalid",
                server_id=server,
                server_name="web-server-01",
                backup_id=backup_id,
                started_at="2025-01-16T15:00:00+00:00",
                state="unknown",
                status_before="active",
            )
        )
    other = completed_backup(backend, server_named(backend, "web-server-02"))
    runtime = make_runtime(ops_path=ops)
    assert run("backups", "delete", str(other), "--yes", *ZH, runtime=runtime) == EXIT_OK
    out, err = capsys.readouterr()
    assert err.count("之前") >= 2, err
    assert_chinese(out + err, api_text(backend))


# --- errors -------------------------------------------------------------------------------------


def test_api_failures_read_in_chinese(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A rejected token, an unreachable API, a proxy's HTML page, an invalid next link."""
    backend.token = "another-token-entirely"
    assert run("backups", "list", *ZH) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err, ["Invalid token."])  # the API's words

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    runtime = make_runtime(httpx.MockTransport(unreachable))
    assert run("backups", "list", *ZH, runtime=runtime) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err)
    page = httpx.Response(502, text="<html><title>502 Bad Gateway</title></html>")
    runtime = make_runtime(httpx.MockTransport(lambda request: page))
    assert run("backups", "list", *ZH, runtime=runtime) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err, ["Bad Gateway"])  # the page's title, as sent
    elsewhere = {"count": 40, "next": "https://elsewhere.example/api/v1/backups/?page=2"}
    elsewhere["results"] = []

    def bad_link(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=elsewhere)

    runtime = make_runtime(httpx.MockTransport(bad_link))
    assert run("backups", "list", *ZH, runtime=runtime) == EXIT_FAILED
    assert_chinese(capsys.readouterr().err)


def test_a_rejected_token_names_its_source_in_chinese(
    tmp_path: Path,
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ "Check the token from token in <config>": the source is said in Chinese too."""
    path = tmp_path / "config.toml"
    path.write_text('token = "not-the-demo-token"\n')
    path.chmod(0o600)
    backend.token = "another-token-entirely"
    argv = ["backups", "list", "--config", str(path)]
    assert run_command(argv, runtime=make_runtime()) == EXIT_FAILED
    assert f"Check the token from token in {path}." in capsys.readouterr().err
    assert run_command([*argv, *ZH], runtime=make_runtime()) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"：Invalid token. 请检查来自 {path} 中的 token 的令牌。" in err
    assert_chinese(err, ["Invalid token."])


@pytest.mark.parametrize(
    "config",
    [
        "poll_interval = 0.001\n",
        "page_concurrency = 0\n",
        "page_concurrency = 'many'\n",
        "cache = 'yes'\n",
        "poll_requests = 0\n",
        "idle_refresh = -1\n",
        "restore_follow = 'long'\n",
        "stale_after_hours = 0\n",
        "api_url = 'http://example.com'\n",
        "api_url = 'ftp://example.com'\n",
        "token_file = '/nonexistent/token'\n",
        "[profiles.x]\ncolour = 'no-such-colour'\n",
        "this is not toml\n",
        "notify_command = 3\n",
    ],
)
def test_config_errors_read_in_chinese(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config)
    path.chmod(0o600)
    profile = ["--profile", "x"] if "profiles.x" in config else []
    argv = ["backups", "list", "--config", str(path), *profile, *ZH]
    if "api_url" not in config and "token_file" not in config:
        argv.append("--demo")
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == EXIT_USAGE, err
    try:
        tomllib.loads(config)
        parser = []
    except tomllib.TOMLDecodeError as error:
        parser = [str(error)]  # the TOML parser's own words, quoted
    assert_chinese(out + err, parser)


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "delete", "abc"],
        ["backups", "list", "--json", "--csv"],
        ["backups", "frobnicate"],
        ["backups"],
        ["restore", "web-server-01"],
        ["backups", "list", "--timeout", "0"],
        ["backups", "create", "web-server-01", "--wait", "--wait-timeout", "x"],
        ["backups", "prune", "db-primary", "--keep", "-1"],
        ["backups", "list", "--type", "weekly"],
        ["watch", "--poll-interval", "soon"],
    ],
)
def test_bad_arguments_read_in_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*argv, "--demo", *ZH]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert_chinese(out + err)


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "list", "--server", "no-such-server"],
        ["backups", "list", "--server", "web-server-1"],
        ["backups", "create", "web-server-01", "--read-only"],
    ],
)
def test_refusals_read_in_chinese(
    argv: list[str],
    run: Callable[..., int],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(*argv, *ZH) != EXIT_OK
    out, err = capsys.readouterr()
    assert_chinese(out + err, [*api_text(backend), "no-such-server", "web-server-1"])
    if "web-server-1" in argv:  # the names it may mean, listed the Chinese way
        assert "'web-server-01'、'web-server-02'？" in err


# --- --help -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["backups"],
        ["backups", "list"],
        ["backups", "create"],
        ["backups", "delete"],
        ["backups", "prune"],
        ["restore"],
        ["check"],
        ["watch"],
    ],
)
def test_subcommand_help_has_no_english_left(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*argv, "--help", *ZH]) == EXIT_OK
    assert_chinese(capsys.readouterr().out, ["web-server-01", *JSON_FIELDS])  # --json's keys


def test_tui_help_has_no_english_left(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help", *ZH])
    assert_chinese(capsys.readouterr().out)
