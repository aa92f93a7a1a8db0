"""README.md says only what is true: every command in it is checked, without installing.

Each line of a fenced `sh` block is split at `&&` into commands, and each command is
checked by what it starts with: `vpstui …` parses with `build_parser()`; `python -m X …`
and `python PATH …` answer `--help` and know every flag used; `pytest …` knows its
options and paths; `pip install …` names extras that pyproject.toml has. A command
nothing here knows how to check fails the test: add a checker below. The TOML example
loads with the real config loader, and the README's screenshots exist.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from vpstui.cli import build_parser
from vpstui.config import load_settings

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def fenced(language: str) -> list[str]:
    """The README's fenced code blocks in `language`."""
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def readme_commands() -> list[str]:
    """Every shell command in the README, comments removed, `a && b` split in two."""
    commands = []
    for block in fenced("sh"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            command: list[str] = []
            for word in [*words, "&&"]:
                if word == "&&":
                    commands.append(shlex.join(command))
                    command = []
                else:
                    command.append(word)
    return commands


@cache
def help_text(*program: str) -> str:
    """What `program --help` prints; it must exit 0."""
    done = subprocess.run(
        [*program, "--help"], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{shlex.join(program)} --help failed:\n{done.stderr}"
    return done.stdout


def flags(arguments: list[str]) -> list[str]:
    return [word.split("=", 1)[0] for word in arguments if word.startswith("-")]


def check_flags_known(program: tuple[str, ...], arguments: list[str]) -> None:
    text = help_text(*program)
    for flag in flags(arguments):
        assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), (
            f"{flag} is not in `{shlex.join(program)} --help`"
        )


def check_pip(arguments: list[str]) -> None:
    assert arguments[:1] == ["install"], arguments
    targets = [word for word in arguments[1:] if not word.startswith("-")]
    assert set(flags(arguments[1:])) <= {"-e", "--editable"}, arguments
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for target in targets:
        match = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
        assert match, f"pip installs something other than this checkout: {target}"
        for extra in filter(None, (match.group(1) or "").split(",")):
            assert extra in project.get("optional-dependencies", {}), f"no extra [{extra}]"


def check_vpstui(arguments: list[str]) -> None:
    if arguments in (["--help"], ["--version"]):
        help_text(sys.executable, "-m", "vpstui")
        return
    build_parser().parse_args(arguments)  # exits (fails the test) on an unknown flag


def check_pytest(arguments: list[str]) -> None:
    paths = [word for word in arguments if not word.startswith("-")]
    for path in paths:
        assert (REPO / path.split("::")[0]).exists(), f"pytest path {path} does not exist"
    check_flags_known((sys.executable, "-m", "pytest", *paths), arguments)


def check_python(arguments: list[str]) -> None:
    if arguments[0] == "-m":
        module, rest = arguments[1], arguments[2:]
        assert importlib.util.find_spec(module) is not None, f"no module {module}"
        check_flags_known((sys.executable, "-m", module), rest)
    else:
        script, rest = arguments[0], arguments[1:]
        assert (REPO / script).is_file(), f"no script {script}"
        check_flags_known((sys.executable, script), rest)


CHECKERS = {"pip": check_pip, "vpstui": check_vpstui, "pytest": check_pytest}
CHECKERS["python"] = check_python


def test_the_readme_has_commands() -> None:
    """Control: the extraction finds the quick start's commands."""
    commands = readme_commands()
    assert "vpstui --demo" in commands
    assert "pip install -e '.[test]'" in commands


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_is_real(command: str) -> None:
    """The command's program, module or script exists and knows every flag it is given."""
    words = shlex.split(command)
    while words and _ENV_ASSIGNMENT.match(words[0]):
        words.pop(0)  # VAR=value before the program
    program, arguments = words[0], words[1:]
    assert program in CHECKERS, f"no check for `{command}`: add one to tests/test_readme.py"
    CHECKERS[program](arguments)


def test_vpstui_help_exits_0() -> None:
    """`vpstui --help` works (run as `python -m vpstui`: nothing needs installing)."""
    assert "--demo" in help_text(sys.executable, "-m", "vpstui")


def test_config_example_loads(tmp_path: Path) -> None:
    """The README's config file example is valid TOML that vpstui reads as described."""
    (example,) = [block for block in fenced("toml") if "api_url" in block]
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    settings = load_settings(config=str(path), environ={}, resolve_token=False)
    data = tomllib.loads(example)
    assert settings.api_url == data["api_url"]
    assert settings.poll_interval == data["poll_interval"]
    assert settings.idle_refresh == data["idle_refresh"]
    source = (REPO / "vpstui" / "config.py").read_text(encoding="utf-8")
    unknown = [key for key in data if f'"{key}"' not in source]
    assert not unknown, f"config keys in the README that config.py never reads: {unknown}"


def test_python_examples_compile_and_import() -> None:
    """The README's Python examples compile, and what they import from vpstui exists."""
    for block in fenced("python"):
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vpstui"):
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{node.module} has no {alias.name}"


def test_screenshots_in_the_readme_exist() -> None:
    """Every image or file the README links under screenshots/ is committed."""
    text = README.read_text(encoding="utf-8")
    linked = set(re.findall(r"\(\s*(screenshots/[^)\s]+)\)", text))
    assert "screenshots/main.png" in linked, "the README shows the main screenshot"
    missing = sorted(path for path in linked if not (REPO / path).is_file())
    assert not missing, f"linked but missing (python screenshots/make.py): {missing}"
