"""Past-tense messages that workers post to the main screen; only handlers touch widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from vpstui.api.client import Page
from vpstui.api.errors import ApiError
from vpstui.api.models import Backup, Server

#: Which backups a list request asks for: (server_id or None, backup_type or None).
Scope = tuple[int | None, str | None]


@dataclass
class ServersLoaded(Message):
    servers: list[Server]
    derived: bool = False


@dataclass
class ServersFailed(Message):
    error: ApiError


@dataclass
class BackupsPageLoaded(Message):
    """One page arrived during a progressive (first) load of `scope`."""

    scope: Scope
    page: Page


@dataclass
class BackupsLoaded(Message):
    """Every page of `scope` arrived."""

    scope: Scope
    backups: list[Backup]
    skipped: int
    problems: list[str]
    progressive: bool


@dataclass
class BackupsFailed(Message):
    scope: Scope
    error: ApiError


@dataclass
class ServerFollowed(Message):
    """The state of a server whose restore we follow was read."""

    server: Server
