"""One command checks everything: the test suite also runs the linter, the formatter check
and the type checker, configured in pyproject.toml (STYLE.md, habit 9)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tree_is_clean(command: tuple[str, ...]) -> None:
    """ruff and strict mypy report nothing for the whole tree."""
    done = run(*command)
    assert done.returncode == 0, done.stdout + done.stderr
