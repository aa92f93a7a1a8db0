"""The language of the command line, known before argparse builds any help.

`--help` is printed while arguments are parsed, long before settings (and the config's
`language`) are read, so the language is chosen first from what is at hand: `--lang` in
argv, then `VPSTUI_LANG`, then the locale. The config's `language` applies once settings
load. A name vpstui does not know is ignored here; parsing the settings says so.

argparse's own words ("usage:", "options:", its error formats) come from its module-level
`_` and `ngettext`; `translate_argparse` points them at vpstui's, and `ARGPARSE_MESSAGES`
lists those words so that the catalogue (cli.po) carries their translation.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from typing import Any

from vpstui import i18n
from vpstui.i18n import N_, LanguageError, choose_language, ngettext

__all__ = [
    "ARGPARSE_MESSAGES",
    "HelpFormatter",
    "argparse_plurals",
    "lang_flag",
    "language_from_argv",
    "speak_from_argv",
    "translate_argparse",
]

#: argparse's own messages a person can read (Python 3.11 argparse.py), kept in cli.po.
#: They use argparse's %-placeholders, which the translation keeps as they are.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def argparse_plurals(n: int) -> list[str]:
    """argparse's messages with a plural form, for `n` (listed so cli.po carries them)."""
    return [
        ngettext("expected %s argument", "expected %s arguments", n),
        ngettext("conflicting option string: %s", "conflicting option strings: %s", n),
    ]


def lang_flag(argv: Sequence[str]) -> str | None:
    """The value of the last `--lang` in `argv` (argparse's rules: `--lang X`,
    `--lang=X`, a unique prefix such as `--la`; nothing after `--`), or None."""
    found: str | None = None
    words = list(argv)
    for index, arg in enumerate(words):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if len(name) < 3 or not "--lang".startswith(name):
            continue
        if equals:
            found = value
        elif index + 1 < len(words):
            found = words[index + 1]
    return found


def language_from_argv(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language to speak before settings load: `--lang`, `VPSTUI_LANG`, the locale.

    Names vpstui does not speak are skipped (parsing the settings reports them)."""
    flag = lang_flag(argv)
    without_env = {k: v for k, v in environ.items() if k != i18n.ENV_LANG}
    for asked, env in ((flag, environ), (None, environ), (None, without_env)):
        try:
            return choose_language(asked, env)
        except LanguageError:
            continue
    return i18n.DEFAULT  # pragma: no cover - the locale alone never raises


def translate_argparse() -> None:
    """Make argparse speak the language in use (`i18n.use`), from now on."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def speak_from_argv(argv: Sequence[str], environ: Mapping[str, str]) -> None:
    """Speak the language `argv` and the environment ask for, argparse included."""
    i18n.use(language_from_argv(argv, environ))
    translate_argparse()


# Wrapping: a run of printable ASCII is one word; any other character (CJK) stands alone
# and may end a line; closing punctuation never starts one.
_UNIT = re.compile(r"\s+|[\x21-\x7e]+|.", re.DOTALL)
_NO_LINE_START = frozenset("，。；：、）」』！？…")
#: A section heading argparse ended with ":" after a CJK character ("选项:").
_CJK_HEADING = re.compile(r"^( *\S[^\n]*[^\x00-\x7f]):$", re.MULTILINE)


def wrap_cells(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal cells (CJK characters take two)."""
    from rich.cells import cell_len

    lines: list[str] = []
    units: list[str] = []  # the line being filled
    for unit in _UNIT.findall(text):
        if unit.isspace():
            if units and units[-1] != " ":
                units.append(" ")
            continue
        if not units or cell_len("".join(units) + unit) <= width:
            units.append(unit)
            continue
        carried = [unit]
        if unit in _NO_LINE_START:  # take the character before it along
            while len(units) > 1 and units[-1] in _NO_LINE_START:
                carried.insert(0, units.pop())
            if len(units) > 1:
                carried.insert(0, units.pop())
        lines.append("".join(units).rstrip())
        units = [u for u in carried if u != " "] if carried[0] == " " else carried
    if "".join(units).strip():
        lines.append("".join(units).rstrip())
    return lines


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (description and epilog as written), wrapping help text by
    terminal cells rather than characters, so Chinese help fits the terminal's width."""

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        """argparse's usage, its continuation lines indented by cells under the first."""
        from rich.cells import cell_len

        text: str = super()._format_usage(usage, actions, groups, prefix)
        shown = prefix if prefix is not None else i18n._("usage: ")
        extra = " " * (cell_len(shown) - len(shown))
        if not extra:
            return text
        first, *rest = text.split("\n")
        return "\n".join([first, *(extra + line if line[:1] == " " else line for line in rest)])

    def format_help(self) -> str:
        """argparse's help; a translated section heading ends in a full-width colon
        (argparse writes "%s:" itself)."""
        return _CJK_HEADING.sub(r"\1：", super().format_help())

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.isascii() or "\n" in text:  # English, or laid out by hand (the epilog)
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap_cells(text, width - len(indent)))

    def _split_lines(self, text: str, width: int) -> list[str]:
        if text.isascii():
            return super()._split_lines(text, width)
        return wrap_cells(" ".join(text.split()), width)
