"""`InsightPanel`: the selected server (or the whole account) at a glance, over the table.

For one server: how fresh its newest completed backup is, the size trend of its
automatic backups, the manual quota as a meter, and what expires within 48 hours.
For All servers: account totals and the servers that need attention. Everything
reads without colour (a symbol and words), and every API string goes through
`safe_text`. On a small terminal it is one line; `i` hides or shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import Static

from vpstui.api.models import MANUAL_BACKUP_LIMIT
from vpstui.format import EXPIRING_SOON_HOURS, duration, human_size, safe_text
from vpstui.i18n import _, ngettext
from vpstui.summary import AccountOverview, ServerSummary

__all__ = ["InsightPanel", "age_text", "meter", "overdue_text", "sparkline"]

#: Below either size the panel is a single line.
COMPACT_WIDTH = 110
COMPACT_HEIGHT = 30
#: Trend points drawn in the one-line form.
COMPACT_TREND = 10
#: Servers named on the attention line (the picker marks every one of them).
NAMED = 20

BARS = "▁▂▃▄▅▆▇█"
#: A spread smaller than this share of the largest value is noise: drawn flat.
FLAT = 0.002


def sparkline(values: Sequence[float], width: int | None = None) -> str:
    """Block characters for `values` (oldest first), scaled from their least to their
    largest; only the newest `width` of them when `width` is given."""
    if width is not None:
        values = values[-width:]
    if not values:
        return ""
    low, high = min(values), max(values)
    spread = high - low
    if spread <= abs(high) * FLAT:
        return BARS[3] * len(values)
    top = len(BARS) - 1
    return "".join(BARS[min(top, int((value - low) / spread * len(BARS)))] for value in values)


def meter(count: int, limit: int = MANUAL_BACKUP_LIMIT) -> str:
    """`count` of `limit` as a bar: "▰▰▰▰▰▰▰▱▱▱ 7/10"."""
    filled = max(0, min(count, limit))
    return "▰" * filled + "▱" * (limit - filled) + f" {count}/{limit}"


def age_text(hours: float) -> str:
    """Hours as a length of time, worded by `vpstui.format.duration`: "40m", "37h", "5d"."""
    return duration(hours * 3600)


def overdue_text(summary: ServerSummary, now: datetime) -> str:
    """How a server needing attention is marked: "37h" old, or "none" completed."""
    hours = summary.age_hours(now)
    return _("none") if hours is None else age_text(hours)


def _limit(hours: float) -> str:
    return _("{n} h").format(n=f"{hours:g}")


def _label(word: str) -> str:
    """A line's label ("trend", "manual"), padded to the same 8 cells in any language."""
    return word + " " * max(1, 8 - cell_len(word))


def _backups(count: int) -> str:
    return ngettext("{n} backup", "{n} backups", count).format(n=f"{count:,}")


def _servers(count: int) -> str:
    return ngettext("{n} server", "{n} servers", count).format(n=f"{count:,}")


def _trend_change(values: Sequence[float]) -> str:
    first, last = values[0], values[-1]
    if first <= 0:
        return ""
    change = (last - first) / first * 100
    if abs(change) < 0.5:
        return "±0%"
    return f"{change:+.0f}%"


