"""Shown instead of the backups when there is no token, or the API rejected it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from vpstui.config import TOKEN_ORDER, config_path
from vpstui.format import safe_text
from vpstui.i18n import N_, _
from vpstui.ui.widgets.footer import KeysFooter

#: How `vpstui.api` words a 401; the screen names the source in its place.
API_REJECTED = "The API rejected the token ({status}){said}"


def _rejected_prefix() -> str:
    """The 401 message's words before its status, in the language in use."""
    return _(API_REJECTED).split("{status}", 1)[0].rstrip("(（ ")


def token_help(reason: str | None, source: str | None = None, config: Path | None = None) -> Text:
    """How to give vpstui a token, the sources in the order they are looked for; after a
    401, first which token was rejected (`source`, e.g. "token_command in PATH"). `config`
    is the config file the settings came from."""
    text = Text()
    if reason:
        answer = safe_text(reason, 300)
        prefix = _rejected_prefix()
        if answer.startswith(prefix):
            answer = answer[len(prefix) :].lstrip()  # "(401): …": said once, below
        rejected = (
            _("The API rejected the token from {source} {answer}").format(
                source=safe_text(source, 200), answer=answer
            )
            if source
            else _("The API rejected the token {answer}").format(answer=answer)
        )
        text.append(f"{rejected}\n\n", style="bold red")
    else:
        text.append(_("vpstui needs a VPS.org API token.") + "\n\n", style="bold")
    text.append(_("It is looked for in this order (the first found wins):") + "\n\n")
    for number, (where, what) in enumerate(TOKEN_ORDER, start=1):
        text.append(f"  {number}. ")
        text.append(f"{where:<21}", style="green")
        text.append(f" {_(what)}\n")
    text.append("\n" + _("The config file: "))
    text.append(f"{config or config_path()}\n", style="cyan")
    text.append("  " + _("e.g. "))
    text.append('token_command = "pass show vps.org/api-token"\n', style="green")
    text.append("  " + _("(token_command is the safest: no secret on disk)") + "\n\n")
    text.append(_("Create a token in the VPS.org control panel under Account → API.") + "\n")
    text.append(_("To look around without an account: "))
    text.append("vpstui --demo\n\n", style="bold green")
    text.append(_("Press q to quit."), style="dim")
    return text


class FirstRunScreen(Screen[None]):
    """Explains how to provide a token; stays open so it can be read (q quits)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", N_("Quit"))]

    DEFAULT_CSS = """
    FirstRunScreen { align: center middle; }
    FirstRunScreen #explain {
        width: 80; max-width: 100%; height: auto;
        border: thick $warning; padding: 1 2; background: $surface;
    }
    """

    def __init__(self, reason: str | None = None, source: str | None = None) -> None:
        super().__init__()
        self.reason = reason
        #: Where the rejected token came from (`Settings.token_source`).
        self.source = source

    def compose(self) -> ComposeResult:
        with VerticalScroll(), Center():
            # The app's settings (`VpsAppBase`, which imports this screen): the file read.
            config = getattr(getattr(self.app, "settings", None), "config_path", None)
            yield Static(token_help(self.reason, self.source, config), id="explain")
        yield KeysFooter()
