"""What a dialog's request and its quota look-up tell the dialog (Textual messages)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from vpstui.api import ApiError, Backup, RestoreResult
from vpstui.i18n import _
from vpstui.operations import Sent

__all__ = [
    "AnswerLost",
    "Checking",
    "ManualBackupsRead",
    "RequestFailed",
    "RestoreStarted",
    "SafetyProgress",
]


class AnswerLost(Message):
    """The request's answer was lost; `sent` says what re-reading the API showed."""

    def __init__(self, sent: Sent[Any]) -> None:
        super().__init__()
        self.sent = sent

    @property
    def text(self) -> str:
        """What re-reading showed, in the user's words."""
        sent = self.sent
        if sent.check is not None:
            return sent.check.text
        return _(
            "Checking what happened failed too ({error}). The list will be re-read "
            "when you close this; look there before trying again."
        ).format(error=sent.check_error)


class Checking(Message):
    """The answer was lost; the API is being re-read to see what happened."""


class RequestFailed(Message):
    """The dialog's request failed with `error` (an `ApiError`; unexpected ones are wrapped)."""

    def __init__(self, error: ApiError) -> None:
        super().__init__()
        self.error = error


class ManualBackupsRead(Message):
    """A server's manual backups, for a quota line (`manual` None: reading them failed,
    and `error` says why)."""

    def __init__(
        self, server_id: int, manual: list[Backup] | None, error: ApiError | None = None
    ) -> None:
        super().__init__()
        self.server_id = server_id
        self.manual = manual
        self.error = error


class RestoreStarted(Message):
    """The API accepted the restore."""

    def __init__(self, result: RestoreResult) -> None:
        super().__init__()
        self.result = result


class SafetyProgress(Message):
    """What the safety backup is doing now, for the status line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