class InsightPanel(Static):
    """A few lines between the scope line and the table; `show_server` / `show_account`."""

    _shown: Text | None = None
    #: The last `show_*` call, to draw again at a new size.
    _redraw: Callable[[], None] | None = None

    def _compact(self) -> bool:
        width, height = self.app.size
        return width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    def _put(self, text: Text) -> None:
        self.set_class(self._compact(), "-compact")
        if text != self._shown:  # called on the tick: repaint only on change
            # Lines never wrap, so the same number of lines is the same height: no layout
            # of the whole screen then (the "so far" line changes with every batch of rows).
            lines = text.plain.count("\n")
            same = self._shown is not None and self._shown.plain.count("\n") == lines
            self._shown = text
            self.update(text, layout=not same)

    def on_resize(self, event: events.Resize) -> None:
        if self._redraw is not None:
            self._redraw()

    # --- one server -----------------------------------------------------------------------

    def show_server(
        self,
        summary: ServerSummary | None,
        name: str,
        now: datetime,
        stale_after_hours: float,
    ) -> None:
        """What `summary` says about the server called `name`; None: not known yet."""
        self._redraw = lambda: self.show_server(summary, name, now, stale_after_hours)
        if summary is None:
            gathering = _("{server}: gathering backup facts…").format(server=safe_text(name, 40))
            self._put(Text(gathering, style="dim"))
            return
        if self._compact():
            self._put(self._server_line(summary, now, stale_after_hours))
        else:
            self._put(self._server_lines(summary, now, stale_after_hours))

    def _verdict(self, text: Text, summary: ServerSummary, now: datetime, limit: float) -> None:
        hours = summary.age_hours(now)
        if hours is None:
            text.append(_("⚠ no completed backup"), style="bold red")
        elif summary.freshness == "stale":
            text.append(
                _("⚠ newest completed backup {age} ago, over the {limit} limit").format(
                    age=age_text(hours), limit=_limit(limit)
                ),
                style="bold yellow",
            )
        else:
            text.append("✓ ", style="green")
            text.append(_("newest completed backup {age} ago").format(age=age_text(hours)))

    def _server_lines(self, summary: ServerSummary, now: datetime, limit: float) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        self._verdict(text, summary, now, limit)
        in_all = _("{backups} · {size} in all").format(
            backups=_backups(summary.backups), size=human_size(summary.total_mb)
        )
        text.append(f" · {in_all}", style="dim")
        text.append("\n" + _label(_("trend")), style="bold")
        trend = summary.trend_mb
        if not trend:
            text.append(_("no completed automatic backups yet"), style="dim")
        elif len(trend) == 1:
            text.append(_("{size} (one automatic backup)").format(size=human_size(trend[0])))
        else:
            text.append(sparkline(trend), style="cyan")
            text.append(
                "  "
                + _("{first} → {last} ({change}) · last {n} automatic").format(
                    first=human_size(trend[0]),
                    last=human_size(trend[-1]),
                    change=_trend_change(trend),
                    n=len(trend),
                )
            )
        text.append("\n" + _label(_("manual")), style="bold")
        self._quota(text, summary)
        self._expiring(text, summary, compact=False)
        if summary.failed:
            failed = _("✗ {n} failed").format(n=summary.failed)
            text.append(f" · {failed}", style="red")
        return text

    def _server_line(self, summary: ServerSummary, now: datetime, limit: float) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        hours = summary.age_hours(now)
        if hours is None:
            text.append(_("⚠ no completed backup"), style="bold red")
        elif summary.freshness == "stale":
            text.append(
                _("⚠ {age} old (over {limit})").format(age=age_text(hours), limit=_limit(limit)),
                style="bold yellow",
            )
        else:
            text.append("✓ ", style="green")
            text.append(_("{amount} ago").format(amount=age_text(hours)))
        if len(summary.trend_mb) > 1:
            text.append(" · ")
            text.append(sparkline(summary.trend_mb, COMPACT_TREND), style="cyan")
            text.append(f" {_trend_change(summary.trend_mb[-COMPACT_TREND:])}")
        text.append(" · " + _("manual") + " ")
        self._quota(text, summary)
        self._expiring(text, summary, compact=True)
        return text

    def _quota(self, text: Text, summary: ServerSummary) -> None:
        full = summary.manual >= MANUAL_BACKUP_LIMIT
        style = "bold red" if full else ("yellow" if summary.manual >= 8 else "")
        text.append(meter(summary.manual), style=style)
        if full:
            text.append(" " + _("full"), style="bold red")
        if summary.manual_in_progress:
            running = _(" ({n} in progress)").format(n=summary.manual_in_progress)
            text.append(running, style="yellow")

    def _expiring(self, text: Text, summary: ServerSummary, *, compact: bool) -> None:
        count = summary.expiring_soon
        if compact:
            words = _("{n} expire <{hours}h") if count else _("none expire <{hours}h")
        else:
            words = _("{n} expire within {hours} h") if count else _("none expire within {hours} h")
        line = words.format(n=count, hours=EXPIRING_SOON_HOURS)
        text.append(f" · {line}", style="yellow" if count else "dim")

    # --- the account ----------------------------------------------------------------------

    def show_loading(
        self, loaded: int, expected: int | None, servers: int, total_mb: float
    ) -> None:
        """While the first listing loads: the facts so far. Which servers need attention
        waits for the last page (a server's completed backup may be on a later one)."""
        self._redraw = lambda: self.show_loading(loaded, expected, servers, total_mb)
        text = Text(no_wrap=True, overflow="ellipsis")
        so_far = (
            _("So far {loaded} of {expected} backups on {where} · {size}")
            if expected
            else _("So far {loaded} backups on {where} · {size}")
        )
        text.append(
            so_far.format(
                loaded=f"{loaded:,}",
                expected=f"{expected or 0:,}",
                where=_servers(servers),
                size=human_size(total_mb),
            )
        )
        if not self._compact():
            text.append(
                "\n" + _("which servers need attention: once every page is in"), style="dim"
            )
        self._put(text)

    def show_account(
        self,
        overview: AccountOverview | None,
        now: datetime,
        stale_after_hours: float,
        *,
        cached: bool = False,
    ) -> None:
        """Totals and the servers needing attention; None: nothing loaded yet. `cached`:
        drawn from the listing cache, marked ◷ as the header marks it."""
        self._redraw = lambda: self.show_account(overview, now, stale_after_hours, cached=cached)
        if overview is None:
            self._put(Text(_("Gathering backup facts…"), style="dim"))
            return
        compact = self._compact()
        text = Text(no_wrap=True, overflow="ellipsis")
        if cached:
            text.append("◷ ", style="dim")
        size = human_size(overview.total_mb)
        if compact:
            text.append(f"{_servers(overview.servers)} · {size} · ")
        else:
            text.append(
                _("{servers} · {size} in {n} backups").format(
                    servers=_servers(overview.servers), size=size, n=f"{overview.backups:,}"
                )
            )
            expiring = _("{n} expire within {hours} h").format(
                n=f"{overview.expiring_soon:,}", hours=EXPIRING_SOON_HOURS
            )
            text.append(f" · {expiring}")
            if overview.in_progress:
                running = _("{n} in progress").format(n=f"{overview.in_progress:,}")
                text.append(f" · {running}", style="yellow")
            text.append("\n")
        attention = overview.attention
        if not attention:
            text.append("✓ ", style="green")
            text.append(
                _("every server has a completed backup from the last {limit}").format(
                    limit=_limit(stale_after_hours)
                )
            )
        else:
            count = len(attention)
            if compact:
                overdue = _("⚠ {n} overdue: ").format(n=f"{count:,}")
                text.append(overdue, style="bold yellow")
            else:
                who = ngettext(
                    "⚠ {n} server has no completed backup from the last {limit}: ",
                    "⚠ {n} servers have no completed backup from the last {limit}: ",
                    count,
                )
                text.append(
                    who.format(n=f"{count:,}", limit=_limit(stale_after_hours)),
                    style="bold yellow",
                )
            named = ", ".join(
                f"{safe_text(s.name, 30)} {overdue_text(s, now)}" for s in attention[:NAMED]
            )
            text.append(named + (", …" if count > NAMED else ""))
        if overview.quota_full and not compact:
            names = ", ".join(safe_text(name, 30) for name in overview.quota_full[:NAMED])
            more = ", …" if len(overview.quota_full) > NAMED else ""
            full = _("manual quota full ({limit}/{limit}): ").format(limit=MANUAL_BACKUP_LIMIT)
            text.append(f"\n{full}")
            text.append(names + more, style="red")
        self._put(text)
