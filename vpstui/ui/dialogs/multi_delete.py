"""`MultiDeleteDialog`: delete several backups (the marked ones, or those "Make room…"
proposes) after typing how many.

One dialog lists every backup it would delete (id, created, size, description) and the
total size; the Delete button stays disabled until the count is typed ("type 3 to delete
3 backups"). Deletes go through the operations core one at a time, in the listed order,
each sent once (audited, in the ledger); each row shows its progress. The first failure
stops the run and the dialog then says what was and was not deleted. Esc while deleting
stops after the current delete (one in flight is never cancelled). Answers the ids the API
confirmed gone (deleted, or already gone), or None when nothing was sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Literal

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from vpstui.api import ApiError, Backup, NotFoundError, VpsClient
from vpstui.clock import Clock
from vpstui.format import absolute_time, backup_ref, human_size, safe_text
from vpstui.i18n import N_, _, ngettext
from vpstui.operations import Mutations
from vpstui.ui.dialogs.typed import TypedDialog

__all__ = ["DeleteProgress", "MultiDeleteDialog", "MultiDeleteResult"]

RowState = Literal["pending", "deleting", "deleted", "gone", "failed", "not sent"]

#: What each row's first cells say, by state.
STATE_MARK: dict[RowState, str] = {
    "pending": "  ",
    "deleting": "… ",
    "deleted": "✓ ",
    "gone": "✓ ",
    "failed": "✗ ",
    "not sent": "- ",
}
STATE_WORD: dict[RowState, str] = {
    "pending": "",
    "deleting": N_("deleting this one…"),
    "deleted": N_("deleted, API confirmed"),
    "gone": N_("already gone (404)"),
    "failed": N_("failed, see below"),
    "not sent": N_("not sent"),
}


class MultiDeleteResult:
    """What the dialog did: the ids the API confirmed gone, in order."""

    def __init__(self, deleted: list[int]) -> None:
        self.deleted = deleted


class DeleteProgress(Message):
    """Backup number `index` (0-based) is now in `state` (`why`: a failure's reason)."""

    def __init__(self, index: int, state: RowState, why: str = "") -> None:
        super().__init__()
        self.index = index
        self.state = state
        self.why = why


class DeletesEnded(Message):
    """The run is over: every row has its final state."""


#: Cells of a row's description (a row fits the dialog's 74 cells on one line).
DESCRIPTION_CELLS = 28


def _cut(text: str, cells: int) -> str:
    """`text` in at most `cells` terminal cells (CJK counts two), cut with "…"."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…"


def total_size(backups: Iterable[Backup]) -> str:
    """ "8.8 GiB", with "+ n of unknown size" when the API gave no size for some."""
    listed = list(backups)
    known = human_size(sum(b.size_mb or 0.0 for b in listed))
    unknown = sum(1 for b in listed if b.size_mb is None)
    if unknown:
        return ngettext(
            "{size} (+ {n} backup of unknown size)",
            "{size} (+ {n} backups of unknown size)",
            unknown,
        ).format(size=known, n=unknown)
    return known


class MultiDeleteDialog(TypedDialog[MultiDeleteResult]):
    """Delete `backups` one at a time after the user types how many."""

    TITLE_TEXT = N_("Delete backups")

    def __init__(
        self,
        client: VpsClient,
        backups: Sequence[Backup],
        clock: Clock,
        *,
        intro: str | None = None,
    ) -> None:
        super().__init__()
        self.TITLE_TEXT = _(MultiDeleteDialog.TITLE_TEXT)
        self.client = client
        self.backups = list(backups)
        self.clock = clock
        #: A line above the list saying why these backups are proposed (Make room…).
        self.intro = intro
        self.states: list[RowState] = ["pending"] * len(self.backups)
        self.reasons: dict[int, str] = {}
        self._stop = asyncio.Event()
        self._ended = False

    @property
    def count(self) -> int:
        return len(self.backups)

    @property
    def deleted_ids(self) -> list[int]:
        """The backups the API confirmed gone, in order."""
        return [
            b.id
            for b, state in zip(self.backups, self.states, strict=True)
            if state in ("deleted", "gone")
        ]

    # -- layout --------------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        if self.intro:
            yield Static(Text(self.intro), classes="hint", id="intro")
        yield Static(self._listing(), id="listing")

    def _listing(self) -> Text:
        lines: list[Text] = []
        for backup, state in zip(self.backups, self.states, strict=True):
            line = Text(STATE_MARK[state], style="bold")
            line.append(f"{backup_ref(backup.id):<8} ", style="bold")
            line.append(f"{absolute_time(backup.created_at)}  {human_size(backup.size_mb):>10}  ")
            word = STATE_WORD[state]
            if word:  # once deleting started, what happened replaces the description
                style = {"failed": "bold red", "deleting": "bold", "not sent": "yellow"}
                line.append(_(word), style=style.get(state, "green"))
            else:
                line.append(_cut(safe_text(backup.description or "—"), DESCRIPTION_CELLS), "dim")
            lines.append(line)
            reason = self.reasons.get(backup.id)
            if reason:
                lines.append(Text(f"    {safe_text(reason, 300)}", style="red"))
        total = ngettext("Total: {size} in {n} backup", "Total: {size} in {n} backups", self.count)
        lines.append(Text(total.format(size=total_size(self.backups), n=self.count), style="bold"))
        return Text("\n").join(lines)

    def compose_footer(self) -> Iterable[Widget]:
        yield Static(
            Text(_("Deleting a backup is permanent and cannot be undone.")),
            classes="danger",
            id="warning",
        )
        prompt = ngettext(
            "Type {n} to delete {n} backup:", "Type {n} to delete {n} backups:", self.count
        ).format(n=self.count)
        yield Static(Text(prompt), classes="label", id="count-prompt")
        yield Input(placeholder=_("the number of backups"), id="confirm-count")

    def compose_buttons(self) -> Iterable[Widget]:
        yield Button(_("Don't delete"), id="cancel")
        label = ngettext("Delete {n} backup", "Delete {n} backups", self.count)
        yield Button(label.format(n=self.count), id="confirm", variant="error")

    def prepare(self) -> None:
        if not self.backups:
            self._close_only = True
            self.query_one("#cancel", Button).focus()
            return
        self.query_one("#confirm-count", Input).focus()

    # -- state ---------------------------------------------------------------------------

    @property
    def count_matches(self) -> bool:
        return self.query_one("#confirm-count", Input).value.strip() == str(self.count)

    def update_controls(self) -> None:
        super().update_controls()
        if self.close_only:
            return
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.disabled = not self.count_matches

    # -- deleting ------------------------------------------------------------------------

    def action_confirm(self) -> None:
        """Start deleting, once the count is typed; ignored while running or after."""
        if self.in_flight or self.close_only:
            return
        if not self.count_matches:
            self.show_note(
                ngettext(
                    "Type {n} to enable Delete.", "Type {n} to enable Delete.", self.count
                ).format(n=self.count)
            )
            return
        mutations = self.mutations(self.client, self.clock)

        async def delete_all() -> Message:
            for index, backup in enumerate(self.backups):
                if self._stop.is_set():
                    self._not_sent(index)
                    break
                self.post_message(DeleteProgress(index, "deleting"))
                state, why = await self._delete_one(mutations, backup)
                self.post_message(DeleteProgress(index, state, why))
                if state == "failed":
                    self._not_sent(index + 1)
                    break
            return DeletesEnded()

        self.send(delete_all)

    async def _delete_one(self, mutations: Mutations, backup: Backup) -> tuple[RowState, str]:
        """One DELETE through the core: its final state and, for a failure, why."""
        try:
            sent = await mutations.delete_backup(backup)
        except NotFoundError:
            return "gone", ""
        except ApiError as error:
            return "failed", str(error)
        if sent.answer:
            return "deleted", ""
        if sent.done:  # the answer was lost; re-reading showed it gone
            return "deleted", ""
        lost = str(sent.lost) if sent.lost is not None else ""
        if sent.check is not None:
            return "failed", f"{lost} {sent.check.text}".strip()
        return "failed", _(
            "{error} The answer was lost and re-reading failed too: the backup may or may "
            "not have been deleted. Refresh the list to see."
        ).format(error=lost)

    def _not_sent(self, start: int) -> None:
        for index in range(start, self.count):
            self.post_message(DeleteProgress(index, "not sent"))

    def on_delete_progress(self, event: DeleteProgress) -> None:
        event.stop()
        self.states[event.index] = event.state
        if event.why:
            self.reasons[self.backups[event.index].id] = event.why
        self.query_one("#listing", Static).update(self._listing())
        if event.state == "deleting" and not self._stop.is_set():
            backup = self.backups[event.index]
            self.show_note(
                _("[{position}/{count}] deleting {id}…").format(
                    position=event.index + 1, count=self.count, id=backup_ref(backup.id)
                )
            )

    def on_deletes_ended(self, event: DeletesEnded) -> None:
        event.stop()
        self.request_done()
        self._ended = True
        self.make_close_only()
        deleted = len(self.deleted_ids)
        summary = ngettext(
            "Deleted {done} of {n} backup.", "Deleted {done} of {n} backups.", self.count
        ).format(done=deleted, n=self.count)
        left = [
            backup_ref(b.id)
            for b, state in zip(self.backups, self.states, strict=True)
            if state in ("failed", "not sent")
        ]
        if left:
            self.show_error(
                _("{summary} Not deleted: {ids}.").format(summary=summary, ids=", ".join(left))
            )
        else:
            self.show_note(summary)
        self.query_one("#count-prompt", Static).display = False
        self.query_one("#confirm-count", Input).display = False

    @property
    def cancel_refused(self) -> bool:
        """While deleting, Esc stops the batch; once asked, it has nothing left to do."""
        return self.in_flight and self._stop.is_set()

    def action_cancel(self) -> None:
        """Esc: while deleting, stop after the current delete; after the run, close with
        what was deleted; before it, close with nothing sent."""
        if self.in_flight:
            self._stop.set()
            self.show_note(_("Stopping after the current delete (it is never cancelled)…"))
            self.refresh_bindings()  # asked once: the footer dims esc (`cancel_refused`)
            return
        if self._ended:
            self.dismiss(MultiDeleteResult(self.deleted_ids))
            return
        super().action_cancel()
