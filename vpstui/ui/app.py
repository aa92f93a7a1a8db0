"""`VpsApp`: wires settings, the API client and the clock to the screens and dialogs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.screen import Screen

from vpstui.api.errors import ApiError
from vpstui.clock import Clock
from vpstui.config import ConfigError, Settings
from vpstui.connection import PlannedClient
from vpstui.format import safe_text
from vpstui.i18n import N_, _
from vpstui.loading import SLOW_AFTER, StartupPrefetch, initial_scope
from vpstui.ui.base import VpsAppBase
from vpstui.ui.profiles import (
    ProfileFailed,
    ProfileOpened,
    ProfileOpener,
    profile_help,
    profile_title,
)
from vpstui.ui.screens.main import MainScreen

#: Textual's own word for the command palette's key in the footer (the footer translates it).
PALETTE = N_("palette")
#: After SIGHUP or SIGTERM, how long closing may take before the process ends anyway. With
#: the terminal gone (a dropped SSH session), Textual 8's output thread dies on its first
#: failed write, and once 30 frames queue behind it, closing waits for it forever: about
#: 1 start in 10 left a vpstui process behind (what was in flight is recorded first).
EXIT_GRACE = 3.0

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

# Not imported here, so not on the start path (issue 4): the dialogs, the help screen and
# crash reporting, each imported where it is first needed.


class VpsApp(VpsAppBase):
    """The vpstui terminal app: its screens, the command palette and profile switching
    (the state every screen uses is in `VpsAppBase`)."""

    # The main screen's styles load with the app's: it is the default screen, whose own
    # CSS_PATH Textual would not read (the dialogs' styles load when one first opens).
    CSS_PATH = ["screens/main.tcss", "widgets/insight.tcss"]

    TITLE = "vpstui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", N_("Quit")),
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        api: VpsClient | PlannedClient | None,
        *,
        clock: Clock | None = None,
        tick_seconds: float = 1.0,
        audit_path: Path | None = None,
        open_profile: ProfileOpener | None = None,
        ops_path: Path | None = None,
        slow_after: float = SLOW_AFTER,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(
            settings,
            api,
            clock=clock,
            tick_seconds=tick_seconds,
            audit_path=audit_path,
            ops_path=ops_path,
            slow_after=slow_after,
        )
        #: Resolves another profile for "Switch to profile NAME" (None: not offered).
        self._open_profile = open_profile
        #: Called once the first screen has been drawn (`vpstui.cli`: start-up is over).
        self._on_first_frame = on_first_frame
        #: Where a crash report was written, once the app has crashed.
        self.crash_report: Path | None = None
        self._crash_notice = ""

    def _handle_exception(self, error: Exception) -> None:
        """A crash: instead of Textual's traceback with every frame's locals (where the token
        may be), write a redacted report and print one plain notice after the terminal is
        restored. Mirrors `App._handle_exception` in Textual 8.2.8 otherwise."""
        self._return_code = 1
        if self._exception is None:
            from vpstui.crash import crash_notice, write_report

            secrets = self.secrets()
            report = write_report(error, secrets)
            self.crash_report = report
            self._crash_notice = crash_notice(error, report, secrets)
            self.bell()
            self._exception = error  # as Textual does: `run_test` re-raises it
            self._exception_event.set()
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Textual calls this once the terminal is restored: print the crash notice as plain
        text (never wrapped or cropped, so the report path can be copied)."""
        if self._crash_notice:
            self._exit_renderables.clear()
            sys.stderr.write(self._crash_notice)
            sys.stderr.flush()
            self._crash_notice = ""
        super()._print_error_renderables()

    def get_default_screen(self) -> Screen[Any]:
        """The first screen is the app's default screen: no blank one to build and paint
        before it (about 15 ms of start-up, issue 4)."""
        if self.has_client:
            screen: Screen[Any] = MainScreen()
        else:
            from vpstui.ui.screens.first_run import FirstRunScreen

            screen = FirstRunScreen()
        # Textual 8.2.8 gives the default screen no result callback, so `switch_screen`
        # away from it would pop from an empty list; give it the one `push_screen` would.
        screen._push_result_callback(self, None)
        return screen

    def on_load(self) -> None:
        # Before any widget exists: the main screen's first requests get a head start,
        # unless the listing cache has rows for its first frame: then they leave right
        # after that frame (building the HTTPS client is no part of it; issue 13).
        if self.has_client:
            scope = initial_scope(self.settings.server)
            if self.read_listing_cache(scope):
                return
            try:
                api = self.api
            except ApiError:
                return  # the app is ending with the reason (`api`)
            self.prefetch = StartupPrefetch(api, scope, self.request_watch)

    def on_mount(self) -> None:
        self.call_after_refresh(self.keep_styles)
        if self._on_first_frame is not None:
            self.call_after_refresh(self._on_first_frame)
        for warning in self.settings.warnings:
            self.notify(warning, severity="warning", timeout=15)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):  # a dropped SSH session, a kill
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.ended_by_signal, signum)

    def ended_by_signal(self, signum: int) -> None:
        """SIGHUP or SIGTERM: record what is in flight (unknown; checked next start), exit."""
        from vpstui.operations import abandon_in_flight

        name = signal.Signals(signum).name
        abandon_in_flight(
            f"vpstui was ended by {name} while waiting for the answer; checked at the next start."
        )
        if not self.is_headless:  # a real terminal's driver (never a test's process)
            end_anyway_after(EXIT_GRACE, 128 + signum)
        self.exit(return_code=128 + signum)

    async def action_quit(self) -> None:
        """q / ctrl+q: quit; with a request in flight, ask first and record it."""
        from vpstui.operations import abandon_in_flight, in_flight
        from vpstui.ui.dialogs.quit import QuitDialog, busy_dialogs

        pending, busy = in_flight(), busy_dialogs(self)
        if not pending and not busy:
            self.exit()
            return
        if isinstance(self.screen, QuitDialog):
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                abandon_in_flight(
                    "vpstui was quit while waiting for the answer; checked at the next start."
                )
                self.exit()

        self.push_screen(QuitDialog(pending, busy), answered)

    async def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)
        if self.prefetch is not None:
            self.prefetch.cancel()
        if self._api is not None:
            await self._api.aclose()

    @property
    def main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def action_command_palette(self) -> None:
        """ctrl+p: Textual's command palette, worded in the language in use."""
        from vpstui.ui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(Palette())

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's hint that it does not quit, in the language in use (Textual
        8.2.8's `App.action_help_quit` says it in English)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    _("Press {key} to quit vpstui.").format(key=escape(key)),
                    title=_("Quit?"),
                )
                return

    def action_help(self) -> None:
        from vpstui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """vpstui's own commands only: Textual's stock ones (Keys, Maximize, Screenshot, an
        unsaved Theme) serve no operator; Help and Quit are offered in our words."""
        yield SystemCommand(_("Help"), _("Every key and what it does (?)"), self.action_help)
        # As ctrl+q: with a request in flight, it asks first.
        yield SystemCommand(_("Quit"), _("Leave vpstui (ctrl+q)"), self.action_quit)
        yield from self._profile_commands(screen)
        main = self.main
        if main is None or screen is not main:
            # Over a dialog (or the help): the main screen's actions would open another
            # dialog over one that may be sending (a delete over a create, seen in tmux).
            return
        off = _(" (off: read-only)") if self.settings.read_only else ""
        actions = (
            (N_("New backup"), N_("Create a manual backup (n){off}"), main.action_create),
            (
                N_("Delete backup"),
                N_("Delete the selected backup (Delete){off}"),
                main.action_delete,
            ),
            (
                N_("Restore from backup"),
                N_("Restore a server from the selected backup (R){off}"),
                main.action_restore,
            ),
            (N_("Refresh"), N_("Fetch the backup list now (ctrl+r)"), main.action_refresh),
            (N_("Filter rows"), N_("Filter by id, server or description (/)"), main.action_filter),
            (N_("Cycle type filter"), N_("All → manual → automatic (t)"), main.action_cycle_type),
            (N_("Choose server"), N_("Focus the server picker (s)"), main.action_servers),
            (N_("Copy backup ID"), N_("Copy the selected backup's ID (c)"), main.action_copy_id),
            (
                N_("Copy backup summary"),
                N_("Copy a one-line summary (C)"),
                main.action_copy_summary,
            ),
            (
                N_("Copy incident summary"),
                N_("Who restored what, and when (I)"),
                main.action_copy_incident,
            ),
            (
                N_("Backup details"),
                N_("Every field of the selected backup (Enter)"),
                main.table.action_select,
            ),
            (
                N_("Sort by next column"),
                N_("Cycle the sort column (o)"),
                main.table.action_next_sort,
            ),
        )
        for title, help_text, callback in actions:
            yield SystemCommand(_(title), _(help_text).format(off=off), callback)
        yield from main.mark_commands()
        yield SystemCommand(
            _("All servers"),
            _("Show the backups of every server"),
            lambda: main.set_scope(None, main.scope[1]),
        )
        # Titled by the name alone: "Show server db-primary" matched a search for "web"
        # (s-h-o-W, s-E-rver, d-B).
        for server in main.servers:
            name = escape(safe_text(server.name, 40))  # the palette reads titles as markup
            yield SystemCommand(
                _("Server {name}").format(name=name),
                _("Show the backups of {name} (id {id})").format(name=name, id=server.id),
                lambda server_id=server.id: main.set_scope(server_id, main.scope[1]),
                discover=False,
            )

    # --- profiles ---------------------------------------------------------------------------

    def _profile_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """ "Switch to profile NAME" for each configured profile (not over a dialog)."""
        if self._open_profile is None or not _home_screen(screen):
            return
        for name in self.settings.profiles:
            yield SystemCommand(
                escape(profile_title(safe_text(name, 40), self.settings)),
                escape(profile_help(safe_text(name, 40), self.settings)),
                lambda name=name: self.switch_profile(name),
            )

    def switch_profile(self, name: str) -> None:
        """Resolve profile `name` in a worker thread; `ProfileOpened` then swaps it in."""
        if self._open_profile is None:
            return
        self.notify(_("Switching to profile {name}…").format(name=name), timeout=3)
        self._resolve_profile(name, self._open_profile)

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def _resolve_profile(self, name: str, open_profile: ProfileOpener) -> None:
        try:
            settings, api = open_profile(name)
        except ConfigError as error:
            self.post_message(ProfileFailed(name, str(error)))
            return
        self.post_message(ProfileOpened(settings, api))

    @on(ProfileFailed)
    def _profile_failed(self, message: ProfileFailed) -> None:
        current = self.settings.profile
        stay = _("{reason} Still on profile {current}.") if current else "{reason}"
        self.notify(
            stay.format(reason=message.reason, current=current),
            title=_("Cannot switch to profile {name}").format(name=message.name),
            severity="error",
            timeout=15,
        )

    @on(ProfileOpened)
    async def _profile_opened(self, message: ProfileOpened) -> None:
        """Swap in the new account: client, audit log, and a fresh main screen."""
        from vpstui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        if not _home_screen(self.screen):
            # A dialog opened meanwhile and acts on the current account: leave it be.
            await message.api.aclose()
            self.notify(
                _("Profile {name} was not switched to: close the dialog and switch again.").format(
                    name=message.settings.profile
                ),
                severity="warning",
            )
            return
        old = self.use_account(message.settings, message.api)
        await self.switch_screen(MainScreen())
        if old is not None:
            await old.aclose()
        name = message.settings.profile
        self.notify(
            _("Now on profile {name} ({host}).").format(name=name, host=message.api.host),
            title=_("Profile switched"),
        )
        for warning in message.settings.warnings:
            self.notify(warning, severity="warning", timeout=15)


def _home_screen(screen: object) -> bool:
    """The main screen or the first-run screen: a profile can be switched from either.
    (The first-run screen's module is imported only when there is no token.)"""
    from vpstui.ui.screens.first_run import FirstRunScreen

    return isinstance(screen, MainScreen | FirstRunScreen)


def end_anyway_after(seconds: float, code: int) -> None:
    """End the process with `code` in `seconds` unless it has ended by then (a daemon
    thread: a normal exit does not wait for it)."""

    def end() -> None:
        time.sleep(seconds)
        os._exit(code)

    threading.Thread(target=end, name="vpstui-end-anyway", daemon=True).start()
