"""The main screen and what is around it, in zh-CN: the header, scope and insight lines,
the table's headings and cell words, the footer, the server picker, the filter, the help
screen and the command palette read Chinese; the values that never change with the
language (ids, server names, sizes' units, keys) stay as they are; nothing is cut in
the middle of a wide character at 120x35 or 80x24."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from textual.command import CommandPalette
from textual.widgets import Input

from tests.snapshots.compare import screen_text
from tests.ui.test_main_screen import main_of, settle
from vpstui import i18n
from vpstui.api.models import Backup
from vpstui.format import (
    backup_summary,
    duration,
    expires_text,
    relative_time,
    status_text,
    status_word,
    type_text,
)
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.help import HelpScreen
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.columns import COLUMNS, column_widths, columns, heading
from vpstui.ui.widgets.footer import KeysFooter

AppFactory = Callable[..., VpsApp]
NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
#: English words (three letters or more) allowed on a zh-CN line: the app's name, key
#: names, units, and the demo data's server names and descriptions (the API's text).
KEYS_AND_UNITS = {"vpstui", "del", "ctrl", "esc", "enter", "space", "GiB", "TiB", "MiB", "KiB"}
WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    i18n.use("zh-CN")
    yield
    i18n.use("en")


def unspaced(line: str) -> str:
    """A line read back from the SVG as typed: `screen_text` leaves one filler space in
    the second cell of each wide character."""
    out: list[str] = []
    skip = False
    for char in line:
        if skip and char == " ":
            skip = False
            continue
        out.append(char)
        skip = cell_len(char) == 2
    return "".join(out)


def lines(app: VpsApp) -> list[str]:
    return [unspaced(line) for line in screen_text(app.export_screenshot())]


def english_words(line: str, allowed: set[str] = KEYS_AND_UNITS) -> set[str]:
    return set(WORD.findall(line)) - allowed


def heading_line(app: VpsApp) -> str:
    return next(line for line in lines(app) if "服务器" in line and "状态" in line)


# --- vpstui.format's words ------------------------------------------------------------------


def test_relative_times_and_lengths_in_chinese() -> None:
    ago = lambda **kw: relative_time(NOW - timedelta(**kw), NOW)  # noqa: E731
    ahead = lambda **kw: relative_time(NOW + timedelta(**kw), NOW)  # noqa: E731
    assert ago(seconds=20) == "刚刚"
    assert ago(minutes=5) == "5 分钟前"
    assert ago(hours=37) == "37 小时前"
    assert ago(days=4) == "4 天前"
    assert ago(days=100) == "3 个月前"
    assert ahead(days=6) == "6 天后"
    assert ahead(seconds=30) == "1 分钟内"
    assert duration(16) == "16 秒" and duration(37 * 3600) == "37 小时"
    i18n.use("en")
    assert ago(hours=37) == "37h ago" and ahead(days=6) == "in 6d" and ago(seconds=5) == "just now"


def backup(**fields: object) -> Backup:
    values: dict[str, object] = {
        "id": 2410,
        "server_id": 12345,
        "server_name": "web-server-01",
        "backup_type": "manual",
        "status": "completed",
        "size_mb": 4523.0,
        "created_at": NOW - timedelta(hours=13),
        "expires_at": None,
        "description": "Before the upgrade",
    }
    values.update(fields)
    return Backup(**values)  # type: ignore[arg-type]


def test_statuses_types_and_expiry_words() -> None:
    assert [status_text(s) for s in ("in_progress", "completed", "failed")] == [
        "进行中",
        "已完成",
        "失败",
    ]
    assert status_text("restoring") == "恢复中"  # undocumented, but known by its word
    assert status_text("rebuilding") == "rebuilding"  # a status the API invents: as it sent it
    assert status_text(None) == "未知"
    assert (type_text("manual"), type_text("automatic")) == ("手动", "自动")
    assert expires_text(backup(), NOW) == "永不"
    assert expires_text(backup(expires_at=NOW - timedelta(hours=1)), NOW) == "已过期"
    assert expires_text(backup(expires_at=NOW + timedelta(days=6)), NOW) == "6 天后"
    summary = backup_summary(backup())
    assert summary == (
        "web-server-01（id 12345）的备份 #2410：手动，已完成，4.4 GiB，创建于 2025-01-16 03:00 UTC"
    )


def test_status_words_stay_english_in_records_and_read_chinese_on_screen() -> None:
    """`status_word` is English as text (records built with f-strings) and translated as
    a Lazy message's parameter; `english()` of that message is English throughout."""
    word = status_word("completed")
    assert f"({word})" == "(completed)"
    message = i18n.L_("Backup {ref} is {status}.", ref="#1", status=word)
    assert i18n.english(message) == "Backup #1 is completed."
    assert "已完成" in str(message)


# --- layout with wide characters ------------------------------------------------------------


def test_columns_hold_the_longest_chinese_values_whole() -> None:
    """Created and Expires widen for "24 个月前" and "⚠ 47 小时后"; at any width the row
    fits and a shown column is at least its minimum."""
    shown = {c.key: c for c in columns()}
    assert shown["created"].min_width >= cell_len("24 个月前")
    assert shown["expires"].min_width >= cell_len("⚠ 47 小时后")
    for width in range(40, 200):
        widths = column_widths(width, 16)
        assert sum(w + 1 for w in widths if w > 0) <= width, width
        for column, w in zip(shown.values(), widths, strict=True):
            assert w == 0 or w >= column.min_width, (width, column.key, w)
    i18n.use("en")
    assert columns() is COLUMNS  # English keeps its widths


