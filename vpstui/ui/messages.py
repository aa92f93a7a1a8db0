"""Past-tense messages that workers post to the main screen; only handlers touch widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from vpstui.api.errors import ApiError
from vpstui.api.models import Backup, Server
from vpstui.loading import Scope
from vpstui.summary import ServerSummary
from vpstui.ui.widgets.rows import RowsDiff

if TYPE_CHECKING:
    from vpstui.operations import RestoreEnd, Sent

__all__ = [
    "BackupsFailed",
    "BackupsLoaded",
    "BackupsPageLoaded",
    "Scope",
    "ServerFollowed",
    "ServersFailed",
    "ServersLoaded",
]


# Plain classes, not dataclasses: a dataclass costs ~0.4 ms to define, on the start path.


class ServersLoaded(Message):
    def __init__(self, servers: list[Server], derived: bool = False) -> None:
        super().__init__()
        self.servers = servers
        self.derived = derived


class ServersFailed(Message):
    def __init__(self, error: ApiError) -> None:
        super().__init__()
        self.error = error


class BackupsPageLoaded(Message):
    """More pages arrived during a progressive (first) load of `scope`: their new
    `items`, how many were `loaded` so far, and the API's announced `count`."""

    def __init__(self, scope: Scope, items: list[Backup], loaded: int, count: int | None) -> None:
        super().__init__()
        self.scope = scope
        self.items = items
        self.loaded = loaded
        self.count = count


class BackupsLoaded(Message):
    """Every page of `scope` arrived. `summaries`: per-server facts, for listings of every
    type (None for a type-filtered listing); `diff`: for a refresh, what changed against the
    table, worked out off the event loop."""

    def __init__(
        self,
        scope: Scope,
        backups: list[Backup],
        skipped: int,
        problems: list[str],
        progressive: bool,
        summaries: dict[int, ServerSummary] | None = None,
        diff: RowsDiff | None = None,
    ) -> None:
        super().__init__()
        self.scope = scope
        self.backups = backups
        self.skipped = skipped
        self.problems = problems
        self.progressive = progressive
        self.summaries = summaries
        self.diff = diff


class BackupsFailed(Message):
    def __init__(self, scope: Scope, error: ApiError) -> None:
        super().__init__()
        self.scope = scope
        self.error = error


class BackupsPolled(Message):
    """A poll tick's per-server listings (`results`, by (server_id, type) asked), merged
    into a `diff` against the table off the event loop; `error`: the first that failed."""

    def __init__(
        self,
        scope: Scope,
        results: dict[tuple[int, str | None], list[Backup]],
        diff: RowsDiff,
        error: ApiError | None,
    ) -> None:
        super().__init__()
        self.scope = scope
        self.results = results
        self.diff = diff
        self.error = error


class ServerFollowed(Message):
    """The state of a server whose restore we follow was read."""

    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server


class RestoreFollowed(Message):
    """Following a restore ended: `end` says whether the API showed its end."""

    def __init__(self, server_id: int, end: RestoreEnd) -> None:
        super().__init__()
        self.server_id = server_id
        self.end = end


class UnsettledChecked(Message):
    """Operations an earlier session left unsettled were re-checked against the API."""

    def __init__(self, results: list[Sent[object]]) -> None:
        super().__init__()
        self.results = results
