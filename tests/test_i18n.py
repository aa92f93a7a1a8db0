"""Languages: how one is chosen (flag, VPSTUI_LANG, config, locale), that the zh-CN
catalogue is read and used, and the catalogue check CI runs: every message the code marks
has a zh-CN translation with the same placeholders, and the catalogue has nothing the
code no longer says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from vpstui import i18n
from vpstui.config import ConfigError, load_settings
from vpstui.i18n import _, choose_language, from_locale, ngettext, normalize

PACKAGE = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: gettext's usual markers, and `L_` (a message translated when shown).
KEYWORDS = {**DEFAULT_KEYWORDS, "L_": None}


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use("en")


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh_SG", "zh-CN"),
        ("zh_Hans", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-cn", "zh-CN"),
        ("en_US.UTF-8", "en"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("zh_TW.UTF-8", None),  # Traditional Chinese: not spoken (yet)
        ("fr_FR.UTF-8", None),
        ("", None),
    ],
)
def test_normalize(tag: str, language: str | None) -> None:
    assert normalize(tag) == language


def test_locale_variables_in_posix_order() -> None:
    assert from_locale({"LANG": "zh_CN.UTF-8"}) == "zh-CN"
    assert from_locale({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert from_locale({"LC_MESSAGES": "zh_SG.UTF-8", "LANG": "en_GB.UTF-8"}) == "zh-CN"
    assert from_locale({"LANG": "de_DE.UTF-8"}) == "en"  # unknown: English
    assert from_locale({}) == "en"


def test_precedence_flag_env_config_locale() -> None:
    env = {"LANG": "zh_CN.UTF-8"}
    assert choose_language(None, env) == "zh-CN"
    assert choose_language(None, env, "en") == "en"
    assert choose_language(None, {**env, "VPSTUI_LANG": "zh-CN"}, "en") == "zh-CN"
    assert choose_language("en", {**env, "VPSTUI_LANG": "zh-CN"}, "zh-CN") == "en"


@pytest.mark.parametrize(
    ("flag", "env", "configured", "where"),
    [
        ("klingon", {}, None, "--lang"),
        (None, {"VPSTUI_LANG": "fr"}, None, "VPSTUI_LANG"),
        (None, {}, 3, "language in"),
    ],
)
def test_unknown_languages_asked_for_are_refused(
    flag: str | None, env: dict[str, str], configured: object, where: str
) -> None:
    with pytest.raises(i18n.LanguageError, match=rf"{where}.*en, zh-CN"):
        choose_language(flag, env, configured, "config.toml")


def test_language_in_config_and_profiles(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('language = "zh-CN"\n[profiles.intl]\nlanguage = "en"\n[profiles.cn]\n')
    assert load_settings(config=str(config), demo=True, environ={}).language == "zh-CN"
    intl = load_settings(config=str(config), demo=True, environ={}, profile="intl")
    assert intl.language == "en"
    cn = load_settings(config=str(config), demo=True, environ={}, profile="cn")
    assert cn.language == "zh-CN"
    flag = load_settings(config=str(config), demo=True, environ={}, language="en")
    assert flag.language == "en"
    config.write_text('[profiles.x]\nlanguage = "tlh"\n')
    with pytest.raises(ConfigError, match=r"\[profiles.x\]"):
        load_settings(config=str(config), demo=True, environ={}, profile="x")


def test_catalogue_is_read_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1;"}
    po.append(polib.POEntry(msgid="Restore", msgstr="恢复"))
    po.append(polib.POEntry(msgid="Draft", msgstr="草稿", flags=["fuzzy"]))
    po.append(
        polib.POEntry(
            msgid="{n} backup", msgid_plural="{n} backups", msgstr_plural={0: "{n} 个备份"}
        )
    )
    po.save(str(folder / "a.po"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    i18n.use("zh-CN")
    assert i18n.current() == "zh-CN"
    assert _("Restore") == "恢复"
    assert _("Draft") == "Draft"  # fuzzy: not trusted
    assert _("Not translated") == "Not translated"
    assert ngettext("{n} backup", "{n} backups", 3).format(n=3) == "3 个备份"
    i18n.use("en")
    assert _("Restore") == "Restore"
    assert ngettext("{n} backup", "{n} backups", 1).format(n=1) == "1 backup"
    with pytest.raises(i18n.LanguageError):
        i18n.use("fr")


def test_lazy_messages_render_when_shown_and_records_stay_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Could not {action}: {why}", msgstr="无法{action}：{why}"))
    po.append(polib.POEntry(msgid="list backups", msgstr="列出备份"))
    po.append(polib.POEntry(msgid="{size:.1f} GiB", msgstr="{size:.1f} GiB"))
    po.save(str(folder / "a.po"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(i18n, "_loaded", {})
    message = i18n.L_("Could not {action}: {why}", action=i18n.L_("list backups"), why="502")
    assert str(message) == "Could not list backups: 502"
    i18n.use("zh-CN")
    assert str(message) == "无法列出备份：502"
    assert i18n.english(message) == "Could not list backups: 502"
    assert str(message) == "无法列出备份：502"  # the language in use is back
    assert str(i18n.L_("{size:.1f} GiB", size=4.25)) == "4.2 GiB"
    assert i18n.english("plain text") == "plain text"


# --- the catalogue check ----------------------------------------------------------------------


def code_messages() -> dict[str, tuple[str, str | None]]:
    """msgid → (where first seen, plural msgid) for every marked message in vpstui/."""
    found: dict[str, tuple[str, str | None]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        singular, plural = (
            (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        )
        if singular:
            found.setdefault(singular, (f"{filename}:{lineno}", plural))
    return found


def catalogue() -> dict[str, polib.POEntry]:
    entries: dict[str, polib.POEntry] = {}
    for path in i18n.catalogue_files("zh-CN"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            assert entry.msgid not in entries, f"{entry.msgid!r} is in two catalogue files"
            entries[entry.msgid] = entry
    return entries


def test_every_message_has_a_zh_cn_translation_with_the_same_placeholders() -> None:
    entries = catalogue()
    missing, broken = [], []
    for msgid, (where, plural) in code_messages().items():
        entry = entries.get(msgid)
        translated = (entry.msgstr_plural.get(0, "") if plural else entry.msgstr) if entry else ""
        if not translated or (entry is not None and "fuzzy" in entry.flags):
            missing.append(f"{where}: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
        if set(PLACEHOLDER.findall(translated)) != wanted:
            broken.append(f"{where}: {msgid!r} -> {translated!r}")
    assert not missing, "no zh-CN translation:\n" + "\n".join(missing)
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_the_catalogue_has_nothing_the_code_no_longer_says() -> None:
    unused = set(catalogue()) - set(code_messages())
    assert not unused, f"unused catalogue entries: {sorted(unused)}"
