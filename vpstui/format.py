"""How values read on screen and in the CLI's human output: the one wording guide.

No Textual here: the app, the CLI and the tests all word things through this module.

Times
    A moment relative to now is written by `relative_time()` only, and only one way:
    "just now" (under a minute), "5m ago", "37h ago" (hours up to three days, so ages
    compare with limits given in hours), "4d ago", "3mo ago", "2y ago"; ahead of now
    "in <1m", "in 12h", "in 6d". Never "0m ago", never "1 minute ago". Every screen
    that shows one redraws it on the clock tick, so two places never disagree.
    A length of time (an age, a limit, a wait) is `duration()`: "16s", "40m", "37h", "4d".
    A moment in full is `absolute_time()`: "2025-01-16 03:00 UTC"; in a sentence, both:
    "2025-01-16 03:00 UTC (13h ago)". Absolute times never change with the language.
    In zh-CN the same rules hold with the units as words: "刚刚", "5 分钟前", "37 小时前",
    "4 天前", "6 天后", "不到 1 分钟后"; lengths "16 秒", "40 分钟", "37 小时", "4 天".
Ids
    A backup is "#2410" in every sentence: dialogs, toasts, notifications, the incident
    and clipboard summaries, the CLI's messages (`backup_ref()`). A column headed "ID"
    and what `c` copies hold the bare number "2410"; where an ID is typed back (the CLI's
    confirmation) "2410" and "#2410" are both accepted. A server is its name, with
    "(id 12345)" where the id matters.
Sizes
    `human_size()`: binary units, one decimal: "4.4 GiB", "512 KiB"; unknown "—" in a
    cell, "size unknown" / "size not known yet" (in progress) in a sentence.
Keys
    As the footer writes them, lower case: "n", "R", "/", "del", "enter", "esc", "ctrl+r",
    "f1"; capitalised only as a sentence's first word ("Esc clears the filter.", "Press
    R to restore."). The footer shows a key only where it works (not while a text field
    takes it as text).
Unknown values
    "—" in a table cell, a word in a sentence ("unknown", "none"), never an unlabeled dash.
Cut text
    Cut on a cell boundary and end with "…"; a value's number and unit are never split
    (a column too narrow for its values is dropped whole instead, as are footer keys and
    the header's optional words).
Punctuation
    An error quoted inside a sentence goes in `parenthetical()`: "(could not connect)",
    never "(could not connect.).". Items listed in a sentence are joined by `list_text()`
    (", "; zh-CN "、"), and Chinese text uses full-width brackets and colons (（）：).
Words
    Statuses read as words through `status_text()` ("in progress", "completed", "failed";
    in zh-CN 进行中, 已完成, 失败; a status the API invents is shown as it sent it) and
    types through `type_text()` (manual 手动, automatic 自动), on screen and in the CLI's
    human output. `status_word()` / `type_word()` are the same words as English `Term`s:
    for records, and as parameters of a Lazy message (which renders them translated).
    Only human text is worded: JSON and CSV carry the API's values, in English, whatever
    the language.
Language
    Everything here that is words goes through `vpstui.i18n` (zh-CN or English); numbers,
    ids, units (GiB/MiB) and UTC times stay as they are. Text is measured in terminal
    cells (`rich.cells.cell_len`), never `len()`: a CJK character takes two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

from vpstui.api.models import Backup
from vpstui.api.secret import redact_known
from vpstui.i18n import N_, Term, _

__all__ = [
    "EXPIRING_SOON_HOURS",
    "absolute_time",
    "backup_facts",
    "backup_ref",
    "backup_summary",
    "duration",
    "expires_text",
    "expiring_soon",
    "human_size",
    "list_text",
    "parenthetical",
    "relative_time",
    "safe_text",
    "status_text",
    "status_word",
    "type_text",
    "type_word",
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


def duration(seconds: float) -> str:
    """A length of time, short: "16s", "40m", "37h" (up to three days), "4d", "3mo", "2y"
    (zh-CN: "16 秒", "40 分钟", "37 小时", "4 天", "3 个月", "2 年")."""
    span = max(0.0, seconds)
    if span < 60:
        return _("{n}s").format(n=f"{span:.0f}")
    if span < 3600:
        return _("{n}m").format(n=f"{span // 60:.0f}")
    if span < 72 * 3600:
        return _("{n}h").format(n=f"{span // 3600:.0f}")  # whole hours passed
    if span < 86400 * 60:
        return _("{n}d").format(n=f"{span // 86400:.0f}")
    if span < 86400 * 365 * 2:
        return _("{n}mo").format(n=f"{span / (86400 * 30.44):.0f}")
    return _("{n}y").format(n=f"{span / (86400 * 365.25):.0f}")


def relative_time(when: datetime | None, now: datetime) -> str:
    """The one way a moment reads relative to now: "just now", "5m ago", "in 6d"; "—"
    when unknown."""
    if when is None:
        return DASH
    seconds = (when - now).total_seconds()
    if abs(seconds) < 60:
        return _("in <1m") if seconds > 0 else _("just now")
    amount = duration(abs(seconds))
    return (_("in {amount}") if seconds > 0 else _("{amount} ago")).format(amount=amount)


def parenthetical(value: object) -> str:
    """An error or remark inside a sentence: "(could not connect)", its own full stop
    dropped so that the sentence's does not double it ("(could not connect.).")."""
    return f"({safe_text(value).rstrip().removesuffix('.')})"


