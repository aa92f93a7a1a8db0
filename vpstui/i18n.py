"""The language vpstui speaks: English (the source) or Simplified Chinese (zh-CN).

Every string a person reads goes through `_()` (or `ngettext()` where a number decides
the form); strings defined at import time are marked with `N_()` and translated where
they are shown. The catalogue is gettext's: `vpstui/locale/zh_CN/LC_MESSAGES/vpstui.po`,
read with polib when zh-CN is first used (English needs no catalogue), so an editable
install and a wheel behave the same. Extraction: `pybabel extract -k N_ -k L_
-o vpstui.pot vpstui` (Babel is a test extra); tests/test_i18n.py checks the
catalogue against the code.

Chosen like other terminal tools do, first found wins: `--lang`, `VPSTUI_LANG`,
`language` in the config (per profile too), then the locale (`LC_ALL`, `LC_MESSAGES`,
`LANG`: zh_CN, zh_SG, zh_Hans… mean zh-CN), else English. What never changes with the
language: key bindings, JSON/CSV fields and values, exit codes, the audit log and
`operations.json`, the monitoring check's keywords and perfdata, typed confirmations.
No Textual here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

__all__ = [
    "DEFAULT",
    "ENV_LANG",
    "LANGUAGES",
    "L_",
    "N_",
    "LanguageError",
    "Lazy",
    "Term",
    "_",
    "catalogue_files",
    "choose_language",
    "current",
    "english",
    "from_locale",
    "ngettext",
    "normalize",
    "speaking",
    "use",
]

#: The languages vpstui speaks, by the tag users write (`--lang zh-CN`).
LANGUAGES: Final = ("en", "zh-CN")
DEFAULT: Final = "en"
ENV_LANG: Final = "VPSTUI_LANG"
#: Locale variables, most specific first (POSIX: LC_ALL overrides the others).
LOCALE_VARIABLES: Final = ("LC_ALL", "LC_MESSAGES", "LANG")
LOCALE_DIR: Final = Path(__file__).parent / "locale"
# Chinese written in Simplified characters: mainland China, Singapore, or said outright.
_SIMPLIFIED = re.compile(r"^zh(?:$|[-_](?:cn|sg|hans|my)\b)", re.IGNORECASE)


class LanguageError(ValueError):
    """A language asked for by name that vpstui does not speak; says which it does."""


class _Catalogue:
    """msgid → msgstr, and msgid → plural forms (zh-CN has one plural form)."""

    def __init__(self, singular: dict[str, str], plural: dict[str, str]) -> None:
        self.singular = singular
        self.plural = plural


_current: str = DEFAULT
_catalogue: _Catalogue | None = None
_loaded: dict[str, _Catalogue] = {}


def normalize(tag: str) -> str | None:
    """The supported language `tag` names ("zh_CN.UTF-8" → "zh-CN"), or None."""
    base = tag.strip().split(".", 1)[0].split("@", 1)[0]
    if not base:
        return None
    if _SIMPLIFIED.match(base):
        return "zh-CN"
    lowered = base.lower().replace("_", "-")
    if lowered in ("c", "posix") or lowered == "en" or lowered.startswith("en-"):
        return "en"
    return None


def from_locale(environ: Mapping[str, str]) -> str:
    """The language the locale asks for (the first locale variable that is set); English
    when it names one vpstui does not speak."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return normalize(value) or DEFAULT
    return DEFAULT


def _explicit(value: object, where: str) -> str:
    if not isinstance(value, str) or normalize(value) is None:
        known = ", ".join(LANGUAGES)
        raise LanguageError(
            _("{where}: vpstui speaks {known}, not {value!r}.").format(
                where=where, known=known, value=value
            )
        )
    return normalize(value) or DEFAULT


