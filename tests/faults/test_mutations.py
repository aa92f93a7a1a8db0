"""Create, delete and restore under faults: each request reaches the backend exactly once,
even when its answer is lost or the user presses Enter twice; after a lost answer the
dialog re-reads the API and says what actually happened; the audit log records it all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox

from tests.faults.driver import SIZE, assert_healthy, flat, main_of, notes, settle
from vpstui.audit import read_entries
from vpstui.demo import DemoBackend
from vpstui.demo.faults import FaultyBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import CreateDialog, DeleteDialog, RestoreDialog

AppFactory = Callable[..., VpsApp]
WEB01 = 12345
BACKUPS = "/api/v1/backups/"
RESTORE = f"/api/v1/servers/{WEB01}/restore/"


def outcomes(path: Path) -> list[tuple[str, str]]:
    return [(entry["action"], entry["outcome"]) for entry in read_entries(path)]


async def open_create(app: VpsApp, pilot: Pilot[Any], description: str) -> CreateDialog:
    await pilot.press("n")
    await settle(app, pilot)
    dialog = app.screen
    assert isinstance(dialog, CreateDialog)
    await pilot.press(*description)
    return dialog


def completed_backup(backend: DemoBackend) -> int:
    """A completed backup of web-server-01 (the newest)."""
    done = [
        b.id
        for b in backend.state.backups.values()
        if b.server_id == WEB01 and b.status == "completed"
    ]
    return max(done)


async def select(app: VpsApp, pilot: Pilot[Any], backup_id: int) -> None:
    assert main_of(app).table.move_cursor_to(backup_id)
    await pilot.pause()


# --- create ----------------------------------------------------------------------------------


async def test_create_timeout_sent_once_then_rechecked(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """The create is applied but its answer never comes (client timeout): one POST, and the
    dialog re-reads the list and says the backup was created after all, with its id."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = set(backend.state.backups)
        await open_create(app, pilot, "pre-deploy")
        faulty.faults.set("slow", method="POST", times=1)
        await pilot.press("enter")
        await pilot.press("enter")  # impatient
        await settle(app, pilot)
        assert faulty.count("POST", BACKUPS) == 1
        (new_id,) = set(backend.state.backups) - before
        text = flat(app)
        assert "timed out" in text
        assert f"created after all — #{new_id}" in text
        await pilot.press("escape")  # Close
        await settle(app, pilot)
        assert main_of(app).table.cursor_backup is not None
        assert main_of(app).table.cursor_backup.id == new_id  # type: ignore[union-attr]
        assert_healthy(app)
    assert outcomes(audit_path) == [
        ("create", "attempted"),
        ("create", "unknown"),
        ("create", "verified_done"),
    ]
    assert read_entries(audit_path)[-1]["backup_id"] == new_id


