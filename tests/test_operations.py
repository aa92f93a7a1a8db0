"""The operations core (`vpstui.operations`): send once, audit, ledger, and the re-check
of each kind after a lost answer (issue 12: compare more than a description).

Each test drives `Mutations` against the seeded demo backend on a fake clock, through a
transport that can answer a request itself (a 502 the backend never saw), forward it and
lose or replace the answer, or run a hook as it passes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from vpstui.api import RetryPolicy, VpsClient
from vpstui.audit import AuditLog, read_entries
from vpstui.clock import FakeClock
from vpstui.demo import DEMO_BASE_URL, DemoBackend, DemoState
from vpstui.operations import Mutations, Operation, OperationLedger, RestoreEnd, RestoreWatch

WEB01 = 12345
Hook = Callable[[httpx.Request], None]


class Wire(httpx.AsyncBaseTransport):
    """Forwards to the backend. For `method` requests: `before` runs first; `answer`
    (a status) replaces the backend's answer, sent on or not (`forward`)."""

    def __init__(
        self,
        backend: DemoBackend,
        method: str,
        *,
        answer: int | None = None,
        forward: bool = True,
        before: Hook | None = None,
        strip_date: bool = False,
    ) -> None:
        self.inner = backend.transport()
        self.method = method
        self.answer = answer
        self.forward = forward
        self.before = before
        self.strip_date = strip_date

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        mine = request.method == self.method
        if mine and self.before is not None:
            self.before(request)
        if mine and not self.forward and self.answer is not None:
            return httpx.Response(self.answer, text="Bad gateway")
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if mine and self.answer is not None:
            return httpx.Response(self.answer, text="Bad gateway")
        if self.strip_date:
            headers = [(k, v) for k, v in response.headers.items() if k.lower() != "date"]
            return httpx.Response(response.status_code, headers=headers, content=response.content)
        return response


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend(clock: FakeClock) -> DemoBackend:
    return DemoBackend(state=DemoState.seeded(clock))


@pytest.fixture
def make(
    clock: FakeClock, backend: DemoBackend, tmp_path: Path
) -> Callable[[httpx.AsyncBaseTransport], Mutations]:
    def factory(transport: httpx.AsyncBaseTransport) -> Mutations:
        client = VpsClient(
            token="t", base_url=DEMO_BASE_URL, transport=transport, retry=RetryPolicy(attempts=1)
        )
        return Mutations(
            client,
            clock=clock,
            audit=AuditLog(tmp_path / "audit.jsonl", host=client.host),
            ledger=OperationLedger.load(tmp_path / "ops.json", client.host),
        )

    return factory


def outcomes(tmp_path: Path) -> list[str]:
    return [e["outcome"] for e in read_entries(tmp_path / "audit.jsonl")]


def ledger_of(tmp_path: Path) -> list[dict[str, object]]:
    return list(json.loads((tmp_path / "ops.json").read_text()))


# --- create -----------------------------------------------------------------------------------


