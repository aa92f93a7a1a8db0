"""The API client and config are a plain library: importing them must not pull in Textual."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def modules_after_import(statement: str) -> set[str]:
    """The names in sys.modules after running `statement` in a fresh interpreter."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "statement",
    ["from vpstui.api import VpsClient\nimport vpstui.config", "import vpstui.api.client"],
)
def test_api_and_config_do_not_import_textual(statement: str) -> None:
    """The client and the config load httpx but no Textual and no UI module."""
    modules = modules_after_import(statement)
    assert "vpstui.api.client" in modules, "control: the import really happened"
    assert "httpx" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert not {m for m in modules if m.startswith("vpstui.ui")}


def test_models_errors_and_the_cache_do_not_import_httpx() -> None:
    """`vpstui.api` names are imported one by one (issue 13): the models, the errors, the
    URL rules and the listing cache need no httpx, so the app's first frame does not."""
    modules = modules_after_import(
        "import vpstui.api\n"
        "from vpstui.api import ApiError, Backup, NotFoundError, Secret, Server, report_to\n"
        "from vpstui.api.address import api_host, check_api_url\n"
        "import vpstui.cache, vpstui.config, vpstui.loading, vpstui.operations"
    )
    assert {"vpstui.api.models", "vpstui.api.errors", "vpstui.cache"} <= modules, "control"
    assert "httpx" not in modules
    assert "vpstui.api.client" not in modules


@pytest.mark.parametrize("package", ["vpstui.api", "vpstui.operations"])
def test_every_public_name_of_a_lazy_package_resolves(package: str) -> None:
    """Each name in the package's `__all__` is found where `_HOMES` says (a name moved to
    another module would otherwise fail only when a script first asks for it)."""
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert sorted(module.__all__) == sorted(module._HOMES)
    with pytest.raises(AttributeError):
        module.NoSuchThing  # noqa: B018


def test_control_textual_is_detected() -> None:
    """Control: the check above would notice Textual if it were imported."""
    assert "textual" in modules_after_import("import textual")


# --- start-up path (issue 4) -------------------------------------------------------------


def test_importing_the_library_leaves_httpx_alone() -> None:
    """`import vpstui.api` has no side effect on other libraries: httpx's own CLI module
    is the real one, exactly as after `import httpx` alone (issue 11)."""
    code = (
        "import vpstui, sys\n"
        "from vpstui.api import VpsClient\n"
        "cli = sys.modules.get('httpx._main')\n"
        "print(cli is not None and 'vpstui' not in (cli.__doc__ or ''))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_control_httpx_alone_imports_its_command_line_client() -> None:
    """Control: `import httpx` loads its CLI (click), so the program-start test below
    measures vpstui's stand-in, not an environment without click."""
    assert "click" in modules_after_import("import httpx")


def test_the_program_start_keeps_httpx_command_line_client_off() -> None:
    """`vpstui` itself (`cli.main`) keeps httpx's CLI (click, pygments, rich.syntax) off
    its start-up path, also when the client is built later (control: httpx is loaded)."""
    modules = modules_after_import(
        "from vpstui import cli\ncli.main(['--audit-log'])\nimport vpstui.api.client"
    )
    assert "httpx" in modules, "control: the start-up path imported httpx"
    assert not {"click", "pygments", "rich.syntax"} & modules


def test_httpx_main_still_runs_the_real_command_line_client() -> None:
    """`httpx.main` after vpstui's start-up stand-in is the real CLI, imported on first call."""
    code = (
        "from vpstui import cli\n"
        "cli.main(['--audit-log'])\n"
        "import httpx, sys\n"
        "try:\n"
        "    httpx.main(['--help'])\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print('click' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["exit 0", "True"]
    assert "Usage" in done.stdout  # the real CLI's help, not the stand-in


def test_tui_start_imports_no_dialog_or_crash_module() -> None:
    """Dialogs, help and crash reporting are imported when first needed, not at start; nor
    is httpx, with the API client (built after the first frame; issue 13)."""
    modules = modules_after_import("import vpstui.cli, vpstui.ui.app")
    assert "vpstui.ui.screens.main" in modules, "control: the app's modules were imported"
    lazy = {"vpstui.ui.dialogs", "vpstui.ui.screens.help", "vpstui.crash", "httpx"}
    assert not lazy & modules


def test_cli_module_imports_nothing_heavy() -> None:
    """`vpstui.cli` itself loads neither httpx nor Textual: `main` loads them with the
    garbage collector off (see `vpstui.cli._startup_done`)."""
    modules = modules_after_import("import vpstui.cli")
    assert "vpstui.cli" in modules
    assert not {"httpx", "textual", "vpstui.config"} & modules


def test_operations_core_imports_no_textual() -> None:
    """The operations core (`api` ← `operations` ← `ui` / `commands`) loads no Textual and
    no UI module: the scripts and the TUI share it."""
    modules = modules_after_import("from vpstui.operations import *")
    assert "vpstui.operations.mutations" in modules, "control: the import really happened"
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert not {m for m in modules if m.startswith(("vpstui.ui", "vpstui.commands"))}


def test_the_ledger_and_follower_leave_the_mutations_and_json_alone() -> None:
    """What the app's first frame needs of the operations core (the ledger, the follower,
    the schedule) does not import the mutations, the audit log or getpass (issue 13).
    (json: this helper imports it to answer.)"""
    modules = modules_after_import(
        "from vpstui.operations import Follower, OperationLedger, RefreshSchedule"
    )
    assert "vpstui.operations.follower" in modules, "control: the import really happened"
    assert not {"vpstui.operations.mutations", "vpstui.audit", "getpass"} & modules


def _imports_within(package: str) -> dict[str, set[str]]:
    """module → the modules of `package` it imports, at any level (functions included)."""
    import ast

    root = REPO / package.replace(".", "/")
    graph: dict[str, set[str]] = {}
    for path in sorted(root.glob("*.py")):
        name = f"{package}.{path.stem}" if path.stem != "__init__" else package
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    module = f"{package}.{module}" if module else package
                found.update(
                    f"{module}.{alias.name}"
                    if f"{module}.{alias.name}" in _names(root, package)
                    else module
                    for alias in node.names
                )
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m.startswith(package + ".") and m != name}
    return graph


def _names(root: Path, package: str) -> set[str]:
    return {f"{package}.{p.stem}" for p in root.glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("package", ["vpstui.demo", "vpstui.operations"])
def test_no_import_cycles_between_modules(package: str) -> None:
    """No module of the package imports (even inside a function) one that imports it back,
    directly or through others (issue 11: state ↔ seed/bulk was one)."""
    graph = _imports_within(package)
    assert graph, "control: modules were read"

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(m for m in graph if reaches(m, m, {m}))
    assert cycles == []


def test_control_the_graph_holds_the_packages_imports() -> None:
    """Control: the graph above is not empty of edges (relative imports are resolved)."""
    graph = _imports_within("vpstui.demo")
    assert "vpstui.demo.seed" in graph["vpstui.demo.state"]
    assert "vpstui.demo.records" in graph["vpstui.demo.seed"]
