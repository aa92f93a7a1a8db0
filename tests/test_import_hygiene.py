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
    ["import vpstui.api, vpstui.config", "from vpstui.api import VpsClient, ApiError"],
)
def test_api_and_config_do_not_import_textual(statement: str) -> None:
    """`import vpstui.api, vpstui.config` loads httpx but no Textual and no UI module."""
    modules = modules_after_import(statement)
    assert "vpstui.api.client" in modules, "control: the import really happened"
    assert "httpx" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}
    assert not {m for m in modules if m.startswith("vpstui.ui")}


def test_control_textual_is_detected() -> None:
    """Control: the check above would notice Textual if it were imported."""
    assert "textual" in modules_after_import("import textual")