async def test_someone_elses_backup_with_our_description_is_not_ours(
    make: Callable[..., Mutations], backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """A 502 on a create that never reached the API, while a backup with the same
    description shows up that was created before we sent: "no backup was created"."""

    def someone_else(request: httpx.Request) -> None:
        backend.state.add_backup(
            WEB01, description="pre-deploy", created_at=clock.now() - timedelta(minutes=5)
        )

    core = make(Wire(backend, "POST", answer=502, forward=False, before=someone_else))
    sent = await core.create_backup(WEB01, "web-server-01", "pre-deploy")
    assert sent.lost is not None and sent.check is not None
    assert sent.check.done is False, sent.check.text
    assert "no backup was created" in sent.check.text
    assert outcomes(tmp_path) == ["attempted", "unknown", "verified_not_done"]
    assert ledger_of(tmp_path) == []


async def test_a_create_that_happened_behind_a_502_is_found(
    make: Callable[..., Mutations], backend: DemoBackend, tmp_path: Path
) -> None:
    """The API created the backup and a gateway answered 502: the one new backup of the
    server, with our description, created at the send time by the API's clock, is ours."""
    core = make(Wire(backend, "POST", answer=502))
    sent = await core.create_backup(WEB01, "web-server-01", "pre-deploy")
    assert sent.check is not None and sent.check.done is True, sent.check
    assert sent.check.backup is not None
    assert backend.state.backups[sent.check.backup.id].description == "pre-deploy"
    assert backend.count("POST") == 1
    assert outcomes(tmp_path) == ["attempted", "unknown", "verified_done"]
    [entry] = ledger_of(tmp_path)
    assert entry["state"] == "following" and entry["backup_id"] == sent.check.backup.id


async def test_without_the_apis_clock_a_new_backup_is_only_maybe_ours(
    make: Callable[..., Mutations], backend: DemoBackend, tmp_path: Path
) -> None:
    """No `Date` header: the send time cannot be compared with the API's, so a new backup
    with our description leaves the outcome unknown, and the text says why."""
    core = make(Wire(backend, "POST", answer=502, strip_date=True))
    sent = await core.create_backup(WEB01, "web-server-01", "pre-deploy")
    assert sent.check is not None and sent.check.done is None
    assert "cannot be told" in sent.check.text
    assert outcomes(tmp_path) == ["attempted", "unknown"]
    assert [e["state"] for e in ledger_of(tmp_path)] == ["unknown"]


async def test_the_ledger_entry_is_written_before_the_request_leaves(
    make: Callable[..., Mutations], backend: DemoBackend, tmp_path: Path
) -> None:
    seen: list[list[dict[str, object]]] = []
    core = make(Wire(backend, "POST", before=lambda request: seen.append(ledger_of(tmp_path))))
    sent = await core.create_backup(WEB01, "web-server-01", None)
    assert [(e["kind"], e["state"]) for e in seen[0]] == [("create", "sending")]
    assert seen[0][0]["known_before"] is not None and seen[0][0]["clock_known"] is True
    assert sent.answer is not None
    [entry] = ledger_of(tmp_path)
    assert entry["state"] == "following" and entry["backup_id"] == sent.answer.backup.id


# --- delete -----------------------------------------------------------------------------------


@pytest.mark.parametrize("forward", [True, False])
async def test_a_delete_answered_502_is_rechecked(
    make: Callable[..., Mutations],
    backend: DemoBackend,
    tmp_path: Path,
    forward: bool,
) -> None:
    """A DELETE answered 502 is re-checked like a create: gone means done (the API carried
    it out), still listed means not done — never a bare "failed"."""
    victim = next(b for b in backend.state.list_backups(WEB01, "manual") if b.status == "completed")
    core = make(Wire(backend, "DELETE", answer=502, forward=forward))
    listed = await core.client.list_backups(server_id=WEB01)
    sent = await core.delete_backup(next(b for b in listed if b.id == victim.id))
    assert sent.check is not None
    assert sent.check.done is forward
    assert (victim.id in backend.state.backups) is not forward
    verdict = "verified_done" if forward else "verified_not_done"
    assert outcomes(tmp_path) == ["attempted", "unknown", verdict]
    assert ledger_of(tmp_path) == []


# --- restore ----------------------------------------------------------------------------------


async def test_a_lost_restore_answer_with_no_status_change_stays_unknown(
    make: Callable[..., Mutations], backend: DemoBackend, tmp_path: Path
) -> None:
    core = make(Wire(backend, "POST", answer=504))
    backup = next(b for b in backend.state.list_backups(WEB01) if b.status == "completed")
    sent = await core.restore_backup(WEB01, "web-server-01", backup.id)
    assert sent.operation.status_before == "active"
    assert sent.check is not None and sent.check.done is None
    assert "does not report restore progress" in sent.check.text
    assert outcomes(tmp_path) == ["attempted", "unknown"]
    assert [e["state"] for e in ledger_of(tmp_path)] == ["unknown"]


async def test_an_accepted_restore_says_when_its_answer_was_received(
    make: Callable[..., Mutations], backend: DemoBackend, clock: FakeClock
) -> None:
    """The answer took 5 s: `answered_at` is when it came, which a screen that hears of it
    later (a dialog closing late) counts the restore's time from."""
    core = make(Wire(backend, "POST", before=lambda request: clock.advance(5)))
    backup = next(b for b in backend.state.list_backups(WEB01) if b.status == "completed")
    sent = await core.restore_backup(WEB01, "web-server-01", backup.id)
    assert sent.answer is not None
    assert sent.answered_at == sent.operation.started + timedelta(seconds=5)
    clock.advance(3)
    assert sent.answered_at != clock.now()


# --- after a restart --------------------------------------------------------------------------


async def test_unsettled_entries_are_rechecked_audited_and_settled_on_start(
    make: Callable[..., Mutations], backend: DemoBackend, clock: FakeClock, tmp_path: Path
) -> None:
    """A process cut off after sending a delete (entry left "sending"): the next one
    re-reads the API, audits what it shows and settles the entry."""
    victim = next(b for b in backend.state.list_backups(WEB01, "manual") if b.status == "completed")

    first = make(backend.transport())
    assert first.ledger is not None
    first.ledger.add(  # what send_once writes before the request leaves...
        Operation(
            kind="delete",
            host=first.client.host,
            server_id=WEB01,
            server_name="web-server-01",
            backup_id=victim.id,
            started_at=clock.now().isoformat(),
        )
    )
    backend.state.delete_backup(victim.id)  # ... and the API carried it out
    second = make(backend.transport())
    [result] = await second.check_unsettled()
    assert result.check is not None and result.check.done is True
    assert outcomes(tmp_path) == ["verified_done"]
    assert ledger_of(tmp_path) == []


# --- following a restore on evidence ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "reads", "ends_at"),
    [
        ("active", ["active"] * 6, None),  # the documented API: nothing to see, no end
        ("active", ["restoring", "restoring", "active", "active"], 3),
        ("stopped", ["active", "active"], 1),  # stopped → active counts as a change
        ("active", ["rebuilding", "starting", "active", "active"], 3),
        ("active", ["error", "error", "error"], None),  # changed, never settled
        (None, ["active", "restoring", "active", "active"], 3),  # first read is the baseline
        ("active", ["restoring", "active", "restoring", "active", "active"], 4),
    ],
)
def test_a_restore_ends_only_after_a_change_that_settled(
    before: str | None, reads: list[str], ends_at: int | None
) -> None:
    watch = RestoreWatch(before)
    ended = [watch.observe(status) for status in reads]
    assert (ended.index(True) if True in ended else None) == ends_at


