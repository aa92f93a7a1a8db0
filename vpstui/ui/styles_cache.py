"""Parsed CSS kept on disk, so that a start reads its stylesheets' rules instead of parsing them.

Each start, Textual parses every stylesheet the first screen uses: vpstui's and those of
Textual's own widgets, ~40 KB of CSS and ~12 ms of CPU, a tenth of a warm start (issue 13).
The rules parsed depend only on the CSS text, where it was read from, the theme's
variables and Textual itself, so they are kept in the cache directory beside the listing
cache (`styles.pickle`) and read back in about a millisecond when all of those match.

Textual offers no hook for this: `PreparsedStylesheet` overrides the stylesheet's
`_parse_rules`, passing its arguments through unchanged and answering only for arguments
it has rules for; a Textual that parses otherwise never asks it and parses as before.

The file is a pickle (the rules are Textual's objects). It is read only if it is a
regular file of this user's that nobody else can write, no bigger than `MAX_BYTES`, and
anything wrong with it (unreadable, corrupt, written by another Textual or Python) means
parsing as usual, and the file is replaced after the first frame. It holds nothing about
the account. With `cache = false` / `--no-cache`, and for the demo, none is read or written.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from textual.css.stylesheet import Stylesheet

from vpstui.cache import keep_file

__all__ = ["MAX_BYTES", "STYLES_FILE", "PreparsedStylesheet", "textual_fingerprint"]

STYLES_FILE = "styles.pickle"
#: A file bigger than this is not read (vpstui's start writes ~50 KB).
MAX_BYTES = 1024 * 1024
#: The file's format; another number is ignored (and replaced).
FORMAT = 1


def textual_fingerprint() -> tuple[Any, ...]:
    """What identifies the Textual (and Python) that parsed the rules: Python's version,
    and the path, size and modification time of each Textual module that parsing goes
    through (reinstalling or upgrading Textual changes them). A few `stat` calls of
    modules already imported: no package metadata is read at start."""
    from textual import color
    from textual.css import _styles_builder, model, parse, scalar, styles, tokenize, tokenizer

    files = []
    for module in (model, styles, parse, _styles_builder, tokenize, tokenizer, scalar, color):
        path = module.__file__ or ""
        try:
            info = os.stat(path)
        except OSError:
            return ()  # cannot tell: nothing matches it
        files.append((path, info.st_size, info.st_mtime_ns))
    return (FORMAT, sys.version_info[:2], *files)


def _read_private(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file of ours that only we can write (a pickle
    is code: nobody else may have written it), else None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.geteuid()
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            or info.st_size > MAX_BYTES
        ):
            return None
        return handle.read(MAX_BYTES + 1)


def load_rules(path: Path, fingerprint: tuple[Any, ...]) -> dict[Any, Any]:
    """The rules kept in `path` by the same Textual and Python (`fingerprint`), keyed by
    `_parse_rules`' arguments and the theme's variables; empty if there are none."""
    if not fingerprint:
        return {}
    data = _read_private(path)
    if data is None:
        return {}
    try:
        kept = pickle.loads(data)
    except Exception:  # corrupt or foreign: parse as usual
        return {}
    if not isinstance(kept, dict) or kept.get("fingerprint") != fingerprint:
        return {}
    rules = kept.get("rules")
    return rules if isinstance(rules, dict) else {}


def save_rules(path: Path, fingerprint: tuple[Any, ...], rules: dict[Any, Any]) -> None:
    """Keep `rules` in `path`, replacing it atomically, 0600. A file that cannot be written
    is not an error: the next start parses its CSS."""
    if not fingerprint:
        return
    try:
        data = pickle.dumps(
            {"fingerprint": fingerprint, "rules": rules}, protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception:  # a Textual whose rules do not pickle
        return
    keep_file(path, data)


def _frozen(variables: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(variables.items()))


class PreparsedStylesheet(Stylesheet):
    """A stylesheet that takes its rules from `kept` (see the module) when it has them for
    the same CSS and theme, and notes every rule set it parsed or took (`used`) so that
    they can be kept for the next start."""

    def __init__(self, *, variables: dict[str, str], kept: dict[Any, Any]) -> None:
        super().__init__(variables=variables)
        self._theme = _frozen(variables)
        self._kept = kept
        #: What this stylesheet parsed or took, keyed as in `kept`.
        self.used: dict[Any, Any] = {}
        #: How many sources it parsed (`kept` had no rules for them).
        self.parsed = 0
        #: It parsed something since `used` was last saved.
        self.unsaved = False

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._theme = _frozen(variables)

    def _parse_rules(self, *args: Any, **kwargs: Any) -> Any:
        try:
            key = (self._theme, args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # arguments this class does not know how to key
            return super()._parse_rules(*args, **kwargs)
        rules = self._kept.get(key)
        if rules is None:
            rules = super()._parse_rules(*args, **kwargs)
            self.parsed += 1
            self.unsaved = True
        self.used[key] = rules
        return rules
