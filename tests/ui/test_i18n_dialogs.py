"""The dialogs in zh-CN (issue 16), driven with Pilot: create, delete and restore (with its
safety backup) read Chinese on screen, send exactly the requests they send in English,
and leave the audit log and `operations.json` in English. Layout holds with wide
characters at 120x35, 80x24 and (the restore dialog) 60x18."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Button, Checkbox, Input, Static

from vpstui import i18n
from vpstui.api import RetryPolicy, VpsClient
from vpstui.audit import read_entries
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.demo.faults import SwitchableTransport
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import CreateDialog, DeleteDialog, DetailsDialog, RestoreDialog
from vpstui.ui.dialogs.fields import label_cell
from vpstui.ui.screens.main import MainScreen

from .test_dialogs import buttons_visible, flat, screen_text
from .test_main_screen import main_of, settle, wait_until

MAIL = 13210
RESTORE = f"/api/v1/servers/{MAIL}/restore/"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(autouse=True)
def zh_cn() -> Iterator[None]:
    """Speak zh-CN in the test; English again after it."""
    i18n.use("zh-CN")
    yield
    i18n.use("en")


@pytest.fixture
def records(tmp_path: Path) -> tuple[Path, Path]:
    """(the audit log, operations.json) of the app under test."""
    return tmp_path / "audit.jsonl", tmp_path / "operations.json"


@pytest.fixture
def make_app(
    clock: FakeClock, transport: SwitchableTransport, records: tuple[Path, Path]
) -> Callable[..., VpsApp]:
    """A demo app that keeps an audit log and a ledger (the conftest's keeps neither)."""
    audit, ops = records

    def factory(**settings: object) -> VpsApp:
        options: dict[str, object] = {"demo": True, "poll_interval": 0.05, "idle_refresh": 60.0}
        options.update(settings)
        api = VpsClient(
            token="t", base_url=DEMO_BASE_URL, transport=transport, retry=RetryPolicy(attempts=1)
        )
        return VpsApp(
            Settings(**options),  # type: ignore[arg-type]
            api,
            clock=clock,
            tick_seconds=0.1,
            audit_path=audit,
            ops_path=ops,
        )

    return factory


def english_records(records: tuple[Path, Path]) -> list[dict[str, object]]:
    """The audit entries, after checking that neither record holds any Chinese."""
    audit, ops = records
    for path in (audit, ops):
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert not CJK.search(text), text
    return read_entries(audit)


def text_of(app: VpsApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_dialog(app: VpsApp, pilot: object, key: str, kind: type, pick: object) -> None:
    await settle(app, pilot)
    main = main_of(app)
    target = next(b for b in main.table.backups.values() if pick(b))  # type: ignore[operator]
    main.table.move_cursor_to(target.id)
    await pilot.press(key)  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, kind))
    await settle(app, pilot)


# --- the three flows ----------------------------------------------------------------------------


async def test_create_in_chinese_sends_one_post(
    make_app: Callable[..., VpsApp], backend: DemoBackend, records: tuple[Path, Path]
) -> None:
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
        await settle(app, pilot)
        shown = flat(app)
        assert "创建手动备份" in shown and "描述（可选）：" in shown
        assert re.search(r"手动备份：\d+/10", shown)
        assert str(app.screen.query_one("#confirm", Button).label) == "创建"
        assert app.screen.query_one("#description", Input).placeholder.startswith("例如")
        await pilot.press(*"before upgrade", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    new = max(backend.state.backups)
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert backend.state.backups[new].description == "before upgrade"
    entries = english_records(records)
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("create", "attempted"),
        ("create", "succeeded"),
    ]


async def test_delete_in_chinese_sends_one_delete(
    make_app: Callable[..., VpsApp], backend: DemoBackend, records: tuple[Path, Path]
) -> None:
    app = make_app(server="web-server-01")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_dialog(
            app, pilot, "delete", DeleteDialog, lambda b: b.is_manual and b.is_completed
        )
        dialog = app.screen
        assert isinstance(dialog, DeleteDialog)
        victim = dialog.backup.id
        shown = flat(app)
        assert "删除备份" in shown and "删除备份是永久性的，无法撤销。" in shown
        assert "腾出该服务器 10 个手动备份名额中的一个" in shown
        facts = text_of(app, "#facts").splitlines()
        assert facts[1].startswith(label_cell("服务器")) and "web-server-01（ID " in facts[1]
        assert [str(b.label) for b in dialog.query(Button) if b.display] == ["取消", "删除"]
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert victim not in backend.state.backups
    assert backend.count("DELETE") == 1
    entries = english_records(records)
    assert [e["outcome"] for e in entries] == ["attempted", "succeeded"]
    assert entries[-1]["message"] == f"Backup {victim} deleted."


