"""The UI's wiring stays one-way (issue 11): no import cycles among `vpstui.ui` modules,
counting every import (function-level and `TYPE_CHECKING` ones too); orchestration that
holds no Textual lives outside `ui/`; the app reads no private attribute of the client."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vpstui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the vpstui modules it imports anywhere in its source."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                found = [base] + [f"{base}.{alias.name}" for alias in node.names]
            targets.update(t for t in found if t in modules and t != name)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_involves_the_ui() -> None:
    ui_cycles = [c for c in cycles(import_graph()) if any(m.startswith("vpstui.ui") for m in c)]
    assert ui_cycles == []


def test_control_a_cycle_is_detected() -> None:
    """Control: the check above finds a cycle hidden in a function-level import."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert "vpstui.loading" in import_graph()["vpstui.ui.app"]  # the parser sees imports


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
