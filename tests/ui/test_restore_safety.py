"""The restore flow's guard rails: a safety backup first, an incident summary after, and
restores followed again after a dropped session."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Checkbox

from vpstui.clock import FakeClock
from vpstui.demo import DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs import RestoreDialog
from vpstui.ui.screens.main import MainScreen

from .test_main_screen import main_of, settle, wait_until
from .test_quit import HeldGets, demo_app

AppFactory = Callable[..., VpsApp]
MAIL = 13210
RESTORE = f"/api/v1/servers/{MAIL}/restore/"


def safety_posts(backend: DemoBackend) -> int:
    return backend.count("POST", "/api/v1/backups/")


async def step_through_the_restore(
    pilot: object, clock: FakeClock, backend: DemoBackend, following: Callable[[], bool]
) -> None:
    """Move the clock so the follow-up reads the server while it restores (the demo's
    restore takes 45 s), then past its end, until the follow-up has seen it settle.

    Each move waits for the follow-up's next read of the server (not a fixed pause: under
    load the follow-up may start its wait after the clock moved, and a jump could carry the
    clock past the restore before anyone looked)."""

    def reads() -> int:
        return backend.count("GET", f"/api/v1/servers/{MAIL}/")

    async def move(seconds: float) -> None:
        before = reads()
        clock.advance(seconds)
        for _ in range(100):
            if reads() > before or not following():
                return
            await pilot.pause(0.05)  # type: ignore[attr-defined]

    before = reads()
    for _ in range(8):  # a read while it restores: 8 x 3 s stays inside the 45 s
        await move(3)
        if reads() > before:
            break
    assert reads() > before, "the follow-up never read the server while it restored"
    await move(60)  # past the end
    for _ in range(10):  # then read until the status has settled and the follow-up ended
        if not following():
            return
        await move(3)
    raise AssertionError("the follow-up did not see the restore end")


async def open_restore(app: VpsApp, pilot: object) -> RestoreDialog:
    await settle(app, pilot)
    main = main_of(app)
    target = next(b for b in main.table.backups.values() if b.is_completed)
    main.table.move_cursor_to(target.id)
    await pilot.press("R")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert isinstance(app.screen, RestoreDialog)
    return app.screen


async def test_safety_backup_completes_before_the_restore_is_sent(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """Ticked by default: a manual backup is made and must complete before the one restore."""
    backend.state.restore_status = "restoring"  # so that the restore's end can be seen
    ops = tmp_path / "operations.json"
    app = make_app(server="mail-relay", poll_interval=0.05, ops_path=ops)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        assert dialog.query_one("#safety", Checkbox).value
        target = dialog.backup
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        safety = dialog.safety_backup
        assert safety is not None
        assert safety.description == f"Safety backup before restoring #{target.id}"
        await pilot.pause(0.2)
        assert backend.count("POST", RESTORE) == 0  # still waiting for the safety backup
        assert "in progress" in str(dialog.query_one("#safety-status").render())
        clock.advance(60)  # the demo finishes a manual backup after 20 s
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert backend.count("POST", RESTORE) == 1
        assert safety_posts(backend) == 1
        assert backend.state.backups[safety.id].status == "completed"
        pending = json.loads(ops.read_text())
        assert [op["kind"] for op in pending] == ["restore"]
        # the restore ends: bell, incident summary on I, the ledger is emptied
        await step_through_the_restore(
            pilot, clock, backend, lambda: bool(main_of(app).follower.restoring)
        )
        await wait_until(pilot, lambda: main_of(app).follower.last_incident is not None)
        await pilot.press("I")
        assert app.clipboard.startswith("Restore of mail-relay (server id 13210)")
        assert f"from backup #{target.id}" in app.clipboard
        assert f"safety backup taken first: #{safety.id}" in app.clipboard
        assert "run by " in app.clipboard and "@" in app.clipboard
        assert json.loads(ops.read_text()) == []


async def test_failed_safety_backup_means_no_restore(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock
) -> None:
    """If the safety backup fails, the restore is not sent and the dialog says so."""
    app = make_app(server="mail-relay", poll_interval=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        assert dialog.safety_backup is not None
        backend.state.backups[dialog.safety_backup.id].status = "failed"
        await wait_until(pilot, lambda: not dialog.in_flight)
        assert "the restore was not sent" in str(dialog.query_one("#dialog-error").render())
        assert backend.count("POST", RESTORE) == 0
        assert isinstance(app.screen, RestoreDialog)


async def test_escape_while_waiting_stops_without_restoring(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """Esc while the safety backup runs: no restore; the backup goes on; the dialog stays."""
    app = make_app(server="mail-relay", poll_interval=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: dialog.safety_backup is not None)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not dialog.in_flight)
        assert "You stopped waiting" in str(dialog.query_one("#dialog-error").render())
        assert backend.count("POST", RESTORE) == 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_full_quota_offers_no_safety_backup_and_deletes_nothing(
    make_app: AppFactory, backend: DemoBackend
) -> None:
    """db-primary is at 10 of 10: the option is off, says why, names the oldest."""
    app = make_app(server="db-primary")
    async with app.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(app, pilot)
        safety = dialog.query_one("#safety", Checkbox)
        assert not safety.value and safety.disabled
        status = str(dialog.query_one("#safety-status").render())
        assert "10 of 10" in status and "Oldest: #" in status
        before = len(backend.state.backups)
    assert len(backend.state.backups) == before
    assert backend.count("DELETE") == 0


async def test_a_restore_left_running_is_followed_in_the_next_session(
    make_app: AppFactory, backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """A dropped SSH session: the next vpstui picks the restore up and reports its end."""
    backend.state.restore_status = "restoring"
    ops = tmp_path / "operations.json"
    first = make_app(server="mail-relay", ops_path=ops)
    async with first.run_test(size=(120, 35)) as pilot:
        dialog = await open_restore(first, pilot)
        dialog.query_one("#safety", Checkbox).value = False
        await pilot.press(*"mail-relay", "enter")
        await wait_until(pilot, lambda: isinstance(first.screen, MainScreen))
    assert backend.state.servers[MAIL].status == "restoring"
    # Reads every 3 s, the step `step_through_the_restore` moves the clock by: with the
    # default 5 s, every other step waited 5 s (real) for a read that could not come.
    second = make_app(ops_path=ops, poll_interval=3)
    async with second.run_test(size=(120, 35)) as pilot:
        await settle(second, pilot)
        assert any("earlier session" in n.message for n in second._notifications)
        assert main_of(second).follower.restoring == {MAIL: "mail-relay"}
        await step_through_the_restore(
            pilot, clock, backend, lambda: bool(main_of(second).follower.restoring)
        )
        await wait_until(pilot, lambda: not main_of(second).follower.restoring)
        # The end is said by `notify`, which reaches `_notifications` as a message: wait.
        await wait_until(pilot, lambda: any("finished" in n.message for n in second._notifications))
    assert json.loads(ops.read_text()) == []


async def test_start_rechecks_what_an_earlier_session_left_unsettled(
    make_app: AppFactory, backend: DemoBackend, tmp_path: Path
) -> None:
    """An earlier vpstui was cut off after sending a delete (entry "sending"), and one entry
    is garbage: the app starts anyway, says the entry was skipped, re-reads the API, says
    the backup is gone, and settles the entry."""
    ops = tmp_path / "operations.json"
    victim = next(b for b in backend.state.list_backups(MAIL, "manual") if b.status == "completed")
    backend.state.delete_backup(victim.id)  # the API carried it out
    entry = {
        "kind": "delete", "host": "demo.invalid", "server_id": MAIL,
        "server_name": "mail-relay", "backup_id": victim.id,
        "started_at": "2025-01-16T15:59:00+00:00", "id": "cut-off", "state": "sending",
    }  # fmt: skip
    ops.write_text(json.dumps([dict(entry, id="junk", started_at="garbage"), entry]))
    app = make_app(ops_path=ops)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        await wait_until(
            pilot, lambda: any("cut off after sending" in n.message for n in app._notifications)
        )
        said = [f"{n.title}: {n.message}" for n in app._notifications]
        assert any("Operations ledger" in s and "garbage" in s for s in said)
        assert any(f"backup #{victim.id} is gone (deleted)" in s for s in said)
    assert [e["id"] for e in json.loads(ops.read_text())] == ["junk"]


async def test_enter_before_the_quota_is_known_is_answered_once_it_is(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> None:
    """Seen in tmux with a slow API: Enter before the quota check had answered said
    "Checking the manual backup quota… a moment." and that note stayed long after the
    quota line was filled in, as if the restore were still coming. Once the quota is
    known the note says Enter is needed; nothing is sent without it."""
    transport = HeldGets(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        main = main_of(app)
        target = next(b for b in main.table.backups.values() if b.is_completed)
        main.table.move_cursor_to(target.id)
        transport.hold = True
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog))
        dialog = app.screen
        assert isinstance(dialog, RestoreDialog)
        await pilot.press(*"web-server-01", "enter")
        await pilot.pause()
        assert "a moment" in str(dialog.query_one("#dialog-note").render())
        transport.hold = False
        transport.release.set()
        await wait_until(pilot, lambda: dialog._safety_possible is not None)
        await pilot.pause()
        assert "press Enter to restore" in str(dialog.query_one("#dialog-note").render())
        assert transport.posts == 0 and isinstance(app.screen, RestoreDialog)
        await pilot.press("escape")


async def test_enter_in_the_create_dialog_before_the_quota_is_known_is_answered_once_it_is(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> None:
    """The create dialog's form of the same: "Checking the server's manual backup quota…"
    stayed after the quota line was filled in. It then says Enter creates; only that
    second Enter sends."""
    from vpstui.ui.dialogs import CreateDialog

    transport = HeldGets(backend.transport())
    app = demo_app(transport, clock, tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(app, pilot)
        transport.hold = True
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CreateDialog))
        dialog = app.screen
        assert isinstance(dialog, CreateDialog)
        await pilot.press(*"x1", "enter")
        await pilot.pause()
        note = dialog.query_one("#dialog-note")
        assert "Checking" in str(note.render())
        transport.hold = False
        transport.release.set()
        await wait_until(pilot, lambda: "press Enter to create" in str(note.render()))
        assert transport.posts == 0 and app.screen is dialog
        await pilot.press("enter")
        await wait_until(pilot, lambda: transport.posts == 1)
