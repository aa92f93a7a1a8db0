"""The backup dialogs, driven with Pilot against the in-process demo backend (or respx).

Each dialog is pushed onto a tiny host app that records what it was dismissed with.
Time is a `FakeClock`; nothing sleeps: tests wait on the app (`pilot.pause()`,
`app.workers.wait_for_complete()`) or on a gate they open themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import msgspec
import pytest
import respx
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from vpstui.api import Backup, CreateResult, RestoreResult, Server, VpsClient
from vpstui.clock import FakeClock
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.format import relative_time
from vpstui.ui.dialogs import (
    CreateDialog,
    DeleteDialog,
    DetailsDialog,
    RestoreDialog,
)
from vpstui.ui.widgets.footer import KeysFooter, ShownKey

WEB01 = 12345  # web-server-01: 3 manual backups in the seeded account
WEB02 = 12346  # web-server-02: a manual backup in progress
DB_PRIMARY = 12391  # db-primary: 10 of 10 manual backups
STAGING = 13007  # staging-app: stopped

API = "https://admin.vps.org"
SMALL = (80, 24)
LARGE = (120, 35)


# --- fixtures and helpers --------------------------------------------------------------------


class GatedTransport(httpx.AsyncBaseTransport):
    """Passes requests to `inner`, but holds POST/DELETE until `gate` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.gate = asyncio.Event()
        self.gate.set()
        #: Set to hold GETs too, until `release_gets()`.
        self.hold_gets = False
        self._gets = asyncio.Event()

    def release_gets(self) -> None:
        self._gets.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in ("POST", "DELETE"):
            await self.gate.wait()
        elif self.hold_gets:
            await self._gets.wait()
        return await self.inner.handle_async_request(request)


class DialogHost(App[None]):
    """Pushes one dialog on mount and records every value it is dismissed with."""

    def __init__(self, make_dialog: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make_dialog = make_dialog
        self.answers: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_dialog(), self.answers.append)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 16, 16, 0, tzinfo=UTC))


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(clock=clock)


@pytest.fixture
def gated(backend: DemoBackend) -> GatedTransport:
    return GatedTransport(backend.transport())


@pytest.fixture
async def client(gated: GatedTransport) -> AsyncIterator[VpsClient]:
    async with VpsClient(token="t", base_url=DEMO_BASE_URL, transport=gated) as api:
        yield api


@pytest.fixture
def router() -> respx.MockRouter:
    return respx.MockRouter(base_url=API, assert_all_called=False, assert_all_mocked=True)


@pytest.fixture
async def mocked(router: respx.MockRouter) -> AsyncIterator[VpsClient]:
    """A client whose answers come from `router` (for error cases)."""
    transport = httpx.MockTransport(router.async_handler)
    async with VpsClient(token="t", base_url=API, transport=transport) as api:
        yield api


@pytest.fixture
async def servers(client: VpsClient) -> list[Server]:
    return list(await client.list_servers())


async def backups_of(client: VpsClient, server_id: int, kind: str | None = None) -> list[Backup]:
    return sorted(await client.list_backups(server_id=server_id, backup_type=kind), key=_id)


def _id(backup: Backup) -> int:
    return backup.id


def server_named(servers: list[Server], server_id: int) -> Server:
    return next(s for s in servers if s.id == server_id)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, line by line, as a terminal would show it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def flat(app: App[Any]) -> str:
    """The screen text with line breaks and box borders folded away (for wrapped text)."""
    lines = []
    for line in screen_text(app).splitlines():
        lines.append(line.replace("│", " ").replace("▌", " ").strip())
    return " ".join(" ".join(lines).split())


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def buttons_visible(app: App[Any]) -> None:
    """Every displayed button of the dialog lies inside the screen."""
    screen_region = app.screen.region
    shown = [b for b in app.screen.query(Button) if b.display]
    assert shown, "the dialog has no buttons"
    for button in shown:
        region = button.region
        assert region.area > 0, f"{button} is not on screen"
        assert screen_region.contains_region(region), f"{button} at {region} is off screen"


def error_text(app: App[Any]) -> str:
    error = app.screen.query_one("#dialog-error", Static)
    return str(error.render()) if error.display else ""