async def test_restore_with_the_safety_backup_in_chinese(
    make_app: Callable[..., VpsApp],
    backend: DemoBackend,
    clock: FakeClock,
    records: tuple[Path, Path],
) -> None:
    """Ticked by default: the safety backup is made and completes before the one restore;
    the dialog, its status line and the incident summary read Chinese; records stay
    English; the typed confirmation is the server's real name."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_dialog(app, pilot, "R", RestoreDialog, lambda b: b.is_completed)
        dialog = app.screen
        assert isinstance(dialog, RestoreDialog)
        target = dialog.backup
        shown = flat(app)
        assert shown.count("恢复备份") >= 1 and "恢复 mail-relay（ID 13210），使用备份 #" in shown
        assert "服务器当前的磁盘将被覆盖。" in shown
        assert str(dialog.query_one("#safety", Checkbox).label) == "先做安全备份（推荐）"
        assert text_of(app, "#safety-status").startswith("安全备份：是。先做安全备份")
        assert dialog.query_one("#confirm-name", Input).placeholder == "在此输入服务器名称"
        await pilot.press(*"mail-rela", "enter")  # not the name: nothing is sent
        assert "准确输入 mail-relay 才能启用“恢复”" in flat(app)
        await pilot.press("y", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        safety = dialog.safety_backup
        assert safety is not None
        assert safety.description == f"Safety backup before restoring #{target.id}"
        await pilot.pause(0.2)
        assert backend.count("POST", RESTORE) == 0  # still waiting for the safety backup
        status = text_of(app, "#safety-status")
        assert f"安全备份 #{safety.id}" in status and "按 Esc 停止等待。" in status
        clock.advance(60)  # the demo finishes a manual backup after 20 s
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert backend.count("POST", RESTORE) == 1
        assert backend.count("POST", "/api/v1/backups/") == 1
        # `I` copies the incident of the restore being followed (its end not seen yet)
        await wait_until(pilot, lambda: main_of(app).follower.current_incident() is not None)
        await pilot.press("I")
        summary = app.clipboard.splitlines()
        assert summary[0] == "恢复 mail-relay（服务器 ID 13210）"
        assert summary[1].startswith(f"  来自备份 #{target.id}，创建于 ") and "UTC" in summary[1]
        assert summary[2] == f"  先做的安全备份：#{safety.id}"
        assert summary[-2:] == ["  结束：尚未", summary[-1]]
        assert summary[-1].startswith("  操作人 ") and summary[-1].endswith("，使用 vpstui")
    entries = english_records(records)
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("create", "attempted"),
        ("create", "succeeded"),
        ("restore", "attempted"),
        ("restore", "succeeded"),
    ]


async def test_stopping_the_safety_wait_reads_chinese_and_sends_no_restore(
    make_app: Callable[..., VpsApp], backend: DemoBackend
) -> None:
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_dialog(app, pilot, "R", RestoreDialog, lambda b: b.is_completed)
        dialog = app.screen
        assert isinstance(dialog, RestoreDialog)
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not dialog.in_flight)
        assert text_of(app, "#dialog-error").startswith("你已停止等待：未发送恢复请求。")
        assert backend.count("POST", RESTORE) == 0


async def test_details_labels_line_up_by_cells(make_app: Callable[..., VpsApp]) -> None:
    app = make_app(server="web-server-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(app, pilot, "enter", DetailsDialog, lambda b: b.is_manual)
        assert "备份详情" in flat(app)
        rows = ["id", "server", "type", "status", "size", "created", "expires", "quota"]
        lines = [text_of(app, f"#field-{row}") for row in rows]
        assert lines[7].startswith("配额：")
        # every value starts in the same terminal column (13), though the labels differ
        # in characters and cells ("ID：" 4 cells, "过期时间：" 10)
        for line in lines:
            label = re.match(r"^\S+：( +)", line)
            assert label is not None, line
            assert cell_len(label.group(0)) == 13, line
        assert [line.split("：")[0] for line in lines] == [
            "ID", "服务器", "类型", "状态", "大小", "创建时间", "过期时间", "配额",
        ]  # fmt: skip


# --- layout with wide characters ----------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 35), (80, 24)])
@pytest.mark.parametrize("kind", ["create", "delete", "restore", "details"])
async def test_dialogs_fit_in_chinese(
    kind: str, size: tuple[int, int], make_app: Callable[..., VpsApp]
) -> None:
    """Buttons on screen, and no line of the screen wider than the terminal."""
    keys = {"create": "n", "delete": "delete", "restore": "R", "details": "enter"}
    kinds = {
        "create": CreateDialog,
        "delete": DeleteDialog,
        "restore": RestoreDialog,
        "details": DetailsDialog,
    }
    app = make_app(server="web-server-01")
    async with app.run_test(size=size) as pilot:
        await open_dialog(app, pilot, keys[kind], kinds[kind], lambda b: b.is_completed)
        buttons_visible(app)
        assert CJK.search(screen_text(app))
        assert all(cell_len(line) <= size[0] for line in screen_text(app).splitlines())


async def test_restore_at_60x18_in_chinese_shows_everything_and_arms(
    make_app: Callable[..., VpsApp], backend: DemoBackend
) -> None:
    """At 60x18 the Chinese dialog shows the backup, the safety option and the name field
    together, so Restore can be armed; no line is wider than the terminal."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(60, 18)) as pilot:
        await open_dialog(app, pilot, "R", RestoreDialog, lambda b: b.is_completed)
        dialog = app.screen
        assert isinstance(dialog, RestoreDialog)
        await pilot.press(*"mail-relay")
        await pilot.pause(0.4)  # the fit check runs every 0.25 s
        buttons_visible(app)
        assert "终端太小" not in flat(app)
        assert not dialog.query_one("#confirm", Button).disabled
        for selector in ("#headline", "#safety", "#confirm-name"):
            widget = dialog.query_one(selector)
            assert dialog.region.contains_region(widget.region), selector
        assert all(cell_len(line) <= 60 for line in screen_text(app).splitlines())
    assert backend.count("POST") == 0


