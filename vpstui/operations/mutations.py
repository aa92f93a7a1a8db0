"""`Mutations`: every create, delete and restore, end to end, for the TUI and the scripts.

For each request: a ledger entry is written before it leaves (state "sending"); the audit
log gets "attempted"; the request is sent exactly once (the client never retries a POST
or DELETE); then the outcome is audited and the ledger entry settled, or kept to follow
("following") or to check again at the next start ("unknown"). When the answer is lost
(a timeout, a reset, a 5xx — for a DELETE too) the API is re-read with the check for the
request's kind (`checks`) and what it showed is audited as `verified_done`,
`verified_not_done`, or left `unknown`. A refusal is raised as the client's `ApiError`.
No Textual.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

import msgspec

from vpstui.api import ApiError, Backup, CreateResult, NotFoundError, RestoreResult
from vpstui.audit import AuditLog, Outcome
from vpstui.clock import Clock

from .checks import Recheck, recheck
from .ledger import Kind, Operation, OperationLedger

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = ["Mutations", "Sent", "abandon_in_flight", "in_flight"]

T = TypeVar("T")

#: Requests this process has sent and has no answer to yet: id → (operation, its core).
_IN_FLIGHT: dict[str, tuple[Operation, Mutations]] = {}


def in_flight() -> list[Operation]:
    """The operations whose request has left and whose answer has not come yet."""
    return [op for op, _ in _IN_FLIGHT.values()]


def abandon_in_flight(reason: str) -> list[Operation]:
    """The process is ending (quit anyway, SIGHUP, SIGTERM): record every request still in
    flight as `unknown` in the audit log and the ledger (checked at the next start)."""
    abandoned = []
    for op_id, (op, core) in list(_IN_FLIGHT.items()):
        del _IN_FLIGHT[op_id]
        core.record(op, "unknown", reason)
        core._mark_unknown(op)
        abandoned.append(op)
    return abandoned


@dataclass
class Sent(Generic[T]):
    """What came of one request. `answer` is the API's (None for a DELETE, or when lost);
    `answered_at` when that answer was received, by the core's clock (a screen that learns
    of it later, e.g. from a dialog that closed late, counts from this, not from then);
    `lost` the error when the answer was lost; `check` what re-reading showed then
    (None when re-reading failed too: `check_error`)."""

    operation: Operation
    answer: T | None = None
    lost: ApiError | None = None
    check: Recheck | None = None
    check_error: ApiError | None = None
    answered_at: datetime | None = None

    @property
    def done(self) -> bool | None:
        """True: it took effect; False: it did not; None: nobody can tell."""
        if self.lost is None:
            return True
        return self.check.done if self.check is not None else None


class Mutations:
    """Sends destructive requests for one API client, with the audit log and the ledger."""

    def __init__(
        self,
        client: VpsClient,
        *,
        clock: Clock,
        audit: AuditLog | None = None,
        ledger: OperationLedger | None = None,
        warn: Callable[[str], None] | None = None,
        checking: Callable[[], object] | None = None,
    ) -> None:
        self.client = client
        #: Called when an answer was lost, before the API is re-read (a UI says so).
        self.checking = checking
        self.clock = clock
        self.audit = audit
        self.ledger = ledger
        self.warn = warn
        self._warned: set[str] = set()

    # -- the audit log and the ledger ---------------------------------------------------------

    def record(
        self,
        op: Operation,
        outcome: Outcome,
        message: object = None,
        backup_id: int | None = None,
    ) -> None:
        """Append to the audit log, if there is one; say once if it cannot be written.
        `message` may be text, a Lazy message or an `ApiError`: it is written in English."""
        if self.audit is not None:
            self.audit.record(
                op.kind,
                outcome,
                server_id=op.server_id,
                server=op.server_name,
                backup_id=backup_id if backup_id is not None else op.backup_id,
                message=message,
            )
            self._say_once(self.audit.error)

    def _say_once(self, problem: str | None) -> None:
        if problem and problem not in self._warned and self.warn is not None:
            self._warned.add(problem)
            self.warn(problem)

    def _ledger(self, change: Callable[[OperationLedger], None]) -> None:
        if self.ledger is not None:
            change(self.ledger)
            self._say_once(self.ledger.error)

    def _operation(
        self, kind: Kind, server_id: int, server_name: str, **extra: object
    ) -> Operation:
        now = self.clock.now()
        return msgspec.convert(
            {
                "kind": kind,
                "host": self.client.host,
                "server_id": server_id,
                "server_name": server_name,
                "backup_id": extra.pop("backup_id", None),
                "started_at": now.isoformat(),
                "sent_at": now.isoformat(),
                **extra,
            },
            Operation,
        )

    # -- sending once ----------------------------------------------------------------------------

    async def send_once(self, op: Operation, request: Callable[[], Awaitable[T]]) -> Sent[T]:
        """Ledger, "attempted", the one request, the outcome; a lost answer is re-checked.

        Raises the `ApiError` of a request that certainly did not take effect.
        """
        self._ledger(lambda ledger: ledger.add(op))
        self.record(op, "attempted")
        _IN_FLIGHT[op.id] = (op, self)
        try:
            answer = await request()
            answered_at = self.clock.now()
        except NotFoundError as error:
            self.record(op, "gone" if op.kind == "delete" else "failed", error)
            self._ledger(lambda ledger: ledger.settle(op.id))
            raise
        except ApiError as error:
            lost = error.outcome_unknown or (op.kind == "delete" and (error.status or 0) >= 500)
            if not lost:
                self.record(op, "failed", error)
                self._ledger(lambda ledger: ledger.settle(op.id))
                raise
            self.record(op, "unknown", error)
            self._mark_unknown(op)
            if self.checking is not None:
                self.checking()
            return await self.check(msgspec.structs.replace(op, state="unknown"), error)
        except asyncio.CancelledError:
            if op.id in _IN_FLIGHT:  # else `abandon_in_flight` has recorded it already
                self.record(op, "unknown", "Interrupted while waiting for the answer.")
                self._mark_unknown(op)
            raise
        finally:
            _IN_FLIGHT.pop(op.id, None)
        return Sent(op, answer, answered_at=answered_at)

    def _mark_unknown(self, op: Operation) -> None:
        unknown = msgspec.structs.replace(op, state="unknown")
        self._ledger(lambda ledger: ledger.update(unknown))

    async def check(self, op: Operation, lost: ApiError | None = None) -> Sent[T]:
        """Re-read the API about `op` (its answer lost); audit and settle what it shows."""
        try:
            found = await recheck(self.client, op)
        except ApiError as again:
            return Sent(op, lost=lost, check_error=again)
        if found.done is None:
            return Sent(op, lost=lost, check=found)
        outcome: Outcome = "verified_done" if found.done else "verified_not_done"
        backup_id = found.backup.id if found.backup is not None and found.done else None
        self.record(op, outcome, found.message, backup_id=backup_id)
        if found.done and op.kind != "delete":
            following = msgspec.structs.replace(
                op, state="following", backup_id=backup_id or op.backup_id
            )
            self._ledger(lambda ledger: ledger.update(following))
        else:
            self._ledger(lambda ledger: ledger.settle(op.id))
        return Sent(op, lost=lost, check=found)

    def _following(self, op: Operation, backup_id: int | None = None) -> None:
        following = msgspec.structs.replace(
            op, state="following", backup_id=backup_id or op.backup_id
        )
        self._ledger(lambda ledger: ledger.update(following))

    # -- the three requests ---------------------------------------------------------------------

    async def create_backup(
        self, server_id: int, server_name: str, description: str | None
    ) -> Sent[CreateResult]:
        """Start a manual backup. The server's manual backups are read first: what a re-check
        after a lost answer compares with (and, from the `Date` header, the API's clock)."""
        known: list[int] | None = None
        offset = None
        try:
            before = await self.client.list_backups(server_id=server_id, backup_type="manual")
        except ApiError:
            pass  # a re-check will say "unknown" where this would have told
        else:
            known = sorted(b.id for b in before)
            if self.client.server_date is not None:
                offset = self.client.server_date - self.clock.now()
        op = self._operation(
            "create",
            server_id,
            server_name,
            description=description or None,
            known_before=known,
        )
        if offset is not None:
            sent_at: datetime = self.clock.now() + offset
            op = msgspec.structs.replace(op, sent_at=sent_at.isoformat(), clock_known=True)
        sent = await self.send_once(op, lambda: self.client.create_backup(server_id, description))
        if sent.answer is not None:
            backup = sent.answer.backup
            self.record(op, "succeeded", sent.answer.message, backup_id=backup.id)
            self._following(op, backup.id)
        return sent

    async def delete_backup(self, backup: Backup) -> Sent[bool]:
        """Delete a backup permanently."""
        op = self._operation("delete", backup.server_id, backup.server_name, backup_id=backup.id)

        async def delete() -> bool:
            await self.client.delete_backup(backup.id)
            return True

        sent = await self.send_once(op, delete)
        if sent.answer:
            self.record(op, "succeeded", f"Backup {backup.id} deleted.")
            self._ledger(lambda ledger: ledger.settle(op.id))
        return sent

    async def restore_backup(
        self, server_id: int, server_name: str, backup_id: int, *, status_hint: str | None = None
    ) -> Sent[RestoreResult]:
        """Start a restore. The server's status is read first (`status_hint` if it cannot be):
        only a change from it can later show that the restore started or ended."""
        try:
            status_before = (await self.client.get_server(server_id)).status
        except ApiError:
            status_before = status_hint
        op = self._operation(
            "restore", server_id, server_name, backup_id=backup_id, status_before=status_before
        )
        sent = await self.send_once(op, lambda: self.client.restore_backup(server_id, backup_id))
        if sent.answer is not None:
            said = sent.answer.message or f"HTTP {sent.answer.status_code}"
            self.record(op, "succeeded", said)
            self._following(op)
        return sent

    # -- after a restart ----------------------------------------------------------------------

    async def check_unsettled(self) -> list[Sent[object]]:
        """Re-check every entry an earlier process left "sending" or "unknown" (it may have
        been cut off after sending); each is audited, settled or kept to follow."""
        if self.ledger is None:
            return []
        self.ledger.reload()
        results: list[Sent[object]] = []
        for op in self.ledger.pending("sending", "unknown"):
            sent: Sent[object] = await self.check(op)
            if sent.check_error is None and (sent.check is None or sent.check.done is None):
                self.record(op, "unknown", sent.check.message if sent.check else None)
                self._ledger(lambda ledger, op=op: ledger.settle(op.id))  # type: ignore[misc]
            results.append(sent)
        return results