@pytest.mark.parametrize("size", [(120, 35), (80, 24)])
async def test_main_screen_reads_chinese(make_app: AppFactory, size: tuple[int, int]) -> None:
    """Header, scope line, table headings, cell words and footer in Chinese, no English
    word left in the header, the headings or the footer, and every age and expiry whole."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.clear_notifications()  # a toast would cover the rows' right half
        await pilot.pause()
        screen = lines(app)
        header, footer = screen[0], screen[-1]
        assert "演示" in header and "● 实时" in header and not english_words(header)
        assert any("全部服务器 · " in line and "个备份" in line for line in screen[1:3])
        headings = heading_line(app)
        for word in ("服务器", "类型", "状态", "大小", "创建时间", "过期时间"):
            assert word in headings, headings
        assert not english_words(headings), headings
        for word in ("新建", "删除", "恢复", "筛选", "帮助", "退出"):
            assert word in footer, footer
        assert not english_words(footer), footer
        keys = app.screen.query_one(KeysFooter).shown_keys()
        assert keys and all(not english_words(key.description) for key in keys)
        body = "\n".join(screen)
        assert "已完成" in body and "自动" in body and "小时前" in body
        table = app.screen.query_one(BackupTable)
        now = app.clock.now()
        rows = screen[screen.index(headings) + 1 : -1]
        assert len(rows) >= 10
        for line, backup_id in zip(rows, table.visible_ids, strict=False):
            row = table.backups[backup_id]
            assert relative_time(row.created_at, now) in line, line
            assert cell_len(line) <= size[0]


async def test_moving_and_sorting_in_chinese(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(BackupTable)
        first = table.cursor_backup
        await pilot.press("down")
        assert table.cursor_backup is not None and table.cursor_backup != first
        await pilot.press("o")  # the next column: Expires
        await pilot.pause()
        assert "过期时间 ▲" in heading_line(app) or "过期时间 ▼" in heading_line(app)
        toasts = [str(n.message) for n in app._notifications]
        assert "按过期时间排序" in toasts


async def test_filter_in_chinese(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        field = app.screen.query_one("#filter", Input)
        assert field.placeholder == "按编号、服务器或描述筛选…"
        await pilot.press(*"pre")
        await pilot.pause()
        scope = next(line for line in lines(app) if "筛选“pre”" in line)
        assert re.search(r"\d+/\d+ 个备份", scope), scope
        await pilot.press(*"zzz")
        await pilot.pause()
        assert any("没有备份匹配“prezzz”。按 Esc 清除筛选。" in line for line in lines(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not any("筛选“" in line for line in lines(app))


async def test_server_picker_in_chinese_at_80x24(make_app: AppFactory) -> None:
    """`s` opens the picker over the table: its search field, "no match", and picking a
    server by typing its name (the name itself is the API's, unchanged)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        search = app.screen.query_one("#server-search", Input)
        assert search.placeholder == "搜索服务器…"
        assert any("全部服务器" in line for line in lines(app))
        await pilot.press(*"xyz")
        await pilot.pause()
        assert any("没有服务器匹配“xyz”" in line for line in lines(app))
        footer = lines(app)[-1]
        assert "返回" in footer and not english_words(footer), footer
        search.value = ""
        await pilot.press(*"web-server-02", "enter")
        await settle(app, pilot)
        assert main_of(app).scope[0] is not None
        screen = lines(app)
        assert any(line.startswith(" web-server-02 · ") and "个备份" in line for line in screen)
        assert any("手动" in line and "/10" in line for line in screen)  # the insight line


async def test_help_screen_in_chinese(make_app: AppFactory) -> None:
    """Every section and description is Chinese; the keys stay as they are typed."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # The help's own lines, between its borders (the main screen shows around it).
        text = [line.split("█")[1] for line in lines(app) if line.count("█") >= 2]
        assert len(text) > 20
        for section in ("备份", "查看", "移动", "应用"):
            assert any(line.strip("█ ").startswith(section) for line in text), section
        assert any("按 esc 关闭本帮助。" in line for line in text)
        keys = {"pgup", "pgdn", "home", "end", "tab", "shift", "SSH", "enter", "esc", "ctrl"}
        for line in text:
            assert not english_words(line, KEYS_AND_UNITS | keys), line


async def test_command_palette_in_chinese(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)  # type: ignore[arg-type]
        field = app.screen.query_one(Input)
        assert field.placeholder == "搜索命令…"
        titles = [c.title for c in app.get_system_commands(main_of(app))]
        for title in (
            "帮助",
            "退出",
            "新建备份",
            "从备份恢复",
            "全部服务器",
            "服务器 web-server-01",
        ):
            assert title in titles, titles
        names = {word for server in main_of(app).servers for word in WORD.findall(server.name)}
        assert not [t for t in titles if english_words(t, names)], titles
        helps = [c.help for c in app.get_system_commands(main_of(app))]
        assert not [
            h for h in helps if english_words(h, names | KEYS_AND_UNITS | {"Delete", "Enter"})
        ]


async def test_english_is_unchanged(make_app: AppFactory) -> None:
    """`--lang en`: the same screen in today's English."""
    i18n.use("en")
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        screen = lines(app)
        assert "DEMO" in screen[0] and "● live" in screen[0]
        assert "Server" in heading_line_en(screen) and "Created ▼" in heading_line_en(screen)
        assert [heading(c) for c in COLUMNS][1:3] == ["Server", "Type"]


def heading_line_en(screen: list[str]) -> str:
    return next(line for line in screen if "Server" in line and "Status" in line)
