"""The scripting commands and the operations core in zh-CN (issue 16): every human line is
Chinese, while what is sent, the exit codes, the typed confirmations, JSON/CSV, the audit
log and `operations.json` stay exactly as in English.
Reuses the scripting tests' fixtures (a seeded demo backend on a fake clock): F811."""
# ruff: noqa: F811

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vpstui import i18n
from vpstui.api import ApiError
from vpstui.audit import read_entries
from vpstui.commands.exits import EXIT_NOT_REPORTED, EXIT_OK, EXIT_USAGE
from vpstui.commands.parser import exit_code_help
from vpstui.commands.session import Runtime
from vpstui.demo import DemoBackend
from vpstui.operations import Incident, SafetyStopped

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
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def english_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests start with an English locale and leave vpstui speaking English."""
    for name in ("LC_ALL", "LC_MESSAGES", "VPSTUI_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    i18n.use("en")


def english_only(path: Path) -> str:
    """The file's text, asserted free of Chinese (records never change with the language)."""
    text = path.read_text(encoding="utf-8")
    assert not CJK.search(text), text
    return text


# --- backups list / create / delete -------------------------------------------------------------


def test_list_table_header_is_chinese_but_csv_and_json_are_not(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("backups", "list", *ZH) == EXIT_OK
    header = capsys.readouterr().out.splitlines()[0]
    assert header.split() == [
        "ID",
        "服务器",
        "类型",
        "状态",
        "大小",
        "创建时间",
        "过期时间",
        "描述",
    ]
    for fmt in ("--csv", "--json"):
        assert run("backups", "list", fmt) == EXIT_OK
        english = capsys.readouterr().out
        assert run("backups", "list", fmt, *ZH) == EXIT_OK
        assert capsys.readouterr().out == english


def test_create_speaks_chinese_and_sends_and_audits_as_in_english(
    run: Callable[..., int],
    backend: DemoBackend,
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run("backups", "create", "web-server-01", "--description", "升级前", *ZH)
    assert code == EXIT_OK
    out, err = capsys.readouterr()
    new = max(backend.state.backups)
    assert out.strip().startswith(f"已创建 web-server-01 的备份 #{new}（")
    assert "正在创建 web-server-01（ID " in err and "手动备份：" in err
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert backend.state.backups[new].description == "升级前"  # what was typed, as typed
    entries = read_entries(audit_path)
    assert [e["outcome"] for e in entries] == ["attempted", "succeeded"]
    assert all(not CJK.search(str(e["message"] or "")) for e in entries)


def test_lost_answer_recheck_is_chinese_on_screen_and_english_in_the_audit_log(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    runtime = make_runtime(Intercept(backend.transport(), lose_answer_to="POST"))
    code = run("backups", "create", "web-server-01", "--description", "x", *ZH, runtime=runtime)
    assert code == EXIT_OK
    err = capsys.readouterr().err
    new = max(backend.state.backups)
    assert f"已检查列表：备份其实已创建——#{new}" in err
    assert "应答丢失；请重新读取 API 查看实际结果。" in err
    assert backend.count("POST") == 1
    verified = read_entries(audit_path)[-1]
    assert verified["outcome"] == "verified_done"
    assert verified["message"].startswith(
        f"Checked the list: the backup was created after all — #{new}"
    )


def test_delete_asks_in_chinese_for_the_id_itself(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The prompt is Chinese; what must be typed is the backup's id, as in English."""
    server_id = server_named(backend, "web-server-01")
    backup_id = completed_backup(backend, server_id)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return "删除" if len(prompts) == 1 else str(backup_id)

    runtime = make_runtime(terminal=True, ask=ask)
    assert run("backups", "delete", str(backup_id), *ZH, runtime=runtime) == EXIT_USAGE
    err = capsys.readouterr().err
    assert prompts == [f"输入备份 ID（{backup_id}）以删除它："]
    assert f"确认内容不匹配；未删除备份 #{backup_id}。未发送任何请求。" in err
    assert "删除备份是永久性的，无法撤销。" in err
    assert backend.count("DELETE") == 0
    assert run("backups", "delete", str(backup_id), *ZH, runtime=runtime) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"已删除 web-server-01 的备份 #{backup_id}。"
    assert backend.count("DELETE") == 1


def test_refusal_without_a_terminal_is_chinese_and_exit_2(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("backups", "delete", "999999", *ZH) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "未经确认，拒绝删除备份 #999999：标准输入不是终端。" in err
    assert backend.requests == []


# --- restore ------------------------------------------------------------------------------------


def test_restore_with_a_safety_backup_in_chinese_keeps_records_english(
    run: Callable[..., int],
    backend: DemoBackend,
    make_runtime: Callable[..., Runtime],
    audit_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ops = tmp_path / "ops.json"
    server_id = server_named(backend, "db-replica")
    backup_id = completed_backup(backend, server_id, "automatic")
    runtime = make_runtime(ops_path=ops)
    argv = ("restore", str(server_id), str(backup_id), "--yes", *ZH)
    assert run(*argv, runtime=runtime) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.strip() == f"API 已接受用备份 #{backup_id} 恢复 db-replica。"
    assert "会先做一个手动备份，它完成后才发送恢复请求" in err
    assert "正在创建安全备份…" in err and "已完成。" in err
    assert "这会覆盖服务器的磁盘" in err
    safety = [
        b for b in backend.state.backups.values() if b.description and "Safety" in b.description
    ]
    # the description sent to the API is API text: English, as before
    assert [b.description for b in safety] == [f"Safety backup before restoring #{backup_id}"]
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert backend.count("POST", f"/api/v1/servers/{server_id}/restore/") == 1
    assert [(e["action"], e["outcome"]) for e in read_entries(audit_path)] == [
        ("create", "attempted"),
        ("create", "succeeded"),
        ("restore", "attempted"),
        ("restore", "succeeded"),
    ]
    english_only(audit_path)
    assert [op["kind"] for op in json.loads(english_only(ops))] == ["restore"]


def test_restore_wait_without_evidence_says_so_in_chinese_exit_6(
    run: Callable[..., int], backend: DemoBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    server_id = server_named(backend, "web-server-01")
    backup_id = completed_backup(backend, server_id, "automatic")
    code = run(
        "restore", "web-server-01", str(backup_id), "--yes", "--wait",
        "--no-safety-backup", "--wait-timeout", "120", *ZH,
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == EXIT_NOT_REPORTED
    assert out == ""
    assert "不做安全备份（--no-safety-backup）。" in err
    assert (
        "API 已于 UTC 16:00 接受 web-server-01 的恢复。VPS.org 不报告恢复进度：请检查服务器。"
        in err
    )


def test_exit_code_meanings_are_translated_but_the_codes_are_not() -> None:
    english = exit_code_help()
    i18n.use("zh-CN")
    chinese = exit_code_help()
    assert "3    未找到：没有这个服务器或备份" in chinese
    assert [line.split()[0] for line in chinese.splitlines()[1:]] == [
        line.split()[0] for line in english.splitlines()[1:]
    ]


# --- the operations core ------------------------------------------------------------------------


def test_safety_stop_reads_chinese_and_records_english() -> None:
    i18n.use("zh-CN")
    cause = ApiError(i18n.L_("Could not {action}: {why}", action="x", why="y"))
    error = SafetyStopped(
        i18n.L_(
            "The safety backup could not be created: {error} The restore was not sent.",
            error=cause.text,
        )
    )
    assert str(error).startswith("无法创建安全备份：") and "未发送恢复请求" in str(error)
    assert error.english().startswith("The safety backup could not be created: ")
    assert not CJK.search(error.english())


def test_incident_summary_translates_labels_and_keeps_ids_names_and_times() -> None:
    incident = Incident(
        server_id=13210,
        server_name="mail-relay",
        backup_id=501,
        backup_created_at=datetime(2025, 1, 16, 3, 0, tzinfo=UTC),
        started_at=datetime(2025, 1, 16, 16, 0, tzinfo=UTC),
        finished_at=None,
        final_status=None,
        operator="ops@host",
        no_safety="unticked",
        not_reported=True,
    )
    english = incident.summary()
    i18n.use("zh-CN")
    chinese = incident.summary()
    assert chinese.splitlines() == [
        "恢复 mail-relay（服务器 ID 13210）",
        "  来自备份 #501，创建于 2025-01-16 03:00 UTC",
        "  安全备份：无（未勾选）",
        "  API 接受时间 2025-01-16 16:00 UTC",
        "  结束：API 未报告",
        "  操作人 ops@host，使用 vpstui",
    ]
    assert english.splitlines()[0] == "Restore of mail-relay (server id 13210)"
