"""The UI's wiring stays one-way (issue 11): no import cycles among `vpstui.ui` modules,
counting every import (function-level and `TYPE_CHECKING` ones too); orchestration that
holds no Textual lives outside `ui/`; the app reads no private attribute of the client."""

from __future__ import annotations

from tests.test_import_cycles import PACKAGE, cycles, import_graph


def test_no_import_cycle_involves_the_ui() -> None:
    graph = import_graph(type_checking=True)  # stricter for the UI: type-only imports too
    ui_cycles = [c for c in cycles(graph) if any(m.startswith("vpstui.ui") for m in c)]
    assert ui_cycles == []


def test_control_a_cycle_is_detected() -> None:
    """Control: the check above finds a cycle hidden in a function-level import."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    graph = import_graph(type_checking=True)
    assert "vpstui.loading" in graph["vpstui.ui.app"]  # the parser sees imports


def test_ui_holds_only_textual_code() -> None:
    """The head start and the slow-answer watch moved next to the domain code."""
    assert not (PACKAGE / "ui" / "prefetch.py").exists()
    assert not (PACKAGE / "ui" / "opening.py").exists()
    source = (PACKAGE / "loading.py").read_text()
    assert "textual" not in source


def test_app_reads_no_private_attribute_of_the_client() -> None:
    for path in (PACKAGE / "ui").rglob("*.py"):
        assert '"_token"' not in path.read_text(), path
        assert "._token" not in path.read_text(), path
