"""Shown instead of the backups when there is no token, or the API rejected it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from vpstui.config import ENV_TOKEN, default_config_path
from vpstui.format import safe_text
from vpstui.ui.widgets.footer import KeysFooter


def token_help(reason: str | None) -> Text:
    """How to give vpstui a token, in the order we recommend."""
    text = Text()
    if reason:
        text.append("The API rejected the token.\n", style="bold red")
        text.append(safe_text(reason, 300) + "\n\n")
    else:
        text.append("vpstui needs a VPS.org API token.\n\n", style="bold")
    text.append("Give it one of these ways (the first found wins):\n\n")
    text.append("  1. A command that prints it, in the config file (best: nothing on disk)\n")
    text.append(f"     {default_config_path()}\n", style="cyan")
    text.append('       token_command = "pass show vps.org/api-token"\n', style="green")
    text.append("  2. The environment:  ")
    text.append(f"export {ENV_TOKEN}=…\n", style="green")
    text.append("  3. A file readable only by you:  ")
    text.append("vpstui --token-file ~/.vps-token\n", style="green")
    text.append('  4. token = "…" in the config file (chmod 600 it)\n\n')
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

    def __init__(self, reason: str | None = None) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with VerticalScroll(), Center():
            yield Static(token_help(self.reason), id="explain")
        yield KeysFooter()
