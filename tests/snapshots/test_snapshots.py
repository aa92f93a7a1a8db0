"""Visual regression tests: each screen of the README's screenshots, compared as SVG.

Every test renders one scene from `scenes.py` (demo data, fixed clock, fixed size, no
cursor blink) and compares Textual's SVG export with `__snapshots__/<name>.svg`.
After an intended change to what the screen shows:

    pytest tests/snapshots --snapshot-update   # rewrite the references
    python screenshots/make.py                 # and the README's images
"""

from __future__ import annotations

from pathlib import Path

from tests.snapshots.compare import SnapshotCheck, screen_text
from tests.snapshots.scenes import SCENES, scene, shoot


async def check(snapshot: SnapshotCheck, name: str) -> str:
    svg = await shoot(scene(name))
    snapshot(name, svg)
    return svg


class TestMainScreen:
    async def test_all_servers(self, snapshot: SnapshotCheck) -> None:
        """Opens on every server's backups: picker with sizes, table newest first, DEMO."""
        await check(snapshot, "main")

    async def test_one_server_with_a_backup_in_progress(self, snapshot: SnapshotCheck) -> None:
        """Picking web-server-02 shows only its backups; the cursor is on the running one."""
        await check(snapshot, "in-progress")

    async def test_small_terminal(self, snapshot: SnapshotCheck) -> None:
        """At 80x24 the picker is hidden and the description column gives way first."""
        await check(snapshot, "main-80x24")

    async def test_all_servers_in_chinese(self, snapshot: SnapshotCheck) -> None:
        """zh-CN at 120x35: header, scope and insight lines, table headings and cell words
        and the footer read Chinese; ids, server names, sizes and the API's descriptions
        stay as they are."""
        svg = await check(snapshot, "main-zh-CN")
        text = "\n".join(screen_text(svg)).replace(" ", "")  # the SVG spaces wide characters
        for shown in ("演示模拟后端●实时", "全部服务器·121个备份", "创建时间▼", "✓已完成", "n新建"):
            assert shown in text, text
        assert "web-server-01" in text and "GiB" in text

    async def test_small_terminal_in_chinese(self, snapshot: SnapshotCheck) -> None:
        """zh-CN at 80x24: every column that fits shows its values whole, the footer's
        keys fit, and the insight panel is one line."""
        svg = await check(snapshot, "main-zh-CN-80x24")
        lines = screen_text(svg)
        text = "\n".join(lines).replace(" ", "")
        for shown in ("ID服务器类型状态大小创建时间▼过期时间", "?帮助q退出", "^p命令面板"):
            assert shown in text, text


class TestDialogs:
    async def test_create(self, snapshot: SnapshotCheck) -> None:
        """`n` on web-server-01: the server, the typed description, its counter, the quota."""
        await check(snapshot, "create")

    async def test_delete(self, snapshot: SnapshotCheck) -> None:
        """`Delete` on a manual backup: every fact, the warning, and Cancel with focus."""
        await check(snapshot, "delete")

    async def test_restore_half_typed(self, snapshot: SnapshotCheck) -> None:
        """`R` with half the server's name typed: the Restore button is still disabled."""
        await check(snapshot, "restore")

    async def test_restore_in_a_60x18_terminal(self, snapshot: SnapshotCheck) -> None:
        """At 60x18 the restore dialog shows what is restored, the [x] safety option, the
        name field and the buttons together."""
        svg = await check(snapshot, "restore-60x18")
        text = "\n".join(screen_text(svg))
        for shown in ("Restore web-server-01", "[x] Take a safety backup", "web-se", "Restore"):
            assert shown in text, text

    async def test_restore_in_chinese(self, snapshot: SnapshotCheck) -> None:
        """zh-CN at 120x35: the restore dialog's title, headline, safety option, its status
        line, the name prompt, the warning and the buttons read Chinese; the typed name
        (the server's real name) and the id, date and size stay as they are."""
        svg = await check(snapshot, "restore-zh-CN")
        text = "\n".join(screen_text(svg)).replace(" ", "")  # the SVG spaces wide characters
        for shown in ("恢复备份", "恢复web-server-01（ID12345）", "先做安全备份（推荐）", "web-se"):
            assert shown in text, text
        assert "取消" in text and "服务器当前的磁盘将被覆盖。" in text

    async def test_restore_in_chinese_80x24(self, snapshot: SnapshotCheck) -> None:
        """zh-CN at 80x24: the same dialog fits, nothing cut mid-character."""
        svg = await check(snapshot, "restore-zh-CN-80x24")
        text = "\n".join(screen_text(svg)).replace(" ", "")
        for shown in ("恢复备份", "先做安全备份（推荐）", "输入服务器名称以确认：", "web-se"):
            assert shown in text, text


class TestHelp:
    async def test_help_screen(self, snapshot: SnapshotCheck) -> None:
        """`?` lists every key, grouped by what it is for."""
        await check(snapshot, "help")


class TestFailures:
    async def test_stale_data(self, snapshot: SnapshotCheck) -> None:
        """A 502 on refresh keeps the rows, marks them stale and says when it retries."""
        svg = await check(snapshot, "stale")
        assert any("⚠ stale" in line for line in screen_text(svg))

    async def test_first_run_without_a_token(self, snapshot: SnapshotCheck) -> None:
        """With no token the app explains where one can come from, best first."""
        await check(snapshot, "first-run")


class TestDeterminism:
    async def test_two_runs_give_identical_svgs(self) -> None:
        """The same scene twice gives the same bytes (nothing depends on time or chance)."""
        first = scene("in-progress")
        assert await shoot(first) == await shoot(first)

    def test_every_scene_has_a_test(self) -> None:
        """Each scene in `scenes.py` is checked by a test above (and so has a reference)."""
        source = Path(__file__).read_text(encoding="utf-8")
        missing = [s.name for s in SCENES if f'"{s.name}"' not in source]
        assert not missing, f"scenes without a snapshot test: {missing}"
