"""The network settings of issue 13: `page_concurrency` and `poll_requests`."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpstui.cli import build_client
from vpstui.config import ConfigError, load_settings


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def test_defaults_and_file_values(tmp_path: Path) -> None:
    settings = load_settings(config=_config(tmp_path, ""), environ={}, resolve_token=False)
    assert (settings.page_concurrency, settings.poll_requests) == (6, 10)
    text = "page_concurrency = 2\npoll_requests = 3\n"
    settings = load_settings(config=_config(tmp_path, text), environ={}, resolve_token=False)
    assert (settings.page_concurrency, settings.poll_requests) == (2, 3)


@pytest.mark.parametrize(
    "line",
    [
        "page_concurrency = 0",
        "page_concurrency = 2.5",
        "poll_requests = true",
        "poll_requests = 1000",
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError, match=line.split()[0]):
        load_settings(config=_config(tmp_path, line + "\n"), environ={}, resolve_token=False)


def test_the_client_gets_the_page_concurrency(tmp_path: Path) -> None:
    config = _config(tmp_path, 'page_concurrency = 3\ntoken = "t"\n')
    settings = load_settings(config=config, environ={})
    client = build_client(settings)
    assert client is not None and client.page_concurrency == 3


def test_cache_setting_and_flag(tmp_path: Path) -> None:
    from vpstui.cli import build_parser

    settings = load_settings(config=_config(tmp_path, ""), environ={}, resolve_token=False)
    assert settings.cache is True
    text = "cache = false\n"
    settings = load_settings(config=_config(tmp_path, text), environ={}, resolve_token=False)
    assert settings.cache is False
    with pytest.raises(ConfigError, match="cache"):
        load_settings(config=_config(tmp_path, 'cache = "no"\n'), environ={}, resolve_token=False)
    assert build_parser().parse_args(["--no-cache"]).no_cache is True
    assert build_parser().parse_args([]).no_cache is False