def test_the_notice_claims_an_end_only_on_evidence(clock: FakeClock) -> None:
    """What the TUI says: "Restore done" only with an end; else the accepted-at sentence."""
    seen = RestoreEnd(True, True, "active", "active → restoring → active", clock.now())
    title, text, claims = seen.notice("web-server-01", clock.now())
    assert (title, claims) == ("Restore done", True)
    assert "active → restoring → active" in text
    nothing = RestoreEnd(False, False, "active", "active", clock.now())
    title, text, claims = nothing.notice("web-server-01", clock.now())
    assert (title, claims) == ("Restore accepted", False)
    assert text == (
        "Restore of web-server-01 accepted by the API at 16:00 UTC. VPS.org does not report "
        "restore progress: check the server."
    )


def test_the_incident_to_copy_is_the_restore_still_followed() -> None:
    """`I` copied the last ended restore while a second one was running: the one still
    followed (the newest started) is the incident now; once it ends, it is the last."""
    from datetime import UTC, datetime

    from vpstui.api import Backup
    from vpstui.operations import Follower

    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)

    def backup(backup_id: int, server_id: int) -> Backup:
        return Backup(backup_id, server_id, f"srv-{server_id}", "automatic", "completed",
                      100.0, now, None, "nightly")  # fmt: skip

    follower = Follower()
    follower.restore_started(backup(1, 10), "srv-10", now)
    end = RestoreEnd(True, True, "active", "restoring → active", now)
    follower.restore_ended(10, end)
    assert follower.current_incident().backup_id == 1  # type: ignore[union-attr]
    follower.restore_started(backup(2, 20), "srv-20", now)
    assert follower.current_incident().backup_id == 2  # type: ignore[union-attr]
    follower.restore_ended(20, end)
    assert follower.current_incident().backup_id == 2  # type: ignore[union-attr]