def list_text(items: Iterable[str]) -> str:
    """Items listed in a sentence: "#2401, #2402" (zh-CN "#2401、#2402")."""
    return _(", ").join(items)


def backup_ref(backup_id: int) -> str:
    """A backup as people name it: "#2410"."""
    return f"#{backup_id}"


def expires_text(backup: Backup, now: datetime) -> str:
    """What the Expires column says: "never" for manual backups, "in 3d", or "expired"."""
    if backup.expires_at is None:
        return _("never") if backup.is_manual else DASH
    if backup.expires_at <= now:
        return _("expired")
    return relative_time(backup.expires_at, now)


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


#: The statuses with a word of their own (backups' and servers'); others read as sent.
STATUS_WORDS = {
    "in_progress": N_("in progress"),
    "completed": N_("completed"),
    "failed": N_("failed"),
    "active": N_("active"),
    "stopped": N_("stopped"),
    "suspended": N_("suspended"),
    # Not documented by the API; shown by servers that report a restore under way (the
    # demo's option, maybe the real API some day). Known here only to be translated.
    "restoring": N_("restoring"),
}
TYPE_WORDS = {"manual": N_("manual"), "automatic": N_("automatic")}


def status_word(status: str | None) -> str:
    """A status as English words: "in_progress" → "in progress"; None → "unknown"; a
    status the API invents reads as it sent it ("rebuilding"). A `Term`: English as text
    (records), translated as a parameter of a Lazy message. `status_text()` is the same
    word in the language in use (进行中, 已完成, 失败)."""
    if not status:
        return Term(N_("unknown"))
    word = STATUS_WORDS.get(status)
    return Term(word) if word else safe_text(status.replace("_", " "), 20)


def status_text(status: str | None) -> str:
    """`status_word()` in the language in use, for the screen and human output."""
    return _(status_word(status))


def type_word(backup_type: str | None) -> str:
    """A backup type as an English word ("manual", "automatic"; others as sent), a `Term`
    like `status_word()`; `type_text()` is the word in the language in use (手动, 自动)."""
    if not backup_type:
        return Term(N_("unknown type"))
    word = TYPE_WORDS.get(backup_type)
    return Term(word) if word else safe_text(backup_type, 20)


def type_text(backup_type: str | None) -> str:
    """`type_word()` in the language in use."""
    return _(type_word(backup_type))


def _size_words(backup: Backup) -> str:
    """The size, or "size not known yet" (in progress) or "size unknown"."""
    if backup.size_mb is not None:
        return human_size(backup.size_mb)
    return _("size not known yet") if backup.in_progress else _("size unknown")


def backup_summary(backup: Backup) -> str:
    """One line for the clipboard: "backup #501 of web-server-01 (id 12345): automatic,
    completed, 4.4 GiB, created 2025-01-16 03:00 UTC". Every value is labelled or worded:
    an unknown size reads "size not known yet" (in progress) or "size unknown"."""
    return _(
        "backup {ref} of {server} (id {id}): {type}, {status}, {size}, created {created}"
    ).format(
        ref=backup_ref(backup.id),
        server=safe_text(backup.server_name, 60),
        id=backup.server_id,
        type=type_text(backup.backup_type),
        status=status_text(backup.status),
        size=_size_words(backup),
        created=absolute_time(backup.created_at),
    )


def backup_facts(backup: Backup) -> str:
    """`backup_summary` without whose backup it is (where the line names the server):
    "automatic, completed, 4.4 GiB, created 2025-01-16 03:00 UTC"."""
    return _("{type}, {status}, {size}, created {created}").format(
        type=type_text(backup.backup_type),
        status=status_text(backup.status),
        size=_size_words(backup),
        created=absolute_time(backup.created_at),
    )