def note_text(app: App[Any]) -> str:
    note = app.screen.query_one("#dialog-note", Static)
    return str(note.render()) if note.display else ""


def button(app: App[Any], button_id: str) -> Button:
    return app.screen.query_one(f"#{button_id}", Button)


# --- shared behaviour --------------------------------------------------------------------


async def test_dialogs_word_ages_as_the_table_does() -> None:
    """Restore's headline and the details use the table's one wording for ages."""
    now = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
    assert relative_time(now - timedelta(days=3, hours=1), now) == "3d ago"
    assert relative_time(now - timedelta(hours=1), now) == "1h ago"
    assert relative_time(now - timedelta(seconds=10), now) == "just now"
    assert relative_time(now + timedelta(days=2), now) == "in 48h"
    assert relative_time(None, now) == "—"


@pytest.mark.parametrize("kind", ["create", "delete", "restore", "details"])
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_escape_cancels_and_buttons_fit(
    kind: str,
    size: tuple[int, int],
    client: VpsClient,
    servers: list[Server],
    clock: FakeClock,
    backend: DemoBackend,
) -> None:
    """Every dialog fits with its buttons visible, and Esc closes it with None, sending nothing."""
    backup = (await backups_of(client, WEB01, "manual"))[0]
    # A long description must not push the buttons off screen.
    backup = msgspec.structs.replace(backup, description="very long text " * 60)
    server = server_named(servers, WEB01)
    makers: dict[str, Callable[[], Screen[Any]]] = {
        "create": lambda: CreateDialog(client, servers, None, clock),
        "delete": lambda: DeleteDialog(client, backup, clock),
        "restore": lambda: RestoreDialog(client, backup, server, clock, safety_first=False),
        "details": lambda: DetailsDialog(client, backup, server, clock),
    }
    app = DialogHost(makers[kind])
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        buttons_visible(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.answers == [None]
    assert backend.count("POST") == 0
    assert backend.count("DELETE") == 0


# --- CreateDialog --------------------------------------------------------------------------


async def test_create_happy_path(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """Typing a description and pressing Enter creates one backup and answers its result."""
    app = DialogHost(lambda: CreateDialog(client, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "web-server-01 (id 12345)" in screen_text(app)
        assert "Manual backups: 3 of 10" in screen_text(app)
        assert isinstance(app.screen.focused, Input)
        await pilot.press(*"Before deploy")
        assert "13/255" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
    assert backend.count("POST", "/api/v1/backups/") == 1
    [result] = app.answers
    assert isinstance(result, CreateResult)
    assert result.backup.server_id == WEB01
    assert result.backup.description == "Before deploy"
    assert result.message


async def test_create_blank_description_is_omitted(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    """Whitespace only counts as no description."""
    app = DialogHost(lambda: CreateDialog(client, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "space")
        await pilot.click("#confirm")
        await settle(app, pilot)
    [result] = app.answers
    assert isinstance(result, CreateResult)
    assert not result.backup.description


async def test_create_counts_in_progress_backups(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    """A manual backup still being made counts toward the quota, and says so."""
    app = DialogHost(lambda: CreateDialog(client, servers, WEB02, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "Manual backups: 2 of 10 (1 in progress)" in screen_text(app)


async def test_create_choose_server_then_quota(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """Without a fixed server the Select has focus and Create waits for a choice."""
    app = DialogHost(lambda: CreateDialog(client, servers, None, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert app.screen.focused is app.screen.query_one("#server-choice")
        assert button(app, "confirm").disabled
        await pilot.press("enter", "down", "enter")  # open, move to the first server, choose
        await settle(app, pilot)
        assert "Manual backups: 3 of 10" in screen_text(app)
        assert not button(app, "confirm").disabled
    assert backend.count("POST") == 0


async def test_create_at_limit_disables_and_sends_nothing(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """10 of 10 manual backups: explained, oldest named, Create disabled, Enter sends nothing."""
    oldest = (await backups_of(client, DB_PRIMARY, "manual"))[0]
    app = DialogHost(lambda: CreateDialog(client, servers, DB_PRIMARY, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        text = flat(app)
        assert "This server has 10 of 10 manual backups — the API's limit." in text
        assert f"oldest: #{oldest.id} from" in text
        assert button(app, "confirm").disabled
        await pilot.press(*"one more", "enter")
        await settle(app, pilot)
        buttons_visible(app)
        assert app.answers == []
    assert backend.count("POST") == 0


async def test_create_long_description_blocked(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """Over 255 characters: said plainly, Create disabled, nothing cut or sent."""
    app = DialogHost(lambda: CreateDialog(client, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        description = app.screen.query_one("#description", Input)
        description.value = "x" * 256
        await pilot.pause()
        assert "Descriptions can be at most 255 characters (API limit)" in flat(app)
        assert "256/255" in flat(app)
        assert button(app, "confirm").disabled
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.answers == []
        assert description.value == "x" * 256
        await pilot.press("backspace")
        await pilot.pause()
        assert not button(app, "confirm").disabled
    assert backend.count("POST") == 0


async def test_create_waits_for_the_quota_before_sending(
    client: VpsClient,
    servers: list[Server],
    clock: FakeClock,
    backend: DemoBackend,
    gated: GatedTransport,
) -> None:
    """Enter while the quota is still being read sends nothing: at 10 of 10 it must explain."""
    gated.hold_gets = True
    app = DialogHost(lambda: CreateDialog(client, servers, DB_PRIMARY, clock))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press(*"quick", "enter")
        await pilot.pause()
        assert button(app, "confirm").disabled
        assert "Checking the server's manual backup quota" in flat(app)
        gated.release_gets()
        await settle(app, pilot)
        assert "10 of 10" in flat(app)
        await pilot.press("enter")
        await settle(app, pilot)
    assert backend.count("POST") == 0


async def test_create_double_enter_and_click_send_once(
    client: VpsClient,
    servers: list[Server],
    clock: FakeClock,
    backend: DemoBackend,
    gated: GatedTransport,
) -> None:
    """While the POST is in flight: controls disabled, Enter/click/Esc do nothing more."""
    app = DialogHost(lambda: CreateDialog(client, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        gated.gate.clear()
        await pilot.press(*"once", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CreateDialog)
        assert dialog.in_flight
        assert button(app, "confirm").disabled
        assert app.screen.query_one("#description", Input).disabled
        dialog.action_confirm()  # as a second Enter would
        await pilot.press("enter")
        await pilot.click("#confirm")
        await pilot.press("escape")
        await pilot.pause()
        assert "Request in flight" in note_text(app)
        assert app.answers == []
        gated.gate.set()
        await settle(app, pilot)
    assert backend.count("POST", "/api/v1/backups/") == 1
    assert len(app.answers) == 1
    assert isinstance(app.answers[0], CreateResult)


async def test_create_error_keeps_description(
    mocked: VpsClient, router: respx.MockRouter, servers: list[Server], clock: FakeClock
) -> None:
    """A 400 shows the API's message; the description stays, and trying again works."""
    router.get("/api/v1/backups/").respond(200, json={"count": 0, "results": []})
    post = router.post("/api/v1/backups/")
    post.side_effect = [
        httpx.Response(400, json={"description": ["Ensure this field is valid [bold]x[/]."]}),
        httpx.Response(
            201,
            json={
                "id": 9,
                "server": {"id": WEB01, "name": "web-server-01"},
                "backup_type": "manual",
                "status": "in_progress",
                "description": "keep me",
                "message": "Backup is being created.",
            },
        ),
    ]
    app = DialogHost(lambda: CreateDialog(mocked, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press(*"keep me", "enter")
        await settle(app, pilot)
        assert "Ensure this field is valid [bold]x[/]." in error_text(app)
        assert app.screen.query_one("#description", Input).value == "keep me"
        assert not button(app, "confirm").disabled
        assert app.answers == []
        buttons_visible(app)
        await pilot.press("enter")
        await settle(app, pilot)
    assert post.call_count == 2
    assert isinstance(app.answers[0], CreateResult)


async def test_create_timeout_leaves_only_close(
    mocked: VpsClient, router: respx.MockRouter, servers: list[Server], clock: FakeClock
) -> None:
    """A POST that timed out may have worked: say so and offer only Close."""
    router.get("/api/v1/backups/").respond(200, json={"count": 0, "results": []})
    post = router.post("/api/v1/backups/").mock(side_effect=httpx.ReadTimeout("slow"))
    app = DialogHost(lambda: CreateDialog(mocked, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "may or may not have been created" in flat(app)
        assert not button(app, "confirm").display
        assert str(button(app, "cancel").label) == "Close"
        await pilot.press("enter")  # nothing more can be sent from here
        await settle(app, pilot)
    assert post.call_count == 1
    assert app.answers == [None]


async def test_create_lost_answer_says_it_is_checking_while_it_rereads(
    mocked: VpsClient, router: respx.MockRouter, servers: list[Server], clock: FakeClock
) -> None:
    """While the list is re-read after a lost answer, the note says so (not "Sending…")."""
    reads: list[int] = []
    release = asyncio.Event()

    async def listing(request: httpx.Request) -> httpx.Response:
        reads.append(1)
        if len(reads) >= 3:  # the quota, the list before sending, then the re-check
            await release.wait()
        return httpx.Response(200, json={"count": 0, "results": []})

    router.get("/api/v1/backups/").mock(side_effect=listing)
    router.post("/api/v1/backups/").mock(side_effect=httpx.ReadTimeout("slow"))
    app = DialogHost(lambda: CreateDialog(mocked, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if "checking what actually happened" in note_text(app):
                break
        assert "checking what actually happened" in note_text(app)
        release.set()
        await settle(app, pilot)
        assert "no backup was created" in flat(app)
        assert note_text(app) == ""


async def test_create_quota_failure_still_allows_create(
    mocked: VpsClient, router: respx.MockRouter, servers: list[Server], clock: FakeClock
) -> None:
    """If the quota cannot be read, say so, and leave the decision to the API."""
    router.get("/api/v1/backups/").respond(403, json={"detail": "Nope."})
    app = DialogHost(lambda: CreateDialog(mocked, servers, WEB01, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "Could not check the manual backup quota" in flat(app)
        assert not button(app, "confirm").disabled


# --- DeleteDialog --------------------------------------------------------------------------


async def test_delete_cancel_has_focus_and_enter_cancels(
    client: VpsClient, clock: FakeClock, backend: DemoBackend
) -> None:
    """Enter straight away cancels: the safe choice is the default."""
    backup = (await backups_of(client, WEB01, "manual"))[0]
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert app.screen.focused is button(app, "cancel")
        text = flat(app)
        assert "Deleting a backup is permanent and cannot be undone." in text
        assert "frees one of the server's 10 manual backup slots" in text
        assert f"#{backup.id}" in text
        assert "web-server-01 (id 12345)" in text
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.answers == [None]
    assert backend.count("DELETE") == 0


async def test_delete_n_cancels(client: VpsClient, clock: FakeClock, backend: DemoBackend) -> None:
    backup = (await backups_of(client, WEB01, "manual"))[0]
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
    assert app.answers == [None]
    assert backend.count("DELETE") == 0


async def test_delete_y_deletes_once(
    client: VpsClient, clock: FakeClock, backend: DemoBackend, gated: GatedTransport
) -> None:
    """`y` deletes; pressing it again (or the button) while in flight sends nothing more."""
    backup = (await backups_of(client, WEB01, "automatic"))[0]
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "manual backup slots" not in flat(app)
        assert footer_key(app, "confirm").enabled
        gated.gate.clear()
        await pilot.press("y")
        await pilot.pause()
        assert button(app, "confirm").disabled
        assert button(app, "cancel").disabled
        assert not footer_key(app, "confirm").enabled, "the footer dims y while in flight"
        await pilot.press("y")
        await pilot.click("#confirm")
        await pilot.press("n")  # cancel is refused while in flight
        await pilot.pause()
        assert "Request in flight" in note_text(app)
        gated.gate.set()
        await settle(app, pilot)
    assert app.answers == ["deleted"]
    assert backend.count("DELETE", f"/api/v1/backups/{backup.id}/") == 1
    assert backup.id not in {b.id for b in await backups_of(client, WEB01)}


async def test_delete_button_deletes(
    client: VpsClient, clock: FakeClock, backend: DemoBackend
) -> None:
    backup = (await backups_of(client, WEB01, "manual"))[0]
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.click("#confirm")
        await settle(app, pilot)
    assert app.answers == ["deleted"]
    assert backend.count("DELETE") == 1


async def test_delete_404_answers_gone(
    client: VpsClient, clock: FakeClock, backend: DemoBackend
) -> None:
    """Someone else deleted it first: the dialog answers "gone" for the caller to report."""
    backup = (await backups_of(client, WEB01, "manual"))[0]
    backend.state.remove_backup(backup.id)
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    assert app.answers == ["gone"]
    assert backend.count("DELETE") == 1


async def test_delete_error_is_shown_and_retry_possible(
    mocked: VpsClient, router: respx.MockRouter, clock: FakeClock
) -> None:
    """A refusal (400) is shown in the dialog, without a traceback; the controls come back."""
    route = router.delete("/api/v1/backups/7/").respond(
        400, json={"detail": "Cannot delete a backup that is still in progress."}
    )
    backup = Backup(7, WEB01, "web-server-01", "manual", "completed", 10.0, None, None, None)
    app = DialogHost(lambda: DeleteDialog(mocked, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "Cannot delete a backup that is still in progress" in error_text(app)
        assert "Traceback" not in screen_text(app)
        assert not button(app, "confirm").disabled
        assert app.answers == []
    assert route.call_count == 1


@pytest.mark.parametrize(("listed", "said"), [([], "is gone (deleted)"), ([7], "still exists")])
async def test_delete_500_is_rechecked_not_called_failed(
    mocked: VpsClient,
    router: respx.MockRouter,
    clock: FakeClock,
    listed: list[int],
    said: str,
) -> None:
    """A 500 on a DELETE may hide a deletion the API carried out (issue 12): the backup list
    is re-read and the dialog says what it shows; only Close is left."""
    route = router.delete("/api/v1/backups/7/").respond(500, text="<title>Oops</title>")
    item = {"id": 7, "server": {"id": WEB01, "name": "web-server-01"}, "status": "completed"}
    router.get("/api/v1/backups/").respond(
        200, json={"count": len(listed), "results": [item for _ in listed]}
    )
    backup = Backup(7, WEB01, "web-server-01", "manual", "completed", 10.0, None, None, None)
    app = DialogHost(lambda: DeleteDialog(mocked, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert "the API had an error (500)" in error_text(app)
        assert said in error_text(app)
        assert not button(app, "confirm").display
        await pilot.press("escape")
        await settle(app, pilot)
    assert route.call_count == 1
    assert app.answers == (["deleted"] if not listed else [None])


async def test_delete_in_progress_offers_close_only(
    client: VpsClient, clock: FakeClock, backend: DemoBackend
) -> None:
    """A backup still being made cannot be deleted: explained, Close only, `y` sends nothing."""
    backup = next(b for b in await backups_of(client, WEB02) if b.in_progress)
    app = DialogHost(lambda: DeleteDialog(client, backup, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "still in progress and cannot be deleted yet" in flat(app)
        assert not app.screen.query("#confirm")
        assert str(button(app, "cancel").label) == "Close"
        shown = app.screen.query_one(KeysFooter).shown_keys()
        assert [key.action for key in shown] == ["cancel"], "no y Delete in the footer"
        assert shown[0].description == "Close"  # as the button says (it said "Cancel")
        buttons_visible(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.answers == []
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.answers == [None]
    assert backend.count("DELETE") == 0


def footer_key(app: App[Any], action: str) -> ShownKey:
    """The dialog's footer key for `action`."""
    shown = app.screen.query_one(KeysFooter).shown_keys()
    return next(key for key in shown if key.action == action)


# --- RestoreDialog -------------------------------------------------------------------------


async def _restore_app(
    client: VpsClient, servers: list[Server], clock: FakeClock, server_id: int = WEB01
) -> tuple[DialogHost, Backup]:
    backup = next(b for b in await backups_of(client, server_id, "automatic") if b.is_completed)
    server = server_named(servers, server_id)
    return DialogHost(
        lambda: RestoreDialog(client, backup, server, clock, safety_first=False)
    ), backup


async def test_a_closed_restore_dialog_still_says_what_was_chosen(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    """Whoever opened the dialog reads its choices in the result callback, which Textual
    runs after the dialog has gone: reading the safety checkbox then crashed the app
    ("No nodes match '#safety'", found in tmux). The choice outlives the widgets."""
    backup = next(b for b in await backups_of(client, WEB01, "automatic") if b.is_completed)
    dialog = RestoreDialog(client, backup, server_named(servers, WEB01), clock, safety_first=True)
    app = DialogHost(lambda: dialog)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.click("#safety")  # untick
        await pilot.pause()
        assert dialog.no_safety_reason == "unticked"
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.answers == [None] and not dialog.is_attached
        assert dialog.no_safety_reason == "unticked"  # no widget left to ask


async def test_restore_headline_and_warning(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    app, backup = await _restore_app(client, servers, clock)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        text = flat(app)
        assert (
            f"Restore web-server-01 (id 12345) from backup #{backup.id}, created "
            f"{backup.created_at:%Y-%m-%d %H:%M} UTC (" in text
        )
        assert "The server's current disk will be overwritten." in text
        assert "Type the server name to confirm:" in text
        assert isinstance(app.screen.focused, Input)


async def test_restore_button_needs_exact_name(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """Disabled until the exact name; wrong case does not count; Enter on a partial is refused."""
    app, _ = await _restore_app(client, servers, clock)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert button(app, "confirm").disabled
        await pilot.press(*"web-server")
        assert button(app, "confirm").disabled
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Type web-server-01 exactly to enable Restore" in note_text(app)
        field = app.screen.query_one("#confirm-name", Input)
        field.value = "WEB-SERVER-01"
        await pilot.pause()
        assert button(app, "confirm").disabled
        field.value = "  web-server-01 "
        await pilot.pause()
        assert not button(app, "confirm").disabled
        field.value = "web-server-0"
        await pilot.pause()
        assert button(app, "confirm").disabled
        assert app.answers == []
    assert backend.count("POST") == 0


async def test_restore_exact_name_enter_sends_once(
    client: VpsClient,
    servers: list[Server],
    clock: FakeClock,
    backend: DemoBackend,
    gated: GatedTransport,
) -> None:
    """The exact name and Enter start one restore; the result is the answer."""
    app, backup = await _restore_app(client, servers, clock)
    assert backup.server_id == WEB01
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        gated.gate.clear()
        await pilot.press(*"web-server-01", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.click("#confirm")
        gated.gate.set()
        await settle(app, pilot)
    assert backend.count("POST", f"/api/v1/servers/{WEB01}/restore/") == 1
    [result] = app.answers
    assert isinstance(result, RestoreResult)
    assert 200 <= result.status_code < 300
    # As the API documents it, a restore shows no status of its own.
    assert backend.state.servers[WEB01].status == "active"


async def test_restore_error_keeps_text(
    mocked: VpsClient, router: respx.MockRouter, clock: FakeClock
) -> None:
    """A refusal is shown; the typed name stays, so trying again is one key."""
    route = router.post("/api/v1/servers/12345/restore/").respond(
        409, json={"detail": "A restore is already in progress for this server."}
    )
    router.get("/api/v1/servers/12345/").respond(
        200, json={"id": WEB01, "name": "web-server-01", "status": "active"}
    )
    backup = Backup(
        501, WEB01, "web-server-01", "automatic", "completed", 4523.0,
        datetime(2025, 1, 13, 3, 0, tzinfo=UTC), None, None,
    )  # fmt: skip
    server = Server(WEB01, "web-server-01", status="active")
    app = DialogHost(lambda: RestoreDialog(mocked, backup, server, clock, safety_first=False))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert (
            "Restore web-server-01 (id 12345) from backup #501, created 2025-01-13 03:00 UTC "
            "(3d ago), 4.4 GiB" in flat(app)
        )
        await pilot.press(*"web-server-01", "enter")
        await settle(app, pilot)
        assert "A restore is already in progress" in error_text(app)
        assert app.screen.query_one("#confirm-name", Input).value == "web-server-01"
        assert not button(app, "confirm").disabled
        buttons_visible(app)
    assert route.call_count == 1
    assert app.answers == []


async def test_restore_timeout_says_check_server(
    mocked: VpsClient, router: respx.MockRouter, clock: FakeClock
) -> None:
    route = router.post("/api/v1/servers/12345/restore/").mock(
        side_effect=httpx.ReadTimeout("slow")
    )
    router.get("/api/v1/servers/12345/").respond(
        200, json={"id": WEB01, "name": "web-server-01", "status": "active"}
    )
    backup = Backup(501, WEB01, "web-server-01", "automatic", "completed", 1.0, None, None, None)
    app = DialogHost(lambda: RestoreDialog(mocked, backup, None, clock, safety_first=False))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press(*"web-server-01", "enter")
        await settle(app, pilot)
        assert "the restore may have started" in flat(app)
        assert "is active, as before" in flat(app)  # the re-check claims nothing
        assert not button(app, "confirm").display
        assert app.screen.query_one("#confirm-name", Input).disabled
    assert route.call_count == 1


async def test_restore_stopped_server_note(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    app, _ = await _restore_app(client, servers, clock, STAGING)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert "staging-app is stopped" in flat(app)
        buttons_visible(app)


@pytest.mark.parametrize("case", ["restoring", "in_progress"])
async def test_restore_refused_offers_close_only(
    case: str, client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """A restore already running, or a backup not completed: explained, Close only."""
    backup = next(b for b in await backups_of(client, WEB01, "automatic") if b.is_completed)
    server = server_named(servers, WEB01)
    if case == "restoring":
        server = msgspec.structs.replace(server, status="restoring")
        expected = "already running"
    else:
        backup = msgspec.structs.replace(backup, status="in_progress", size_mb=None)
        expected = "only completed backups can be restored"
    app = DialogHost(lambda: RestoreDialog(client, backup, server, clock, safety_first=False))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        assert expected in flat(app)
        assert not app.screen.query("#confirm")
        assert not app.screen.query("#confirm-name")
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.answers == [None]
    assert backend.count("POST") == 0


# --- DetailsDialog -------------------------------------------------------------------------


async def test_details_shows_hostile_text_literally(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    """Markup in a description is text, not styling or actions."""
    backup = (await backups_of(client, WEB01, "manual"))[0]
    backup = msgspec.structs.replace(backup, description="[bold red]x[/] [@click=app.quit]boom[/]")
    server = server_named(servers, WEB01)
    app = DialogHost(lambda: DetailsDialog(client, backup, server, clock))
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "[bold red]x[/]" in text
        assert "[@click=app.quit]boom[/]" in text
        assert "3 of 10 manual backups" in text
        assert "never" in text
        assert "web01.example.com" in flat(app)


async def test_details_given_count_and_expiry(
    client: VpsClient, servers: list[Server], clock: FakeClock, backend: DemoBackend
) -> None:
    """A known count is used as is (no request); an expiry within 48 h stands out."""
    backup = next(b for b in await backups_of(client, WEB01, "automatic") if b.is_completed)
    backup = msgspec.structs.replace(backup, expires_at=clock.now() + timedelta(hours=20))
    before = backend.count("GET")
    app = DialogHost(lambda: DetailsDialog(client, backup, None, clock, manual_count=7))
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        text = flat(app)
        assert "7 of 10 manual backups" in text
        assert "(in 20h)" in text
        assert f"({backup.size_mb:,.0f} MB)" in text
        assert app.screen.query_one("#field-expires").has_class("expiring")
        buttons_visible(app)
    assert backend.count("GET") == before


async def test_details_keys_close_and_copy(
    client: VpsClient, servers: list[Server], clock: FakeClock
) -> None:
    """`c` copies the ID and `C` the summary, as on the main screen; Enter and q close."""
    backup = (await backups_of(client, WEB01, "manual"))[0]
    for key in ("enter", "q"):
        app = DialogHost(lambda: DetailsDialog(client, backup, None, clock, manual_count=3))
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("c")
            await pilot.pause()
            assert app.clipboard == str(backup.id)
            await pilot.press("C")
            await pilot.pause()
            assert app.clipboard.startswith(f"backup #{backup.id} of web-server-01")
            await pilot.press(key)
            await settle(app, pilot)
        assert app.answers == [None]
