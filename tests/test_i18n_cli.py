"""The command line in zh-CN: `--help` (the TUI's and the subcommands', argparse's own
words included) chosen before argparse runs, messages from the config, token and API
layers, and what never changes with the language: JSON output, exit codes, the audit log
and the monitoring check's output.

Reuses the scripting tests' fixtures (a seeded demo backend on a fake clock): F811."""
# ruff: noqa: F811

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rich.cells import cell_len

from vpstui import cli, i18n
from vpstui.api.errors import (
    ApiError,
    NotFoundError,
    error_from_response,
    error_from_transport,
    redact_error,
)
from vpstui.audit import AuditLog, read_entries
from vpstui.commands.exits import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE
from vpstui.commands.language import (
    argparse_plurals,
    lang_flag,
    language_from_argv,
    wrap_cells,
)
from vpstui.commands.session import Runtime
from vpstui.crash import crash_notice
from vpstui.demo import DemoBackend

from .test_scripting import (
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


@pytest.fixture(autouse=True)
def english_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests start with an English locale and leave vpstui speaking English."""
    for name in ("LC_ALL", "LC_MESSAGES", "VPSTUI_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    i18n.use("en")


def tui_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 0
    return capsys.readouterr().out


# --- choosing the language before argparse ----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--lang", "zh-CN"], "zh-CN"),
        (["backups", "list", "--lang=zh-CN"], "zh-CN"),
        (["--la", "zh-CN", "--help"], "zh-CN"),  # argparse takes unique prefixes
        (["--lang", "en", "--lang", "zh-CN"], "zh-CN"),  # the last one wins, as in argparse
        (["restore", "--", "--lang", "zh-CN"], None),  # after --: not an option
        (["--help"], None),
        (["--lang"], None),
    ],
)
def test_lang_flag_is_found_as_argparse_would(argv: list[str], flag: str | None) -> None:
    assert lang_flag(argv) == flag


def test_language_before_settings_flag_then_env_then_locale() -> None:
    locale = {"LANG": "zh_CN.UTF-8"}
    assert language_from_argv([], locale) == "zh-CN"
    assert language_from_argv(["--lang", "en"], locale) == "en"
    assert language_from_argv([], {**locale, "VPSTUI_LANG": "en"}) == "en"
    assert language_from_argv(["--lang", "zh-CN"], {"VPSTUI_LANG": "en"}) == "zh-CN"
    # unknown names are skipped here (parsing the settings reports them)
    assert language_from_argv(["--lang", "tlh"], locale) == "zh-CN"
    assert language_from_argv([], {**locale, "VPSTUI_LANG": "fr"}) == "zh-CN"
    assert language_from_argv([], {"LANG": "de_DE.UTF-8"}) == "en"


def test_tui_help_in_zh_cn_from_the_locale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`LANG=zh_CN.UTF-8 vpstui --help`: vpstui's words and argparse's are Chinese."""
    english = tui_help(["--help"], capsys)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    out = tui_help(["--help"], capsys)
    assert out.startswith("用法：vpstui")
    assert "显示此帮助信息并退出" in out  # argparse's own help for -h
    assert "浏览、创建、删除和恢复 VPS.org 服务器备份。" in out
    assert "使用模拟账户（无需令牌）" in out and "环境变量：" in out
    assert "show this help message" not in out and "usage:" not in out
    # options, environment variables and commands are not translated
    for kept in ("--demo", "--token-file PATH", "VPS_API_TOKEN", "vpstui check", "VPSTUI_LANG"):
        assert kept in out and kept in english
    # --lang en beats the locale: today's English exactly
    assert tui_help(["--help", "--lang", "en"], capsys) == english


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "--help", "--lang", "zh-CN"],
        ["backups", "prune", "--help", "--lang=zh-CN"],
        ["restore", "--lang", "zh-CN", "--help"],
        ["watch", "--help", "--lang", "zh-CN"],
    ],
)
def test_subcommand_help_in_zh_cn(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("用法：vpstui")
    assert "选项" in out and "显示此帮助信息并退出" in out
    assert "连接（与 TUI 相同）" in out and "消息语言：en 或 zh-CN" in out
    assert "--lang LANG" in out and "options:" not in out


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["backups", "prune", "--help"], ["watch", "--help"], ["check", "--help"]],
)
def test_chinese_help_fits_80_columns(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Help text and descriptions wrap by terminal cells (CJK takes two), not characters.
    (Exempt: the English exit-code lines, and the lines that show a path.)"""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    if argv == ["--help"]:
        out = tui_help(argv, capsys)
    else:
        assert cli.main(argv) == EXIT_OK
        out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "/" not in line and not line.isascii()]
    assert len(lines) > 5
    assert max(cell_len(line) for line in lines) <= 80, out


def test_chinese_usage_lines_align_by_cells(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "用法：" is three characters but six cells: the usage's continuation lines still
    start under its first option."""
    monkeypatch.setenv("COLUMNS", "80")
    assert cli.main(["backups", "delete", "--help", *ZH]) == EXIT_OK
    first, second = capsys.readouterr().out.splitlines()[:2]
    assert first.startswith("用法：vpstui backups delete [-h]")
    assert cell_len(first[: first.index("[")]) == len(second) - len(second.lstrip())


def test_wrap_cells_breaks_cjk_anywhere_but_before_closing_punctuation() -> None:
    text = "像 TUI 一样定期查看，但不打开界面：每个完成或失败的备份（配置文件）。SIGTERM 停止。"
    for width in (10, 17, 30, 78):
        lines = wrap_cells(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
        assert all(cell_len(line) <= width for line in lines)
        assert not any(line[0] in "，。：）" for line in lines)
    assert wrap_cells("abc defgh", 4) == ["abc", "defgh"]  # a word longer than the line


def test_check_help_is_translated_but_keeps_its_keywords(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VPSTUI_LANG", "zh-CN")
    assert cli.main(["check", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "退出码（遵循监控插件惯例" in out and "始终为英文" in out
    for keyword in ("OK", "WARNING", "CRITICAL", "UNKNOWN", "--warn-age AGE"):
        assert keyword in out


def test_argparse_errors_in_zh_cn_keep_their_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["backups", "delete", "abc", "--demo"]) == EXIT_USAGE
    english = capsys.readouterr().err
    assert "error: argument ID: a backup ID is a number: 'abc'" in english
    assert cli.main(["backups", "delete", "abc", "--demo", *ZH]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "vpstui backups delete：错误：参数 ID：备份 ID 必须是数字：'abc'" in err
    assert cli.main(["backups", "list", "--json", "--csv", "--demo", *ZH]) == EXIT_USAGE
    assert "不能与参数 --json 同时使用" in capsys.readouterr().err
    assert cli.main(["backups", "lis", "--demo", *ZH]) == EXIT_USAGE
    assert "无效的选择：'lis'" in capsys.readouterr().err


def test_argparse_plural_messages_are_translated() -> None:
    assert argparse_plurals(2) == ["expected %s arguments", "conflicting option strings: %s"]
    i18n.use("zh-CN")
    assert argparse_plurals(2) == ["需要 %s 个参数值", "选项冲突：%s"]


# --- messages of the layers under the UI --------------------------------------------------------


def test_config_error_in_zh_cn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("poll_interval = 0.001\n")
    argv = ["--demo", "--config", str(config)]
    assert cli.main(argv) == EXIT_USAGE
    assert "poll_interval must be a number from" in capsys.readouterr().err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli.main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("vpstui：poll_interval 必须是在 ") and "秒之间的数字（现为 0.001）" in err
    # the same in a subcommand, with the flag instead of the locale
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert cli.main(["backups", "list", *argv, *ZH]) == EXIT_USAGE
    assert "必须是在 " in capsys.readouterr().err
    missing = tmp_path / "nowhere.toml"
    assert cli.main(["backups", "list", "--config", str(missing), *ZH]) == EXIT_USAGE
    assert f"配置文件 {missing} 不存在。" in capsys.readouterr().err


def test_unknown_language_is_refused_in_the_locales_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli.main(["backups", "list", "--demo", "--lang", "tlh"]) == EXIT_USAGE
    assert "--lang：vpstui 支持的语言是 en, zh-CN，不支持 'tlh'。" in capsys.readouterr().err


def test_missing_token_in_zh_cn(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["backups", "list"]) == EXIT_USAGE
    english = capsys.readouterr().err
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert cli.main(["backups", "list"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("vpstui：没有 API 令牌。") and "VPS_API_TOKEN" in err
    assert "vpstui --demo" in err and "no API token" in english
    assert err == cli.missing_token_message()  # the TUI's words, in the same language


def test_api_error_reads_in_the_language_in_use_and_english_for_records() -> None:
    response = httpx.Response(404, json={"detail": "Not found."})
    error = error_from_response(response, action="list backups")
    assert isinstance(error, NotFoundError)
    english = "Could not list backups: not found (404): Not found."
    assert str(error) == english
    i18n.use("zh-CN")
    assert str(error) == "无法列出备份：未找到（404）：Not found."  # the API's words as sent
    assert error.message == str(error)
    assert error.english() == english
    timeout = error_from_transport(
        httpx.ConnectTimeout("slow"), action="delete the backup", host="admin.vps.org"
    )
    assert str(timeout) == "无法删除备份：连接 admin.vps.org 超时。"
    i18n.use("en")
    assert str(timeout) == "Could not delete the backup: admin.vps.org timed out while connecting."


def test_redacted_errors_stay_translatable() -> None:
    token = "tok-0123456789abcdef"
    error = error_from_response(
        httpx.Response(500, text="boom"), action=f"list backups for {token}"
    )
    redact_error(error, [token])
    i18n.use("zh-CN")
    assert str(error).startswith("无法list backups for ***：API 出错（500）")
    assert token not in str(error) and token not in error.english()
    assert token not in repr(error) and token not in repr(vars(error))


def test_crash_notice_in_zh_cn(tmp_path: Path) -> None:
    i18n.use("zh-CN")
    notice = crash_notice(RuntimeError("boom"), tmp_path / "crash.txt", [])
    assert notice.startswith("vpstui 崩溃了：RuntimeError: boom\n")
    assert f"报告（已去除令牌）已写入 {tmp_path / 'crash.txt'}" in notice


# --- what never changes with the language -------------------------------------------------------


def test_audit_log_writes_english_under_zh_cn(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", host="admin.vps.org")
    error = error_from_response(httpx.Response(404), action="delete the backup")
    i18n.use("zh-CN")
    assert str(error) == "无法删除备份：未找到（404）。"
    log.record("delete", "gone", server_id=1, backup_id=7, message=error)
    log.record("delete", "failed", server_id=1, message=i18n.L_("list backups"))
    log.record("delete", "succeeded", server_id=1, message="Backup 7 deleted.")
    assert [e["message"] for e in read_entries(log.path)] == [
        "Could not delete the backup: not found (404).",
        "list backups",
        "Backup 7 deleted.",
    ]
    assert i18n.current() == "zh-CN"  # writing did not change the language in use


def test_a_delete_in_zh_cn_is_audited_in_english(
    run: Callable[..., int],
    backend: DemoBackend,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))
    assert run("backups", "delete", str(backup_id), "--yes", *ZH) == EXIT_OK
    entries = read_entries(audit_path)
    assert [(e["outcome"], e["message"]) for e in entries] == [
        ("attempted", None),
        ("succeeded", f"Backup {backup_id} deleted."),
    ]


def test_a_failed_delete_in_zh_cn_is_audited_in_english(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
) -> None:
    backup_id = completed_backup(backend, server_named(backend, "web-server-01"))

    def refuse(request: httpx.Request) -> httpx.Response | None:
        if request.method != "DELETE":
            return None
        return httpx.Response(400, json={"detail": "Backup is locked."})

    runtime = make_runtime(Intercept(backend.transport(), refuse))
    assert run("backups", "delete", str(backup_id), "--yes", *ZH, runtime=runtime) != EXIT_OK
    failed = read_entries(audit_path)[-1]
    assert failed["outcome"] == "failed"
    assert failed["message"].startswith("Could not delete the backup")
    # A lost answer (502) is re-checked; every line of it is English too.
    lost = lambda request: httpx.Response(502) if request.method == "DELETE" else None  # noqa: E731
    runtime = make_runtime(Intercept(backend.transport(), lost))
    run("backups", "delete", str(backup_id), "--yes", *ZH, runtime=runtime)
    messages = [e["message"] or "" for e in read_entries(audit_path)]
    assert len(messages) >= 4
    assert not [m for m in messages if any("\u4e00" <= ch <= "\u9fff" for ch in m)]


@pytest.mark.parametrize(
    "argv",
    [
        ["backups", "list", "--json"],
        ["backups", "list", "--csv", "--server", "web-server-01"],
        ["backups", "prune", "db-primary", "--keep", "7", "--json"],
        ["check"],
        ["check", "--json"],
        ["check", "--server", "no-such-server"],
        ["check", "--config", "/nonexistent/vpstui.toml"],  # UNKNOWN, said in English
    ],
)
def test_machine_output_and_exit_codes_are_the_same_in_both_languages(
    argv: list[str],
    run: Callable[..., int],
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JSON, CSV and the monitoring check's output (stdout) and the exit code do not
    change with the language; only the human text on stderr does."""
    code = run(*argv, runtime=make_runtime())
    english = capsys.readouterr().out
    assert run(*argv, *ZH, runtime=make_runtime()) == code
    assert capsys.readouterr().out == english
    if argv[0] == "check":
        assert english.startswith("{" if "--json" in argv else "BACKUPS ")
    else:
        assert json.loads(english) if "--json" in argv else english.startswith("id,")


@pytest.mark.parametrize(
    ("argv", "code", "translated"),
    [
        (["backups", "list", "--server", "no-such-server"], EXIT_NOT_FOUND, True),
        (["backups", "list", "--server", "web-server-1"], EXIT_NOT_FOUND, True),
        # the next two explanations are commands/session.py's
        (["backups", "delete", "999999", "--yes"], EXIT_NOT_FOUND, True),
        (["restore", "web-server-01", "1"], EXIT_USAGE, True),
        (["backups", "create", "web-server-01", "--read-only"], EXIT_USAGE, True),
        (["backups", "list", "--timeout", "0"], EXIT_USAGE, True),
    ],
)
def test_exit_codes_are_the_same_in_both_languages(
    argv: list[str],
    code: int,
    translated: bool,
    run: Callable[..., int],
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(*argv, runtime=make_runtime()) == code
    english = capsys.readouterr().err
    assert run(*argv, *ZH, runtime=make_runtime()) == code
    chinese = capsys.readouterr().err
    assert (chinese != english) is translated  # the explanation is, the exit code is not


def test_api_failures_keep_exit_1_and_read_in_zh_cn(
    run: Callable[..., int],
    backend: DemoBackend,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backend.token = "another-token-entirely"
    assert run("backups", "list", "--json", *ZH) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("vpstui：API 拒绝了令牌（401）")


def test_prune_preview_reads_in_zh_cn(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("backups", "prune", "db-primary", "--keep", "7", *ZH) == EXIT_OK
    err = capsys.readouterr().err
    assert "db-primary 的手动备份：10 个；将删除 3 个。" in err
    assert "（最新的 7 个已完成备份之一）" in err and "仅预览：未删除任何备份" in err


def test_api_error_subclass_keeps_plain_text_messages() -> None:
    """Errors made with plain text (not marked) still work as before."""
    error = ApiError("plain words", status=418)
    i18n.use("zh-CN")
    assert str(error) == error.english() == "plain words"
    assert repr(error) == "ApiError('plain words', status=418)"
