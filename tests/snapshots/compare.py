"""Comparing a screen's SVG with its reference, and saying readably what changed."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len

#: The committed references, one `<scene>.svg` each.
REFERENCES = Path(__file__).parent / "__snapshots__"
#: Rich derives the SVG's class and clip-path ids from the content; they are not compared.
_UNIQUE_ID = re.compile(r"terminal-\d+")
#: A run of terminal text (the window title, class `…-title`, has no clip-path).
_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*clip-path[^>]*>([^<]*)</text>')

#: Rich's SVG export: one terminal cell is 0.61 of its 20 px font size.
CELL_WIDTH = 12.2

#: `snapshot(name, svg)`, the fixture in conftest.py.
SnapshotCheck = Callable[[str, str], None]


def normalise(svg: str) -> str:
    """The SVG with its content-derived ids replaced by one fixed name."""
    return _UNIQUE_ID.sub("terminal", svg)


def screen_text(svg: str) -> list[str]:
    """The screen's text, one string per terminal line, read back from the SVG."""
    rows: dict[float, list[str]] = {}
    for x, y, text in _TEXT.findall(svg):
        row = rows.setdefault(float(y), [])
        column = round(float(x) / CELL_WIDTH)
        for char in html.unescape(text).replace("\xa0", " "):
            row.extend(" " * (column + 1 - len(row)))
            row[column] = char
            column += cell_len(char)
    return ["".join(row).rstrip() for _, row in sorted(rows.items())]


def describe_mismatch(name: str, expected: str, actual: str, actual_path: Path) -> str:
    """What differs, readably: the screen text if it changed, otherwise the first SVG line."""
    text_diff = list(
        difflib.unified_diff(
            screen_text(expected),
            screen_text(actual),
            f"{name} (reference)",
            f"{name} (now)",
            lineterm="",
        )
    )
    if text_diff:
        detail = "\n".join(text_diff)
    else:
        old, new = normalise(expected).splitlines(), normalise(actual).splitlines()
        first = next(
            (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
            min(len(old), len(new)),
        )
        detail = (
            "the text is the same; colours, styles or layout differ. First differing SVG line "
            f"({first + 1}):\n- {old[first] if first < len(old) else '<none>'}\n"
            f"+ {new[first] if first < len(new) else '<none>'}"
        )
    return (
        f"The {name!r} screen no longer matches tests/snapshots/__snapshots__/{name}.svg.\n"
        f"{detail}\n\nNew SVG: {actual_path}\n"
        "If the change is intended: pytest tests/snapshots --snapshot-update "
        "(and python screenshots/make.py for the README's images)."
    )
