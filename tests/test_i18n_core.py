"""The layers under the UI speak zh-CN where a person reads them and stay English where
they are recorded: a restore's status path (events, records) and its notice (screen), the
incident summary's status, OS reasons, next-page link refusals, the ledger's problems."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from vpstui import i18n
from vpstui.api.errors import BadResponseError
from vpstui.api.paging import same_origin
from vpstui.config import ConfigError, load_settings
from vpstui.operations import OperationLedger, RestoreEnd, RestoreWatch, path_text
from vpstui.operations.incident import Incident
from vpstui.os_reasons import os_reason

AT = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use("en")


def test_a_restore_path_is_english_for_records_and_translated_when_shown() -> None:
    watch = RestoreWatch("active")
    for status in ("restoring", "active", "active"):
        watch.observe(status)
    i18n.use("zh-CN")
    assert watch.path() == "active → restoring → active"  # records and watch events
    assert path_text(watch.path()) == "运行中 → 恢复中 → 运行中"
    assert path_text("active → rebuilding → active") == "运行中 → rebuilding → 运行中"  # as sent
    end = RestoreEnd(True, True, "active", watch.path(), AT)
    title, text, claims = end.notice("web-server-01", AT)
    assert (title, claims) == ("恢复完成", True)
    assert text == "web-server-01 的恢复已结束：服务器状态变化为 运行中 → 恢复中 → 运行中。"
    unknown = RestoreWatch(None)
    unknown.observe(None)
    assert unknown.path() == "unknown" and path_text(unknown.path()) == "未知"
    i18n.use("en")
    assert end.notice("web-server-01", AT)[1] == (
        "Restore of web-server-01 finished: the server went active → restoring → active."
    )


def test_a_restore_not_reported_says_why_following_stopped_in_one_sentence() -> None:
    end = RestoreEnd(False, False, "active", "active", AT, reason="the server could not be read")
    english = end.notice("db-primary", AT)[1]
    assert english.endswith("check the server. (the server could not be read)")
    i18n.use("zh-CN")
    chinese = end.notice("db-primary", AT)[1]
    assert chinese.startswith("API 已于 UTC 16:00 接受 db-primary 的恢复。")
    assert chinese.endswith("请检查服务器。（the server could not be read）")


def test_the_incident_summary_words_the_servers_status() -> None:
    incident = Incident(
        server_id=13210,
        server_name="mail-relay",
        backup_id=501,
        backup_created_at=AT,
        started_at=AT,
        finished_at=AT,
        final_status="active",
        operator="ops@host",
    )
    assert "  finished 2025-01-16 16:00 UTC (server active)" in incident.summary()
    i18n.use("zh-CN")
    assert "运行中" in incident.summary() and "active" not in incident.summary()


def test_os_reasons_are_translated_and_unknown_ones_kept() -> None:
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory")
    odd = OSError(errno.EIO, "Input/output error")
    assert os_reason(missing) == "No such file or directory"
    i18n.use("zh-CN")
    assert os_reason(missing) == "文件或目录不存在"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "权限不足"
    assert os_reason(odd) == "Input/output error"  # not in the catalogue: as the system says
    assert os_reason(OSError("no errno")) == "no errno"


def test_next_page_links_elsewhere_are_refused_in_the_language_in_use() -> None:
    base = httpx.URL("https://admin.vps.org/api/v1/")
    with pytest.raises(BadResponseError) as other_host:
        same_origin(base, httpx.URL("https://evil.example/api/v1/backups/?page=2"))
    with pytest.raises(BadResponseError) as other_port:
        same_origin(base, httpx.URL("https://admin.vps.org:8443/api/v1/backups/?page=2"))
    i18n.use("zh-CN")
    assert str(other_host.value) == (
        "API 的下一页链接指向另一台主机（evil.example）；未跟随，令牌不会发往那里。"
    )
    assert "（https://admin.vps.org:8443）" in str(other_port.value)
    assert other_host.value.english().startswith(
        "The API's next-page link points to another host (evil.example); not followed"
    )


def test_the_ledgers_problems_read_in_the_language_in_use(tmp_path: Path) -> None:
    path = tmp_path / "operations.json"
    entry = {
        "kind": "create",
        "host": "admin.vps.org",
        "server_id": 1,
        "server_name": "x",
        "backup_id": None,
        "started_at": "2025-01-16T16:00:00",
        "id": "odd",
    }
    path.write_text(json.dumps([entry]))
    i18n.use("zh-CN")
    problems = OperationLedger.load(path, "admin.vps.org").take_problems()
    assert problems == [
        f"已跳过 {path} 中无法读取的条目 'odd'：时间没有时区：'2025-01-16T16:00:00'"
    ]
    path.write_text("{}")
    problems = OperationLedger.load(path, "admin.vps.org").take_problems()
    assert len(problems) == 1 and "不是列表" in problems[0]


def test_the_configs_language_speaks_its_errors_and_warnings(tmp_path: Path) -> None:
    """`language = "zh-CN"` in the config (an English locale): what the settings say after
    choosing the language is Chinese, and the language in use is left as it was."""
    config = tmp_path / "config.toml"
    config.write_text('language = "zh-CN"\npage_concurrency = 0\n')
    with pytest.raises(ConfigError) as error:
        load_settings(config=str(config), demo=True, environ={"LANG": "C.UTF-8"})
    assert str(error.value) == f"{config} 中的 page_concurrency 必须是 1 到 100 之间的整数。"
    assert i18n.current() == "en"
    config.write_text('language = "zh-CN"\ntoken = "tok-0123456789"\n')
    config.chmod(0o644)
    settings = load_settings(config=str(config), environ={"LANG": "C.UTF-8"})
    assert settings.language == "zh-CN" and i18n.current() == "en"
    assert settings.warnings == [
        f"{config} 存放着令牌，且其他用户可以读取；请运行：chmod 600 {config}"
    ]
    assert settings.token_source == f"{config} 中的 token"
