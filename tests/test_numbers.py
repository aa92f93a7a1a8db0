"""Numeric flags and settings are checked with clear errors (issue 11): `--poll-interval
1e308` used to crash with OverflowError; inf, nan, negative and zero are refused where
they make no sense, before anything starts or is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpstui import cli
from vpstui.commands import run_command
from vpstui.config import ConfigError, load_settings

BAD = ["1e308", "inf", "-inf", "nan", "-1"]


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[object]:
    """`run_app` replaced: these tests must stop before the TUI would start."""
    started: list[object] = []
    monkeypatch.setattr(cli, "run_app", lambda *a, **k: started.append(a) or 0)
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("VPSTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path / "state"))
    return started


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize("flag", ["--poll-interval", "--idle-refresh", "--timeout"])
def test_tui_flags(
    flag: str, value: str, no_app: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--demo", f"{flag}={value}"]) == 2
    assert no_app == []
    err = capsys.readouterr().err
    assert flag.lstrip("-").replace("-", "_") in err.replace("-", "_")
    assert "Traceback" not in err and "must be" in err


@pytest.mark.parametrize("flag", ["--poll-interval", "--timeout"])
def test_zero_is_refused_where_it_means_nothing(
    flag: str, no_app: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--demo", flag, "0"]) == 2
    assert "must be" in capsys.readouterr().err


def test_zero_idle_refresh_still_means_off(no_app: list[object]) -> None:
    assert cli.main(["--demo", "--idle-refresh", "0"]) == 0
    assert len(no_app) == 1


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(
    "words",
    [
        ["backups", "list", "--timeout"],
        ["restore", "no-such-server", "1", "--yes", "--wait", "--wait-timeout"],
        ["restore", "no-such-server", "1", "--yes", "--wait", "--poll-interval"],
    ],
    ids=["timeout", "wait-timeout", "poll-interval"],
)
def test_script_flags(
    words: list[str], value: str, no_app: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_command(["--demo", *words[:-1], f"{words[-1]}={value}"]) == 2
    err = capsys.readouterr().err
    assert words[-1] in err and "Traceback" not in err


@pytest.mark.parametrize(
    "line",
    [
        "poll_interval = 1e308",
        "poll_interval = inf",
        "idle_refresh = 1e308",
        "idle_refresh = 0.01",
        "stale_after_hours = 1e308",
        "stale_after_hours = inf",
        "stale_after_hours = nan",
    ],
)
def test_config_values(tmp_path: Path, line: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(line + "\n")
    with pytest.raises(ConfigError, match=r"must be") as raised:
        load_settings(config=str(path), environ={})
    assert line.split(" =")[0] in str(raised.value)


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("poll_interval = 3600", "poll_interval", 3600.0),
        ("idle_refresh = 86400", "idle_refresh", 86400.0),
        ("idle_refresh = 0", "idle_refresh", 0.0),
        ("stale_after_hours = 8760", "stale_after_hours", 8760.0),
    ],
)
def test_large_but_sensible_values_are_kept(
    tmp_path: Path, line: str, key: str, value: float
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(line + "\n")
    assert getattr(load_settings(config=str(path), environ={}), key) == value
