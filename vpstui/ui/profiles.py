"""Switching profiles inside the app: what the palette's "Switch to profile NAME" runs.

The app is given a `ProfileOpener` (the CLI builds it from its flags; tests pass their
own): called in a worker thread with a profile's name, it resolves that profile's
settings (a token_command may run) and builds its API client, or raises `ConfigError`.
The worker answers with `ProfileOpened` or `ProfileFailed`; the app's handler swaps the
client and puts a fresh main screen in place, so nothing of the previous account stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from textual.message import Message

from vpstui.config import Settings
from vpstui.i18n import _

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = ["ProfileFailed", "ProfileOpened", "ProfileOpener", "profile_help", "profile_title"]

#: Resolve a profile by name and build its client; raises `ConfigError`.
ProfileOpener: TypeAlias = "Callable[[str], tuple[Settings, VpsClient]]"


class ProfileOpened(Message):
    """The profile `settings.profile` resolved; `api` is its new client."""

    def __init__(self, settings: Settings, api: VpsClient) -> None:
        super().__init__()
        self.settings = settings
        self.api = api


class ProfileFailed(Message):
    """The profile `name` could not be used; `reason` says why (never the token)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__()
        self.name = name
        self.reason = reason


def profile_title(name: str, current: Settings) -> str:
    """The palette's title for profile `name`: what choosing it does."""
    if name == current.profile:
        return _("Reload profile {name} (in use)").format(name=name)
    return _("Switch to profile {name}").format(name=name)


def profile_help(name: str, current: Settings) -> str:
    """The palette's help line for switching to `name`."""
    if name == current.profile:
        return _("Reload profile {name} (the one in use): a fresh token and list").format(name=name)
    return _("Use the account of [profiles.{name}]; the backups shown are replaced").format(
        name=name
    )
