"""What the zh-CN sweep (test_zh_sweep.py) uses: reading the screen for English words
that are not allowed, and the keys the app binds or the help lists.

The screen is read from `export_screenshot()` (what the terminal shows: toasts, footer,
dialogs over the main screen). What the API sent (server names, host names,
descriptions), what is typed, ids, units, key names and the product's name are taken out
of each line before looking for English words (three letters or more)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from textual.binding import Binding

from tests.snapshots.compare import screen_text
from vpstui.ui.app import VpsApp
from vpstui.ui.dialogs.create import CreateDialog
from vpstui.ui.dialogs.delete import DeleteDialog
from vpstui.ui.dialogs.details import DetailsDialog
from vpstui.ui.dialogs.multi_delete import MultiDeleteDialog
from vpstui.ui.dialogs.quit import QuitDialog
from vpstui.ui.dialogs.restore import RestoreDialog
from vpstui.ui.screens.first_run import FirstRunScreen
from vpstui.ui.screens.help import KEYS, HelpScreen
from vpstui.ui.screens.main import MainScreen
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.server_picker import ServerPicker

from .test_i18n_main import unspaced

WORD = re.compile(r"[A-Za-z]{3,}")
#: Words that are the same in every language: the product, key names as the footer and
#: the help write them, units, and the time zone.
ALLOWED = {
    "vpstui",
    *("ctrl", "del", "esc", "Esc", "enter", "Enter", "space", "tab", "shift"),
    *("pgup", "pgdn", "home", "end", "Delete"),
    *("GiB", "MiB", "KiB", "TiB", "UTC"),
    "SSH",  # "（通过 SSH 也可用）": the protocol's name
    "API",  # "API 已确认": Chinese technical writing keeps the word
    "PHP",  # the create dialog's example ("例如：升级 PHP 8.3 之前")
    "chmod",  # a command to type ("（chmod 600）")
    "PATH",  # what to type after --token-file, as `vpstui --help` writes it
}
#: English still on screen that is built outside vpstui/ui (reported to be worded there),
#: by the file that builds it. Remove an entry once its file words it.
BUILT_ELSEWHERE: dict[str, str] = {}
#: Literal text of commands and files (the first-run screen's config lines, paths, host
#: names, environment variables, flags): taken out whole.
LITERAL = re.compile(
    r"(?:~?[\w.-]*/[\w./~-]*)"  # a path or URL part
    r"|(?:\b[\w-]+(?:\.[\w-]+)+\b)"  # a dotted name: host, file, version
    r"|(?:\b\w+_\w+\b)"  # an identifier: VPS_API_TOKEN, token_command
    r"|(?:--[\w-]+)"  # a flag
    r'|(?:(?:\b\w+ = )?"[^"]*")'  # a config line, a quoted value (Chinese quotes are “”)
    r"|(?:\[[\w.]+\])"  # a config table: [profiles.prod]
)

#: Keys that open no screen and change nothing the sweep can read, or are another
#: name of a key it presses (documented so a new key is not silently left out).
NOT_SWEPT: dict[str, str] = {}

# The help writes keys as people read them; Textual names them.
_KEY_NAMES = {
    "del": "delete",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "?": "question_mark",
    "/": "slash",
    "↑": "up",
    "↓": "down",
    "esc": "escape",
}
#: The classes whose BINDINGS a person can reach in vpstui.
BOUND = (
    VpsApp,
    MainScreen,
    BackupTable,
    ServerPicker,
    HelpScreen,
    FirstRunScreen,
    CreateDialog,
    DeleteDialog,
    DetailsDialog,
    RestoreDialog,
    MultiDeleteDialog,
    QuitDialog,
)


def bound_keys(classes: Iterable[type] = BOUND) -> set[str]:
    """Every key bound by vpstui's own classes (their MRO, Textual's own left out)."""
    keys: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            if not klass.__module__.startswith("vpstui"):
                continue
            for binding in klass.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    keys.update(k.strip() for k in binding.key.split(","))
    return keys


def help_keys() -> set[str]:
    """Every key the help screen lists (the mouse's "double click" is not a key)."""
    keys: set[str] = set()
    for _section, rows in KEYS:
        for key, _what in rows:
            for alternative in key.split(" / "):
                for name in alternative.split():
                    if name in ("double", "click"):
                        continue
                    keys.add(_KEY_NAMES.get(name, name))
    return keys


@dataclass
class Seen:
    """The English words found on screen, by the state the sweep was in."""

    api_text: list[str]
    #: Words that are names here (a profile's, shown as the user wrote it).
    names: set[str] = field(default_factory=set)
    found: dict[str, list[str]] = field(default_factory=dict)
    states: list[str] = field(default_factory=list)

    def english(self, line: str) -> set[str]:
        for text in self.api_text:
            line = _without(line, text)
        for text in self.api_text:
            line = _without_wrapped(line, text)
        line = LITERAL.sub(" ", line)
        for pattern in BUILT_ELSEWHERE:
            line = re.sub(pattern, " ", line)
        return set(WORD.findall(line)) - ALLOWED - self.names

    def look(self, app: VpsApp, state: str) -> list[str]:
        """Read the screen; note every line with an English word not allowed."""
        self.states.append(state)
        shown = [unspaced(line) for line in screen_text(app.export_screenshot())]
        bad = [f"{sorted(w)}: {line.strip()}" for line in shown if (w := self.english(line))]
        if bad:
            self.found[state] = bad
        return shown

    def report(self) -> str:
        return "\n".join(
            f"{state}:\n    " + "\n    ".join(lines) for state, lines in self.found.items()
        )


#: A run this long that `line` shares with an API text is that text, wrapped.
WRAPPED_PART = 12


def _without(line: str, text: str) -> str:
    """`line` with `text` taken out, whole or cut short with "…" (at least 4 characters)."""
    line = line.replace(text, " ")
    for end in range(len(text) - 1, 3, -1):
        for cut in (text[:end] + "…", text[:end].rstrip() + "…"):
            line = line.replace(cut, " ")
    return line


def _without_wrapped(line: str, text: str) -> str:
    """`line` without the parts of `text` a wrapped paragraph puts on it: runs of whole
    words it shares with `text`, 12 characters or more (6 at the start or end of it)."""
    if len(text) < WRAPPED_PART:
        return line
    blocks = SequenceMatcher(None, line, text, autojunk=False).get_matching_blocks()
    for block in sorted(blocks, key=lambda b: b.a, reverse=True):
        whole_end = block.b == 0 or block.b + block.size == len(text)  # "minutes."
        long_enough = block.size >= WRAPPED_PART or (whole_end and block.size >= 6)
        start, end = block.a, block.a + block.size
        words = not _latin(line[start - 1 : start]) and not _latin(line[end : end + 1])
        if long_enough and words:
            line = line[:start] + " " + line[end:]
    return line


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()
