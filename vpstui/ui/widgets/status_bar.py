"""The header line and the stale-data banner: where the data comes from and how fresh it is."""

from __future__ import annotations

from datetime import datetime

import msgspec
from rich.color import Color, ColorParseError
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from vpstui.format import duration, relative_time, safe_text, type_text
from vpstui.i18n import _, ngettext


class Connection(msgspec.Struct):
    """What the header shows; the main screen updates it and calls `StatusBar.show`."""

    host: str
    demo: bool = False
    #: The profile in use, shown as a badge in `colour` so nobody mistakes the account.
    profile: str | None = None
    colour: str | None = None
    read_only: bool = False
    scope: str = "All servers"
    type_filter: str | None = None
    text_filter: str = ""
    shown: int = 0
    total: int = 0
    in_progress: int = 0
    #: Backups marked for deletion (`space`).
    marked: int = 0
    last_ok: datetime | None = None
    loading: bool = False
    loaded: int = 0
    expected: int | None = None
    error: str | None = None
    retry_at: datetime | None = None
    skipped: int = 0
    restoring: tuple[str, ...] = ()
    #: A refresh waits long for an answer: what the header says about it (None: it doesn't).
    slow: str | None = None
    #: The rows come from the listing cache, saved then (None: live data).
    cached_at: datetime | None = None


def badge_style(colour: str | None) -> Style:
    """Bold text on `colour`, in black or white, whichever reads better on it."""
    if colour is None:
        return Style(bold=True, reverse=True)
    try:
        red, green, blue = Color.parse(colour).get_truecolor()
    except ColorParseError:  # the config checked it; never fail to draw the header
        return Style(bold=True, reverse=True)
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 150
    return Style(bold=True, color="black" if light else "white", bgcolor=colour)


#: The least the header keeps of its beginning (the account) when it is cut for its end.
MIN_HEAD = 12


def keep_the_tail(head: Text, tail: Text, width: int) -> Text:
    """`head` cut with "…" so that `tail` still fits whole in `width` cells; but at least
    `MIN_HEAD` cells of `head` stay (a longer tail is then cut at its end, as usual)."""
    line = head.copy()
    line.truncate(max(width - tail.cell_len, MIN_HEAD), overflow="ellipsis")
    line.append_text(tail)
    return line


def _seconds_until(when: datetime, now: datetime) -> str:
    return duration(round((when - now).total_seconds()))


#: What the header leaves out, in this order, when the terminal is too narrow for it all.
#: "refreshing" is what a refresh under way says ("refreshing…", "loaded 2,540 of 3,000",
#: why it waits): the state word before it stays, and the name of a server being restored
#: after it must not be cut off the end of the line for it (it was, at 80 columns).
DROPPABLE = ("simulated backend", "vpstui", "updated", "refreshing")


