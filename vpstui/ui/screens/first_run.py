"""Shown instead of the backups when there is no token, or the API rejected it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from vpstui.config import TOKEN_ORDER, default_config_path
from vpstui.format import safe_text
from vpstui.ui.widgets.footer import KeysFooter

#: How `vpstui.api` words a 401; the screen names the source in its place.
API_REJECTED = "The API rejected the token"


def token_help(reason: str | None, source: str | None = None) -> Text:
    """How to give vpstui a token, the sources in the order they are looked for; after a
    401, first which token was rejected (`source`, e.g. "token_command in PATH")."""
    text = Text()
    if reason:
        answer = safe_text(reason, 300)
        if answer.startswith(API_REJECTED):
            answer = answer[len(API_REJECTED) :].lstrip()  # "(401): …": said once, below
        whose = f"the token from {safe_text(source, 200)}" if source else "the token"
        text.append(f"The API rejected {whose} {answer}\n\n", style="bold red")
    else:
        text.append("vpstui needs a VPS.org API token.\n\n", style="bold")
    text.append("It is looked for in this order (the first found wins):\n\n")
    for number, (where, what) in enumerate(TOKEN_ORDER, start=1):
        text.append(f"  {number}. ")
        text.append(f"{where:<21}", style="green")
        text.append(f" {what}\n")
    text.append("\nThe config file: ")
    text.append(f"{default_config_path()}\n", style="cyan")
    text.append("  e.g. ")
    text.append('token_command = "pass show vps.org/api-token"\n', style="green")
    text.append("  (token_command is the safest: no secret on disk)\n\n")
    text.append("Create a token in the VPS.org control panel under Account → API.\n")
    text.append("To look around without an account: ")
    text.append("vpstui --demo\n\n", style="bold green")
    text.append("Press q to quit.", style="dim")
    return text


class FirstRunScreen(Screen[None]):
    """Explains how to provide a token; stays open so it can be read (q quits)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "Quit")]

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
            yield Static(token_help(self.reason, self.source), id="explain")
        yield KeysFooter()
