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
from collections.abc import Mapping, Sequence

from vpstui import i18n
from vpstui.i18n import N_, LanguageError, choose_language, ngettext

__all__ = [
    "ARGPARSE_MESSAGES",
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
