"""Parsed CSS kept between starts (issue 13): the same rules as parsing, or none at all."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from vpstui.ui import styles_cache
from vpstui.ui.styles_cache import (
    PreparsedStylesheet,
    load_rules,
    save_rules,
    textual_fingerprint,
)

CSS = """
#status-bar { height: 1; background: $panel; }
#picker { width: 28; border-right: vkey $panel-lighten-2; }
MainScreen.-narrow #picker { display: none; }
"""
WIDGET_CSS = "Widget { color: $text; padding: 0 1; }"
VARIABLES = {"panel": "#223344", "panel-lighten-2": "#445566", "text": "#eeeeee"}


def _sheet(
    kept: dict[object, object], variables: dict[str, str] = VARIABLES
) -> PreparsedStylesheet:
    sheet = PreparsedStylesheet(variables=dict(variables), kept=kept)
    sheet.add_source(CSS, read_from=("main.tcss", ""))
    sheet.add_source(WIDGET_CSS, read_from=("widget.py", "Widget.DEFAULT_CSS"), is_default_css=True)
    return sheet


def _plain(variables: dict[str, str] = VARIABLES) -> Stylesheet:
    sheet = Stylesheet(variables=dict(variables))
    sheet.add_source(CSS, read_from=("main.tcss", ""))
    sheet.add_source(WIDGET_CSS, read_from=("widget.py", "Widget.DEFAULT_CSS"), is_default_css=True)
    return sheet


def _rules(sheet: Stylesheet) -> list[tuple[object, ...]]:
    """What Textual applies of each rule set: its CSS (selectors and resolved values), its
    precedence and what it is looked up by."""
    return [
        (
            rule.css,
            rule.is_default_rules,
            rule.tie_breaker,
            tuple(selector.specificity for selector in rule.selector_set),
            sorted(rule.selector_names),
            sorted(rule.pseudo_classes),
        )
        for rule in sheet.rules
    ]


def test_kept_rules_are_the_rules_textual_parses(tmp_path: Path) -> None:
    path = tmp_path / "styles.pickle"
    first = _sheet({})
    parsed = _rules(first)
    assert first.parsed and parsed == _rules(_plain())
    save_rules(path, textual_fingerprint(), first.used)
    assert os.stat(path).st_mode & 0o777 == 0o600

    kept = load_rules(path, textual_fingerprint())
    second = _sheet(kept)
    assert _rules(second) == parsed
    assert second.parsed == 0  # nothing parsed: every rule set came from the file


def test_another_theme_parses_again(tmp_path: Path) -> None:
    path = tmp_path / "styles.pickle"
    first = _sheet({})
    first.rules  # noqa: B018 - parses
    save_rules(path, textual_fingerprint(), first.used)
    light = {**VARIABLES, "panel": "#dddddd"}
    sheet = _sheet(load_rules(path, textual_fingerprint()), light)
    assert _rules(sheet) == _rules(_plain(light))
    assert sheet.parsed
    assert _rules(sheet) != _rules(_plain())  # the theme's colours are in the rules


def test_changed_css_parses_again(tmp_path: Path) -> None:
    path = tmp_path / "styles.pickle"
    first = _sheet({})
    first.rules  # noqa: B018 - parses
    save_rules(path, textual_fingerprint(), first.used)
    sheet = PreparsedStylesheet(
        variables=dict(VARIABLES), kept=load_rules(path, textual_fingerprint())
    )
    sheet.add_source(CSS.replace("width: 28", "width: 30"), read_from=("main.tcss", ""))
    assert "width: 30" in " ".join(rule.css for rule in sheet.rules)
    assert sheet.parsed


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "styles.pickle"
    first = _sheet({})
    first.rules  # noqa: B018 - parses
    save_rules(path, textual_fingerprint(), first.used)
    assert load_rules(path, textual_fingerprint())
    return path


def test_another_textual_or_python_is_not_read(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    other = (*textual_fingerprint()[:-1], ("styles.py", 1, 2))
    assert load_rules(path, other) == {}
    assert load_rules(path, ()) == {}  # the fingerprint could not be taken


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a pickle"),
        lambda path: path.write_bytes(path.read_bytes()[:100]),
        lambda path: path.write_bytes(pickle.dumps(["a", "list"])),
        lambda path: path.write_bytes(pickle.dumps({"fingerprint": textual_fingerprint()})),
    ],
    ids=["garbage", "truncated", "not-a-dict", "no-rules"],
)
def test_a_damaged_file_means_parsing_as_usual(tmp_path: Path, damage: object) -> None:
    path = _saved(tmp_path)
    damage(path)  # type: ignore[operator]
    kept = load_rules(path, textual_fingerprint())
    sheet = _sheet(kept)
    assert _rules(sheet) == _rules(_plain())


def test_a_file_others_can_write_is_not_read(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    path.chmod(0o620)
    assert load_rules(path, textual_fingerprint()) == {}
    path.chmod(0o602)
    assert load_rules(path, textual_fingerprint()) == {}


def test_a_link_is_not_followed(tmp_path: Path) -> None:
    real = _saved(tmp_path)
    link = tmp_path / "link.pickle"
    link.symlink_to(real)
    assert load_rules(link, textual_fingerprint()) == {}


def test_an_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _saved(tmp_path)
    monkeypatch.setattr(styles_cache, "MAX_BYTES", path.stat().st_size - 1)
    assert load_rules(path, textual_fingerprint()) == {}


def test_an_unwritable_directory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the directory should be")
    sheet = _sheet({})
    sheet.rules  # noqa: B018 - parses
    save_rules(blocker / "styles.pickle", textual_fingerprint(), sheet.used)
    assert not (blocker / "styles.pickle").exists()
