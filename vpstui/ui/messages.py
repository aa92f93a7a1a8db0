"""Past-tense messages that workers post to the main screen; only handlers touch widgets."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from vpstui.api.errors import ApiError
from vpstui.api.models import Backup, Server
from vpstui.summary import ServerSummary
from vpstui.ui.widgets.rows import RowsDiff

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
    """More pages arrived during a progressive (first) load of `scope`: their new
    `items`, how many were `loaded` so far, and the API's announced `count`."""

    scope: Scope
    items: list[Backup]
    loaded: int
    count: int | None


@dataclass
class BackupsLoaded(Message):
    """Every page of `scope` arrived."""

    scope: Scope
    backups: list[Backup]
    skipped: int
    problems: list[str]
    progressive: bool
    #: Per-server facts, for listings of every type (None for a type-filtered listing).
    summaries: dict[int, ServerSummary] | None = None
    #: For a refresh: what changed against the table, worked out off the event loop.
    diff: RowsDiff | None = None


@dataclass
class BackupsFailed(Message):
    scope: Scope
    error: ApiError


@dataclass
class ServerFollowed(Message):
    """The state of a server whose restore we follow was read."""

    server: Server
