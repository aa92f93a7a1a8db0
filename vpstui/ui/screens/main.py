"""The main screen: server picker, backup table, header, and the keys to use them (the
actions on a backup and their dialogs are in `BackupActions`)."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input

from vpstui.format import safe_text, type_text
from vpstui.i18n import N_, _
from vpstui.loading import initial_scope
from vpstui.operations import Follower, RefreshSchedule
from vpstui.ui.messages import BackupsPageLoaded, UnsettledChecked
from vpstui.ui.screens.marking import MarkingActions
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.footer import KeysFooter
from vpstui.ui.widgets.insight import InsightPanel
from vpstui.ui.widgets.server_picker import ServerPicker
from vpstui.ui.widgets.status_bar import Connection, ScopeBar, StaleBanner, StatusBar

TYPE_CYCLE: tuple[str | None, ...] = (None, "manual", "automatic")
#: The actions that change the account: off (shown dimmed) when read-only.
WRITE_ACTIONS = frozenset({"create", "delete", "restore"})
#: Actions on printable keys, which a focused text field takes as text instead.
TYPED_ACTIONS = frozenset({"filter", "servers"})
#: Below this width the server picker is hidden until `s` shows it.
NARROW = 110


class MainScreen(MarkingActions):
    """Browse backups and act on them (the live data handling is in `LiveScreen`)."""

    #: Focus goes straight to the table (not via the first focusable widget, the picker's
    #: search field): one focus change, one restyle at start-up.
    AUTO_FOCUS = "#backups"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", N_("New")),
        Binding("delete,ctrl+d", "delete", N_("Delete")),
        Binding("R", "restore", N_("Restore")),
        Binding("space", "toggle_mark", N_("Mark for deletion"), show=False),
        Binding("ctrl+r,f5", "refresh", N_("Refresh"), show=False),
        # Priority: handled as the key arrives, so keys typed right behind it (type-ahead
        # over a slow link, a paste) already go to the field it focuses.
        Binding("slash", "filter", N_("Filter"), priority=True),
        Binding("t", "cycle_type", N_("Type"), show=False),
        Binding("i", "toggle_insight", N_("Insight"), show=False),
        Binding("s", "servers", N_("Servers"), priority=True),
        Binding("c", "copy_id", N_("Copy"), show=False),
        Binding("C", "copy_summary", N_("Copy summary"), show=False),
        Binding("I", "copy_incident", N_("Copy incident summary"), show=False),
        # Shown while there is something to back out of (see `check_action`).
        Binding("escape", "escape", N_("Back")),
        Binding("question_mark,f1", "app.help", N_("Help")),
    ]

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Decided before the first styling: a class changed later restyles every widget.
        self.set_class(self.app.size.width < NARROW, "-narrow")
        yield StatusBar(id="status-bar")
        yield StaleBanner(id="stale-banner")
        with Horizontal(id="body"):
            yield ServerPicker(id="picker")
            with Vertical(id="table-area"):
                yield ScopeBar(id="scope-bar")
                yield InsightPanel(id="insight")
                yield Input(placeholder=_("Filter by id, server or description…"), id="filter")
                # Dimmed from the start when its first rows will be cached ones (a class
                # added after the first styling restyles the table: ~2 ms, issue 13).
                cached = self.app.has_startup_rows(initial_scope(self.app.settings.server))
                yield BackupTable(
                    now=self.app.clock.now, id="backups", classes="-cached" if cached else ""
                )
        yield KeysFooter()

    #: Until its first ScreenResume: every widget was styled as it mounted, a moment ago.
    _styled_at_mount = True

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual restyles every node of a screen when it becomes active. The first time,
        right after this screen's widgets were mounted (and styled), that is the same work
        twice (~25 ms before the first frame, issue 13): skipped then, as Textual does for
        a screen over a transparent one. Later resumes (a dialog closed) restyle as usual."""
        if self._styled_at_mount:
            self._styled_at_mount = False
            event.prevent_default()  # Screen's own handler runs here, without the restyle
            Screen._on_screen_resume(self, events.ScreenResume(refresh_styles=False))

    def on_mount(self) -> None:
        settings = self.app.settings
        self.connection = Connection(
            host=self.app.api_host,
            demo=settings.demo,
            profile=settings.profile,
            colour=settings.colour,
            read_only=settings.read_only,
        )
        self.schedule = RefreshSchedule(settings.poll_interval, settings.idle_refresh)
        self.query_one("#filter").display = False
        self.query_one(StaleBanner).display = False
        self.table.focus()
        self.scope = initial_scope(settings.server)
        # A name waits for the server list to say which id it is.
        self._preselect = settings.server if self.scope[0] is None else None
        self.follower = Follower(self.app.ledger)
        self._resume_operations()
        self.set_interval(self.app.tick_seconds, self._tick)
        prefetch = self.app.prefetch
        first = prefetch.first_page(self.scope) if prefetch else None
        if first is None and self.show_cached():
            # The last session's rows, marked cached, are the first frame; the requests
            # leave right after it (building the HTTPS client is no part of it).
            self.call_after_refresh(self.load_servers)
            self.load_backups(progressive=True, after_refresh=True)
        else:
            self.load_servers()
            self.load_backups(progressive=True)
        if first is not None:  # here already: in the first frame (the loader adds it again)
            self._page_loaded(BackupsPageLoaded(self.scope, first.items, first.loaded, first.count))
        self._show_status()

    def _resume_operations(self) -> None:
        """Follow again what an earlier session left running (a dropped SSH connection),
        and re-check what it left unsettled (cut off after sending)."""
        ledger = self.app.ledger
        if ledger is not None:
            for problem in ledger.take_problems():
                self.notify(problem, title=_("Operations ledger"), severity="warning", timeout=15)
            if ledger.pending("sending", "unknown"):
                self._check_unsettled()
        restores, creates = self.follower.resume()
        for op in restores:
            self.follow_restore(op.server_id)
        if restores or creates:
            names = ", ".join(safe_text(op.server_name, 30) for op in restores + creates)
            if restores and creates:
                following = _(
                    "Following {restores} restore(s) and {creates} backup(s) started in an "
                    "earlier session: {names}."
                )
            elif restores:
                following = _(
                    "Following {restores} restore(s) started in an earlier session: {names}."
                )
            else:
                following = _(
                    "Following {creates} backup(s) started in an earlier session: {names}."
                )
            self.notify(
                following.format(restores=len(restores), creates=len(creates), names=names),
                title=_("Picked up where you left off"),
                timeout=15,
            )

    @work(group="unsettled", exclusive=True, exit_on_error=False)
    async def _check_unsettled(self) -> None:
        from vpstui.operations import Mutations

        app = self.app
        core = Mutations(app.api, clock=app.clock, audit=app.audit_log, ledger=app.ledger)
        results = await core.check_unsettled()
        if results:
            self.post_message(UnsettledChecked(results))

    @on(UnsettledChecked)
    def _unsettled_checked(self, message: UnsettledChecked) -> None:
        for sent in message.results:
            op = sent.operation
            said = (
                sent.check.text
                if sent.check
                else _("Could not re-check: {why}").format(why=sent.check_error)
            )
            kinds = {"create": N_("create"), "delete": N_("delete"), "restore": N_("restore")}
            self.notify(
                _(
                    "An earlier session's {kind} on {server} ({started} UTC) was cut off after "
                    "sending. {said}"
                ).format(
                    kind=_(kinds.get(op.kind, op.kind)),
                    server=safe_text(op.server_name, 30),
                    started=op.started_at[:16],
                    said=said,
                ),
                title=_("Checked an unsettled operation"),
                severity="warning",
                timeout=30,
            )
            started = op.kind == "restore" and sent.check is not None and sent.check.done
            if started and self.follower.resume_restore(op):
                self.follow_restore(op.server_id)
        self.load_backups()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- scope: server, type, text filter ---------------------------------------------------

    def set_scope(self, server_id: int | None, backup_type: str | None) -> None:
        if (server_id, backup_type) == self.scope:
            return
        self.scope = (server_id, backup_type)
        cached = [
            b
            for b in self._all_cache.values()
            if (server_id is None or b.server_id == server_id)
            and (backup_type is None or b.backup_type == backup_type)
        ]
        self.leave_cache()
        self.table.set_backups(cached)
        self.table.action_first()  # another server's list starts at its newest backup
        self.table.empty_text = _("Loading backups…")
        self._loaded_scope = None
        self.picker.select(server_id)
        self.load_backups(progressive=not cached)

    @on(ServerPicker.Left)
    def _picker_left(self) -> None:
        self.remove_class("-picker-open")
        self.table.focus()

    @on(ServerPicker.Changed)
    def _server_picked(self, message: ServerPicker.Changed) -> None:
        self.set_scope(message.server_id, self.scope[1])
        self.remove_class("-picker-open")
        self.table.focus()

    def action_cycle_type(self) -> None:
        index = (TYPE_CYCLE.index(self.scope[1]) + 1) % len(TYPE_CYCLE)
        self.set_scope(self.scope[0], TYPE_CYCLE[index])
        wanted = TYPE_CYCLE[index]
        shown = _("Showing {type} backups").format(type=type_text(wanted)) if wanted else ""
        self.notify(shown or _("Showing all backups"), timeout=1.5)

    def action_toggle_insight(self) -> None:
        """i: hide or show the insight panel over the table."""
        self.insight.display = not self.insight.display
        self._show_insight(self._now())

    def _typing(self) -> bool:
        """A text field has focus: letters are text, not commands."""
        return isinstance(self.focused, Input)

    def action_servers(self) -> None:
        if self._typing():
            raise SkipAction()
        self.add_class("-picker-open")
        # set_focus at once (not focus(), which waits a turn): keys typed right after `s`
        # are already queued and must land in the search field, not in the table.
        self.set_focus(self.query_one("#server-search"))
        self.refresh_bindings()

    def action_filter(self) -> None:
        if self._typing():
            raise SkipAction()
        self.table.prepare_filter()
        field = self.query_one("#filter", Input)
        field.display = True
        self.set_focus(field)  # at once: type-ahead after `/` goes into the field

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self.connection.text_filter = event.value.strip()
        self._show_status()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def _escapable(self) -> bool:
        """Whether esc has something to do: clear the filter, close the server picker, or
        leave a server that is gone."""
        try:
            field = self.query_one("#filter", Input)
            picker = self.has_class("-picker-open") or self.picker.has_focus_within
        except NoMatches:  # asked while the screen is being built
            return False
        return field.display or bool(field.value) or picker or self._scope_gone

    def action_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or field.value:
            field.value = ""
            field.display = False
            self.table.focus()
        elif self.has_class("-picker-open") or self.picker.has_focus_within:
            self.remove_class("-picker-open")
            self.table.focus()
        elif self._scope_gone:
            self._scope_gone = False
            self.set_scope(None, self.scope[1])
        self.refresh_bindings()  # nothing left to back out of: the footer drops esc

    def action_refresh(self) -> None:
        self.load_backups()
        if self.servers_derived is False and (not self.servers or self.servers_from_cache):
            self.load_servers()

    # --- actions on the selected backup -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only: create, delete and restore show dimmed in the footer and do nothing
        (a key press on them is answered by `on_key`, which says why). While a text field
        has focus, `/` and `s` are text: the footer does not offer them; esc only when it
        has something to back out of."""
        if action in WRITE_ACTIONS and self.app.settings.read_only:
            return None
        if action == "escape":
            return self._escapable()
        return not (action in TYPED_ACTIONS and self._typing())

    def on_key(self, event: events.Key) -> None:
        """A key bound to an action that read-only turned off: say why instead of nothing."""
        if not self.app.settings.read_only or self._typing():
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.binding.action in WRITE_ACTIONS:
            event.stop()
            self.app.writes_refused()
