"""No import cycles between vpstui's modules, counting imports inside functions (issue 11:
`cli.py` ↔ `commands/run.py` hid one in a function). `if TYPE_CHECKING:` imports are not
run, so they do not count."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vpstui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def run_imports(
    tree: ast.AST, type_checking: bool = False
) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that runs (anywhere, functions included), skipping the
    bodies of `if TYPE_CHECKING:` unless `type_checking`."""
    for node in ast.iter_child_nodes(tree):
        if not type_checking and isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                yield from run_imports(child)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from run_imports(node, type_checking)


def import_graph(type_checking: bool = False) -> dict[str, set[str]]:
    """Module → the vpstui modules it imports anywhere in its source (with
    `type_checking`, the imports under `if TYPE_CHECKING:` too)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in run_imports(ast.parse(path.read_text("utf-8")), type_checking):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in files and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = import_graph()
    reported = cycles(graph)
    assert reported == [], reported


def test_control_the_cli_and_commands_do_not_import_each_other() -> None:
    graph = import_graph()
    assert "vpstui.commands" in graph["vpstui.cli"], "control: cli hands scripts to commands"
    commands = {m for m in graph if m.startswith("vpstui.commands")}
    assert not any("vpstui.cli" in graph[m] for m in commands)


def test_control_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [{"a", "b"}]