def choose_language(
    flag: str | None, environ: Mapping[str, str], configured: object = None, where: str = ""
) -> str:
    """`--lang`, else `VPSTUI_LANG`, else the config's `language` (`where` names the file
    for messages), else the locale. A name vpstui does not know raises LanguageError when
    the user asked for it explicitly; an unknown locale means English."""
    if flag:
        return _explicit(flag, "--lang")
    if environ.get(ENV_LANG, "").strip():
        return _explicit(environ[ENV_LANG], ENV_LANG)
    if configured is not None:
        named = _("language in {where}").format(where=where) if where else "language"
        return _explicit(configured, named)
    return from_locale(environ)


def catalogue_files(language: str) -> list[Path]:
    """The `.po` files of `language`, in name order."""
    return sorted((LOCALE_DIR / language.replace("-", "_") / "LC_MESSAGES").glob("*.po"))


def _load(language: str) -> _Catalogue:
    import polib

    singular: dict[str, str] = {}
    plural: dict[str, str] = {}
    for path in catalogue_files(language):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                form = entry.msgstr_plural.get(0, "")
                if form:
                    plural[entry.msgid] = form
            elif entry.msgstr:
                singular[entry.msgid] = entry.msgstr
    return _Catalogue(singular, plural)


def use(language: str) -> None:
    """Speak `language` from now on (one of `LANGUAGES`)."""
    global _current, _catalogue
    if language not in LANGUAGES:
        raise LanguageError(f"vpstui speaks {', '.join(LANGUAGES)}, not {language!r}.")
    _current = language
    if language == DEFAULT:
        _catalogue = None
        return
    if language not in _loaded:
        _loaded[language] = _load(language)
    _catalogue = _loaded[language]


def current() -> str:
    """The language in use."""
    return _current


def _(message: str) -> str:
    """`message` in the current language (itself when there is no translation)."""
    if _catalogue is None:
        return message
    return _catalogue.singular.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for `n` in the current language."""
    if _catalogue is not None:
        translated = _catalogue.plural.get(singular)
        if translated:
            return translated
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it yet (import-time strings)."""
    return message


class Lazy:
    """A message translated each time it is shown: `str()` renders it in the language in
    use then. Made with `L_("Could not {action}: {why}", action=..., why=...)`.

    For text that is shown to a person AND written to a record that must stay English
    (the audit log, `operations.json`): the screen shows `str(message)`, the record writes
    `english(message)`. Parameters may be Lazy themselves; format specs apply to the raw
    values (`{size:.1f}`).
    """

    __slots__ = ("message", "params")

    def __init__(self, message: str, params: Mapping[str, object]) -> None:
        self.message = message
        self.params = dict(params)

    def __str__(self) -> str:
        values = {k: _render(v) for k, v in self.params.items()}
        return _(self.message).format(**values) if values else _(self.message)

    def __repr__(self) -> str:
        return f"L_({self.message!r})"


class Term(str):
    """An English word of the catalogue ("completed") that stays English where it is used
    as text (an f-string, a record) and is translated where it is a parameter of a Lazy
    message: shown in the language in use, `english(message)` keeps it English. A status
    word in a recorded message reads "已完成" on screen and "completed" in the audit log.
    `_(term)` translates it now."""


def _render(value: object) -> object:
    if isinstance(value, Lazy):
        return str(value)
    if isinstance(value, Term):
        return _(value)
    return value


def L_(message: str, /, **params: object) -> Lazy:
    """A `Lazy` message (marked for the catalogue like `_`)."""
    return Lazy(message, params)


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render in `language` inside the block (no awaits inside: the language is global).

    `with speaking("en"): text = str(message)` is how records stay English."""
    saved = (_current, _catalogue)
    use(language)
    try:
        yield
    finally:
        _set(*saved)


def _set(language: str, catalogue: _Catalogue | None) -> None:
    global _current, _catalogue
    _current, _catalogue = language, catalogue


def english(message: object) -> str:
    """`message` as text in English (for records that never change with the language)."""
    if _catalogue is None or not isinstance(message, Lazy):
        return str(message)
    with speaking(DEFAULT):
        return str(message)