class StatusBar(Static):
    """One line at the top: account, connection state, freshness, scope."""

    _shown: Text | None = None
    _signature: tuple[object, ...] | None = None

    _last: tuple[Connection, datetime] | None = None

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def show(self, state: Connection, now: datetime) -> None:
        """Draw the header for `state`: all of it when it fits; on a narrow terminal the
        words "simulated backend", "vpstui" and "updated", then what a refresh under way
        says, go first, whole (before a restored server's name is cut off)."""
        self._last = (state, now)
        # Before the first layout (the first frame is drawn from it) the header is as
        # wide as the terminal: a width of 0 dropped the "vpstui" badge from that frame.
        width = self.size.width or self.app.size.width
        age = relative_time(state.last_ok, now) if state.last_ok is not None else None
        # A listing saved "in the future" (a clock set back since) is at most as old as now.
        cached = relative_time(min(state.cached_at, now), now) if state.cached_at else None
        # Called every second: skip building the line when nothing it shows has changed.
        signature = (width, age, cached, msgspec.structs.astuple(state))
        if signature == self._signature:
            return
        self._signature = signature
        for drop in range(len(DROPPABLE) + 1):
            dropped = set(DROPPABLE[:drop])
            text = self._line(state, age, cached, dropped)
            if text.cell_len <= width:
                break
        else:  # still too wide: cut before the restored servers' names, not them
            text = keep_the_tail(self._head(state, age, cached, dropped), self._tail(state), width)
        if text != self._shown:  # the tick calls this every second; repaint only on change
            self._shown = text
            self.update(text, layout=False)  # always one line: no need to lay out the screen

    def _line(
        self, state: Connection, age: str | None, cached: str | None, dropped: set[str]
    ) -> Text:
        text = self._head(state, age, cached, dropped)
        text.append_text(self._tail(state))
        return text

    def _head(
        self, state: Connection, age: str | None, cached: str | None, dropped: set[str]
    ) -> Text:
        """Who and where, and how fresh: all but `_tail`."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if "vpstui" not in dropped:
            text.append(" vpstui ", style="bold reverse")
            text.append(" ")
        if state.profile:
            text.append(
                f" {safe_text(state.profile, 20).upper()} ", style=badge_style(state.colour)
            )
            text.append(" ")
        if state.read_only:
            text.append(" " + _("READ-ONLY") + " ", style="bold black on cyan")
            text.append(" ")
        if state.demo:
            text.append(" " + _("DEMO") + " ", style="bold black on yellow")
            if "simulated backend" not in dropped:
                text.append(" " + _("simulated backend") + " ", style="dim")
        else:
            text.append(safe_text(state.host, 60), style="bold")
        text.append("  ")
        if state.error:
            text.append(_("⚠ stale"), style="bold red")
        elif state.slow:
            text.append(_("◌ waiting"), style="bold yellow")
        elif cached is not None:
            text.append(_("◷ cached {age}").format(age=cached), style="bold yellow")
        elif state.loading and state.last_ok is None:
            # Pages have come: connected, the listing still loading.
            text.append(_("◌ loading") if state.loaded else _("◌ connecting"), style="yellow")
        elif state.last_ok is not None:
            text.append(_("● live"), style="green")
        if state.last_ok is not None:
            updated = age if "updated" in dropped else _("updated {age}").format(age=age)
            text.append(f" · {updated}", style="dim")
        if "refreshing" not in dropped:
            self._refreshing(text, state)
        if state.skipped:
            unreadable = _("{n} unreadable").format(n=state.skipped)
            text.append(f" · {unreadable}", style="red")
        return text

    @staticmethod
    def _tail(state: Connection) -> Text:
        """The restores being followed: the end of the line, kept whole when it is cut."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if state.restoring:
            names = ", ".join(safe_text(name, 30) for name in state.restoring)
            # The API accepted a restore; it does not say one is running (see README).
            accepted = _("restore accepted: {names}").format(names=names)
            text.append(f" · {accepted}", style="bold magenta")
        return text

    @staticmethod
    def _refreshing(text: Text, state: Connection) -> None:
        """What a refresh under way says, after the state word ("◌ waiting" and so on)."""
        if state.slow:  # instead of "refreshing…": the rows stay, ctrl+r tries again now
            slow = _("{why} (ctrl+r: now)").format(why=safe_text(state.slow, 80))
            text.append(f" · {slow}", style="bold yellow")
        elif state.loading:
            if state.expected:
                loaded = _("loaded {loaded} of {expected}").format(
                    loaded=f"{state.loaded:,}", expected=f"{state.expected:,}"
                )
                text.append(f" · {loaded}", style="yellow")
            else:
                text.append(" · " + _("refreshing…"), style="dim")


class ScopeBar(Static):
    """The line above the table: what it shows (server, type, text filter) and counts."""

    _shown: Text | None = None

    def show(self, state: Connection) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" " + safe_text(state.scope, 40), style="bold")
        if state.shown != state.total:
            count = ngettext("{shown} of {total} backup", "{shown} of {total} backups", state.total)
        else:
            count = ngettext("{total} backup", "{total} backups", state.total)
        # Before any answer (and no cached rows), no count: "0 backups" would be a claim.
        told = state.total or state.last_ok is not None or state.cached_at is not None
        if told:
            text.append(" · " + count.format(shown=f"{state.shown:,}", total=f"{state.total:,}"))
        if state.type_filter:
            only = _("{type} only").format(type=type_text(state.type_filter))
            text.append(f" · {only}", style="cyan")
        if state.text_filter:
            before, _sep, after = _("filter “{text}”").partition("{text}")
            text.append(f" · {before}")
            text.append(safe_text(state.text_filter, 30), style="cyan")
            text.append(after)
        if state.in_progress:
            running = _("{n} in progress").format(n=state.in_progress)
            text.append(f" · {running}", style="yellow")
        if state.marked:
            text.append(" · ")
            text.append(_("{n} marked").format(n=state.marked), style="bold red")
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)


class StaleBanner(Static):
    """Shown under the header while the last refresh failed: what is wrong and what happens next."""

    _shown: Text | None = None

    def show(self, state: Connection, now: datetime) -> None:
        if not state.error:
            if self.display:
                self.display = False
            return
        self.display = True
        # What happens next on the first line, what went wrong on the second: each line is
        # cut with "…" on its own, so a long error never hides the retry.
        text = Text(no_wrap=True, overflow="ellipsis")
        if state.last_ok is not None:
            age = relative_time(state.last_ok, now)
            text.append(_("Showing data from {age}.").format(age=age), style="bold")
        elif state.cached_at is not None:  # no answer yet this session: the cache's rows
            age = relative_time(min(state.cached_at, now), now)
            text.append(_("Showing cached data from {age}.").format(age=age), style="bold")
        if state.retry_at is not None:
            wait = _seconds_until(state.retry_at, now)
            # The separating spaces are the language's: Chinese sets none before "（".
            retry = _(" Retrying in {wait}").format(wait=wait)
            text.append(retry if text.plain else retry.lstrip(), style="bold")
            text.append(_(" (ctrl+r: now)."))
        if text.plain:
            text.append("\n")
        text.append(safe_text(state.error, 400))
        if text != self._shown:
            self._shown = text
            self.update(text)