async def test_restore_too_small_in_chinese_refuses_to_arm(
    make_app: Callable[..., VpsApp], backend: DemoBackend
) -> None:
    """Shrunk to 60x13 with the name typed: Restore disarms and the note says why, in
    Chinese; Enter sends nothing."""
    app = make_app(server="mail-relay")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_dialog(app, pilot, "R", RestoreDialog, lambda b: b.is_completed)
        dialog = app.screen
        assert isinstance(dialog, RestoreDialog)
        await pilot.press(*"mail-relay")
        await pilot.pause()
        assert not dialog.query_one("#confirm", Button).disabled
        await pilot.resize_terminal(60, 13)
        await wait_until(pilot, lambda: dialog.query_one("#confirm", Button).disabled)
        assert text_of(app, "#dialog-note").startswith("终端太小，无法同时显示备份")
        await pilot.press("enter")
        assert dialog.is_attached and not dialog.in_flight
    assert backend.count("POST") == 0


async def test_quit_question_in_chinese() -> None:
    from vpstui.operations import Operation
    from vpstui.ui.dialogs.quit import quit_question

    def op(kind: str, name: str) -> Operation:
        return Operation(
            kind=kind,  # type: ignore[arg-type]
            host="demo.invalid",
            server_id=1,
            server_name=name,
            backup_id=None,
            started_at="2025-01-16T16:00:00+00:00",
        )

    assert quit_question([op("delete", "web"), op("restore", "db")]) == (
        "删除、恢复请求（web, db）正在进行；仍要退出吗？下次启动时会检查它。"
    )
    i18n.use("en")
    assert quit_question([op("delete", "web")]) == (
        "A delete (web) is in flight; quit anyway? It will be checked next time."
    )


def test_records_of_a_lost_answer_stay_english(tmp_path: Path) -> None:
    """The re-check's text is shown in Chinese and recorded in English."""
    from vpstui.operations.checks import Recheck

    check = Recheck(True, i18n.L_("Checked the list: backup #{id} is gone (deleted).", id=7))
    assert check.text == "已检查列表：备份 #7 已不存在（已删除）。"
    assert i18n.english(check.message) == "Checked the list: backup #7 is gone (deleted)."
    assert json.dumps(i18n.english(check.message)).isascii()
