"""How values read on screen: sizes, ages, timestamps, and untrusted text made inert.

No Textual here: the CLI and tests use the same wording as the app.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from vpstui.api.models import Backup
from vpstui.api.secret import redact_known

__all__ = [
    "EXPIRING_SOON_HOURS",
    "absolute_time",
    "backup_summary",
    "compact_age",
    "expires_text",
    "expiring_soon",
    "human_size",
    "long_age",
    "safe_text",
]

#: Backups expiring within this many hours stand out.
EXPIRING_SOON_HOURS = 48

DASH = "—"

# C0/C1 controls (ESC included), DEL, and bidi/zero-width format characters that can
# reorder or hide text (Trojan Source, RTL override).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_WHITESPACE = re.compile(r"[\t\n\r]+")


def safe_text(value: object, limit: int | None = None) -> str:
    """`value` as inert, single-line text: any API token removed (`redact_known`), control
    and bidi characters replaced, newlines folded to spaces, optionally cut to `limit`
    characters. Escape sequences lose their ESC, so they show as harmless text like `[2J`
    instead of acting on the terminal.
    """
    text = redact_known("" if value is None else str(value))  # before any clipping below
    if not text.isascii() or _UNSAFE.search(text) or "\n" in text or "\t" in text:
        text = _WHITESPACE.sub(" ", text)
        text = _UNSAFE.sub("\ufffd", text)
        # Lone surrogates and other unassigned code points cannot be encoded to the terminal.
        text = "".join(
            ch if unicodedata.category(ch) not in ("Cs", "Co", "Cn") else "\ufffd" for ch in text
        )
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def human_size(size_mb: float | None) -> str:
    """4523 → "4.4 GiB"; None → "—". The API's `size_mb` is taken as MiB."""
    if size_mb is None:
        return DASH
    from humanize import naturalsize

    if size_mb < 1:
        return f"{size_mb * 1024:.0f} KiB"
    return str(naturalsize(size_mb * 1024 * 1024, binary=True, format="%.1f"))


def compact_age(when: datetime | None, now: datetime) -> str:
    """A short relative time: "2h ago", "in 3d", "just now"; "—" when unknown."""
    if when is None:
        return DASH
    seconds = (when - now).total_seconds()
    future = seconds > 0
    span = abs(seconds)
    if span < 45:
        return "just now" if not future else "in <1m"
    if span < 3600:
        amount = f"{span // 60:.0f}m"
    elif span < 86400:
        amount = f"{span // 3600:.0f}h"  # whole hours passed, as the long form says it
    elif span < 86400 * 60:
        amount = f"{span // 86400:.0f}d"
    elif span < 86400 * 365 * 2:
        amount = f"{span / (86400 * 30.44):.0f}mo"
    else:
        amount = f"{span / (86400 * 365.25):.0f}y"
    return f"in {amount}" if future else f"{amount} ago"


def expires_text(backup: Backup, now: datetime) -> str:
    """What the Expires column says: "never" for manual backups, "in 3d", or "expired"."""
    if backup.expires_at is None:
        return "never" if backup.is_manual else DASH
    if backup.expires_at <= now:
        return "expired"
    return compact_age(backup.expires_at, now)


def expiring_soon(backup: Backup, now: datetime, hours: float = EXPIRING_SOON_HOURS) -> bool:
    """True if the backup expires within `hours` from now."""
    if backup.expires_at is None:
        return False
    return (backup.expires_at - now).total_seconds() <= hours * 3600


def absolute_time(when: datetime | None) -> str:
    """ "2025-01-16 03:00 UTC"; "—" when unknown."""
    if when is None:
        return DASH
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def status_word(status: str | None) -> str:
    """A status as words: "in_progress" → "in progress"; None → "unknown"."""
    if not status:
        return "unknown"
    return safe_text(status.replace("_", " "), 20)


def long_age(when: datetime | None, now: datetime) -> str:
    """A readable relative time for sentences: "3 days ago", "in 5 hours", "just now"."""
    if when is None:
        return "at an unknown time"
    seconds = (when - now).total_seconds()
    future = seconds > 0
    span = abs(seconds)
    if span < 45:
        return "just now"
    for unit, size in (
        ("year", 86400 * 365.25),
        ("month", 86400 * 30.44),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if span >= size * (2 if unit in ("year", "month") else 1) or unit == "minute":
            amount = max(1, int(span // size))
            words = f"{amount} {unit}{'' if amount == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    raise AssertionError("unreachable")  # pragma: no cover


def backup_summary(backup: Backup) -> str:
    """One line for the clipboard: "backup 501 of web-server-01 (id 12345): automatic,
    completed, 4.4 GiB, created 2025-01-16 03:00 UTC"."""
    return (
        f"backup {backup.id} of {safe_text(backup.server_name, 60)} (id {backup.server_id}): "
        f"{safe_text(backup.backup_type or 'unknown type', 20)}, {status_word(backup.status)}, "
        f"{human_size(backup.size_mb)}, created {absolute_time(backup.created_at)}"
    )