async def test_create_502_sent_once_rechecked_not_created(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """A gateway 502 on the POST is ambiguous: re-reading shows nothing was created, and the
    dialog says so (and leaves only Close: a new try is a new, deliberate dialog)."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        count = len(backend.state.backups)
        dialog = await open_create(app, pilot, "x")
        faulty.faults.set("http_502", method="POST", times=1)
        await pilot.press("enter")
        await settle(app, pilot)
        assert faulty.count("POST", BACKUPS) == 1
        assert len(backend.state.backups) == count
        assert "no backup was created" in flat(app)
        assert dialog.close_only
        assert_healthy(app)
    assert outcomes(audit_path)[-1] == ("create", "verified_not_done")


async def test_create_reset_mid_answer_sent_once_rechecked(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """The connection drops mid-answer after the backend created the backup: one POST, and
    the re-read finds it."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_create(app, pilot, "reset")
        faulty.faults.set("reset", method="POST", times=1)
        await pilot.press("enter")
        await settle(app, pilot)
        assert faulty.count("POST", BACKUPS) == 1
        assert backend.count("POST", BACKUPS) == 1
        assert "was reset" in flat(app) and "created after all" in flat(app)


async def test_create_refused_is_not_sent_and_can_be_retried(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """Connection refused: the request never left, so the outcome is known (nothing
    happened) and Create is offered again; the second try goes through."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dialog = await open_create(app, pilot, "retry me")
        faulty.faults.set("refused", times=1, method="POST")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "refused" in flat(app)
        assert not dialog.close_only
        assert backend.count("POST", BACKUPS) == 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert backend.count("POST", BACKUPS) == 1
        assert any("started" in note for note in notes(app))
    assert outcomes(audit_path) == [
        ("create", "attempted"),
        ("create", "failed"),
        ("create", "attempted"),
        ("create", "succeeded"),
    ]


async def test_create_enter_twice_sends_once(make_app: AppFactory, faulty: FaultyBackend) -> None:
    """Enter pressed twice while the create is in flight sends one POST."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_create(app, pilot, "twice")
        faulty.faults.set("latency", method="POST", seconds=0.2)
        await pilot.press("enter", "enter", "enter")
        await settle(app, pilot)
        assert faulty.count("POST", BACKUPS) == 1
        assert not isinstance(app.screen, CreateDialog)


# --- delete ----------------------------------------------------------------------------------


async def test_delete_timeout_sent_once_then_rechecked(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """The delete is applied but the answer is lost: one DELETE, and the dialog says the
    backup is gone after re-reading."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        target = completed_backup(backend)
        await select(app, pilot, target)
        await pilot.press("delete")
        await settle(app, pilot)
        assert isinstance(app.screen, DeleteDialog)
        faulty.faults.set("slow", method="DELETE", times=1)
        await pilot.press("y", "y")
        await settle(app, pilot)
        assert faulty.count("DELETE") == 1
        assert target not in backend.state.backups
        assert f"backup #{target} is gone" in flat(app)
        assert_healthy(app)
    assert outcomes(audit_path)[-3:] == [
        ("delete", "attempted"),
        ("delete", "unknown"),
        ("delete", "verified_done"),
    ]


async def test_delete_enter_twice_sends_once(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """`y` pressed repeatedly while the delete is in flight sends one DELETE."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        target = completed_backup(backend)
        await select(app, pilot, target)
        await pilot.press("delete")
        await settle(app, pilot)
        faulty.faults.set("latency", method="DELETE", seconds=0.2)
        await pilot.press("y", "y", "y")
        await settle(app, pilot)
        assert faulty.count("DELETE") == 1
        assert target not in main_of(app).table.backups


async def test_backup_deleted_by_someone_else_while_dialog_open(
    make_app: AppFactory, backend: DemoBackend, audit_path: Path
) -> None:
    """Someone deletes the backup while our delete dialog is open: the API says 404, the
    app says it was already deleted and drops the row."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        target = completed_backup(backend)
        await select(app, pilot, target)
        await pilot.press("delete")
        await settle(app, pilot)
        backend.state.delete_backup(target)  # the other person
        await pilot.press("y")
        await settle(app, pilot)
        assert any("already deleted" in note for note in notes(app))
        assert target not in main_of(app).table.backups
        assert_healthy(app)
    assert outcomes(audit_path)[-1] == ("delete", "gone")


async def test_restore_of_backup_deleted_meanwhile_says_not_found(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """Restoring a backup someone else just deleted: the 404 is shown in the dialog."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        target = completed_backup(backend)
        await select(app, pilot, target)
        await pilot.press("R")
        await settle(app, pilot)
        without_safety_backup(app)
        backend.state.delete_backup(target)
        await pilot.press(*"web-server-01", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RestoreDialog)
        assert "404" in flat(app)
        assert_healthy(app)


def without_safety_backup(app: VpsApp) -> None:
    """These tests are about the restore request itself: untick the safety backup."""
    app.screen.query_one("#safety", Checkbox).value = False


# --- restore ---------------------------------------------------------------------------------


async def test_restore_timeout_sent_once_then_rechecked(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """The restore's answer is lost against the documented API (no restore status): one
    POST; the server reads as before, so the dialog says the outcome cannot be read and
    claims nothing; the audit log keeps it unknown."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, completed_backup(backend))
        await pilot.press("R")
        await settle(app, pilot)
        without_safety_backup(app)
        faulty.faults.set("slow", path=RESTORE, times=1)
        await pilot.press(*"web-server-01", "enter", "enter")
        await settle(app, pilot)
        assert faulty.count("POST", RESTORE) == 1
        said = flat(app)
        assert "is active, as before" in said, said
        assert "so the restore started" not in said
        assert_healthy(app)
    assert outcomes(audit_path)[-2:] == [("restore", "attempted"), ("restore", "unknown")]


async def test_restore_timeout_rechecked_on_a_status_change(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend, audit_path: Path
) -> None:
    """With a backend that shows a status while restoring (a demo option), the re-check
    sees the change from the status before and records the restore as started."""
    backend.state.restore_status = "restoring"
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, completed_backup(backend))
        await pilot.press("R")
        await settle(app, pilot)
        without_safety_backup(app)
        faulty.faults.set("slow", path=RESTORE, times=1)
        await pilot.press(*"web-server-01", "enter", "enter")
        await settle(app, pilot)
        assert faulty.count("POST", RESTORE) == 1
        assert "went from active to restoring after the request" in flat(app)
    assert outcomes(audit_path)[-1] == ("restore", "verified_done")


async def test_restore_enter_twice_sends_once(
    make_app: AppFactory, faulty: FaultyBackend, backend: DemoBackend
) -> None:
    """Enter pressed twice in the name field while the restore is in flight: one POST."""
    app = make_app(server=str(WEB01))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, completed_backup(backend))
        await pilot.press("R")
        await settle(app, pilot)
        without_safety_backup(app)
        faulty.faults.set("latency", path=RESTORE, seconds=0.2)
        await pilot.press(*"web-server-01", "enter", "enter", "enter")
        await settle(app, pilot)
        assert faulty.count("POST", RESTORE) == 1
        assert any("Restore of web-server-01 accepted" in note for note in notes(app))
