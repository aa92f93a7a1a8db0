"""Profiles and read-only in the config: flag > env > chosen profile > top level > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from vpstui.cli import build_parser, profile_opener
from vpstui.config import ConfigError, Settings, load_settings

from .test_config import python_command, toml_string

CONFIG = """\
api_url = "https://top.example"
token = "top-token"
poll_interval = 7
default_profile = "staging"

[profiles.staging]
api_url = "https://staging.example"
colour = "yellow"

[profiles.prod]
api_url = "https://prod.example"
token = "prod-token"
idle_refresh = 0
color = "#cc0000"
read_only = true
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def load(config: str, environ: dict[str, str] | None = None, **flags: object) -> Settings:
    return load_settings(config=config, environ=environ or {}, **flags)  # type: ignore[arg-type]


# --- choosing a profile -----------------------------------------------------------------------


def test_default_profile_applies_without_flag_or_env(config: str) -> None:
    """`default_profile` picks staging; its keys override the top level, the rest inherit."""
    settings = load(config)
    assert settings.profile == "staging"
    assert settings.profiles == ("staging", "prod")
    assert settings.api_url == "https://staging.example"
    assert settings.poll_interval == 7  # from the top level
    assert settings.token is not None and settings.token.reveal() == "top-token"
    assert settings.colour == "yellow"
    assert not settings.read_only


def test_env_beats_default_profile_and_flag_beats_env(config: str) -> None:
    """VPSTUI_PROFILE beats default_profile; --profile beats VPSTUI_PROFILE."""
    assert load(config, {"VPSTUI_PROFILE": "prod"}).profile == "prod"
    assert load(config, {"VPSTUI_PROFILE": "prod"}, profile="staging").profile == "staging"


def test_profile_overrides_top_level_but_not_flags_or_env(config: str) -> None:
    """prod's api_url and token win over the top level; the flag and env win over prod."""
    prod = load(config, profile="prod")
    assert prod.api_url == "https://prod.example"
    assert prod.token is not None and prod.token.reveal() == "prod-token"
    assert prod.token_source is not None and "[profiles.prod]" in prod.token_source
    assert prod.idle_refresh == 0
    env = {"VPS_API_URL": "https://env.example", "VPS_API_TOKEN": "env-token"}
    overridden = load(config, env, profile="prod", idle_refresh=30.0)
    assert overridden.api_url == "https://env.example"
    assert overridden.token is not None and overridden.token.reveal() == "env-token"
    assert overridden.idle_refresh == 30
    flagged = load(config, env, profile="prod", api_url="https://flag.example")
    assert flagged.api_url == "https://flag.example"


def test_profile_token_source_replaces_the_top_level_one(tmp_path: Path) -> None:
    """A profile's token_command replaces the top-level token (the sources go together)."""
    path = tmp_path / "config.toml"
    command = python_command("print('cmd-token')")
    path.write_text(
        f'token = "top-token"\n[profiles.prod]\ntoken_command = {toml_string(command)}\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    settings = load(str(path), profile="prod")
    assert settings.token is not None and settings.token.reveal() == "cmd-token"
    assert settings.token_source == f"token_command in [profiles.prod] of {path}"


def test_no_profile_uses_top_level(tmp_path: Path) -> None:
    """Without profiles (or default_profile) nothing changes: profile None, the top level."""
    path = tmp_path / "config.toml"
    path.write_text('api_url = "https://top.example"\n', encoding="utf-8")
    settings = load(str(path), resolve_token=False)
    assert settings.profile is None and settings.profiles == ()
    assert settings.api_url == "https://top.example"
    assert settings.colour is None and not settings.read_only


@pytest.mark.parametrize(
    ("flags", "env", "asked_by"),
    [
        ({"profile": "qa"}, {}, "--profile"),
        ({}, {"VPSTUI_PROFILE": "qa"}, "VPSTUI_PROFILE"),
    ],
    ids=["flag", "env"],
)
def test_unknown_profile_lists_the_known_ones(
    config: str, flags: dict[str, str], env: dict[str, str], asked_by: str
) -> None:
    """An unknown profile is a ConfigError naming it, who asked, and the known profiles."""
    with pytest.raises(ConfigError) as caught:
        load(config, env, **flags)
    message = str(caught.value)
    assert "'qa'" in message and asked_by in message and "staging, prod" in message


def test_unknown_default_profile_is_an_error(tmp_path: Path) -> None:
    """default_profile naming no table fails too, saying there are no profiles."""
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "prod"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'prod' \(default_profile in .*\).*known: none"):
        load(str(path), resolve_token=False)


@pytest.mark.parametrize(
    "text",
    ['profiles = "prod"\n', "[profiles]\nprod = 1\n", "default_profile = 3\n"],
    ids=["profiles-not-table", "profile-not-table", "default-not-string"],
)
def test_malformed_profiles_are_errors(tmp_path: Path, text: str) -> None:
    """Profiles that are not tables, or a non-string default_profile, are ConfigErrors."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load(str(path), resolve_token=False)


def test_token_in_any_profile_warns_about_loose_permissions(tmp_path: Path) -> None:
    """A group-readable file with a token in an unused profile still warns (once)."""
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\ntoken = "prod-token"\n', encoding="utf-8")
    path.chmod(0o640)
    settings = load(str(path), {"VPS_API_TOKEN": "env-token"})
    assert len(settings.warnings) == 1 and "chmod 600" in settings.warnings[0]
    assert "prod-token" not in settings.warnings[0]


# --- colour ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("red", "red"),
        ("Dark_Orange", "dark_orange"),
        ("#CC0000", "#cc0000"),
        ("crimson", "#dc143c"),  # a CSS name Textual knows: kept as #rrggbb for Rich
        ("#f00", "#ff0000"),
    ],
)
def test_colour_names_and_hex_are_accepted(tmp_path: Path, given: str, stored: str) -> None:
    """Rich names and #rrggbb are kept; Textual/CSS names and #rgb become #rrggbb."""
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.prod]\ncolour = "{given}"\n', encoding="utf-8")
    assert load(str(path), profile="prod", resolve_token=False).colour == stored


@pytest.mark.parametrize("bad", ["reddish", "#12345", "", "default", 7])
def test_invalid_colour_is_an_error_with_the_value(tmp_path: Path, bad: object) -> None:
    """A colour that is not one names the value and the profile."""
    path = tmp_path / "config.toml"
    value = f'"{bad}"' if isinstance(bad, str) else str(bad)
    path.write_text(f"[profiles.prod]\ncolor = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(str(path), profile="prod", resolve_token=False)
    assert repr(bad) in str(caught.value) and "[profiles.prod]" in str(caught.value)


# --- read-only ------------------------------------------------------------------------------


def test_read_only_from_the_profile(config: str) -> None:
    """`read_only = true` in prod: refuse_writes names the profile."""
    settings = load(config, profile="prod")
    assert settings.read_only
    assert settings.refuse_writes() == (
        "Read-only (profile prod): creating, deleting and restoring are off."
    )


def test_read_only_from_the_flag(config: str) -> None:
    """--read-only turns it on for any profile and is named as the reason."""
    settings = load(config, profile="staging", read_only=True)
    assert settings.read_only
    assert settings.refuse_writes() == (
        "Read-only (--read-only): creating, deleting and restoring are off."
    )


def test_read_only_at_top_level_and_profile_turning_it_off(tmp_path: Path) -> None:
    """Top-level read_only is the default; a profile may set it false."""
    path = tmp_path / "config.toml"
    path.write_text(
        "read_only = true\n[profiles.ops]\nread_only = false\n[profiles.view]\n",
        encoding="utf-8",
    )
    view = load(str(path), profile="view", resolve_token=False)
    assert view.read_only and view.read_only_reason == f"read_only in {path}"
    assert load(str(path), profile="ops", resolve_token=False).refuse_writes() is None


def test_read_only_must_be_a_boolean(tmp_path: Path) -> None:
    """read_only = "yes" is an error, not silently true or false."""
    path = tmp_path / "config.toml"
    path.write_text('[profiles.prod]\nread_only = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="read_only"):
        load(str(path), profile="prod", resolve_token=False)


def test_writes_allowed_by_default() -> None:
    """Plain settings allow writes: refuse_writes() is None."""
    assert Settings().refuse_writes() is None


# --- the CLI --------------------------------------------------------------------------------


def test_cli_flags_parse() -> None:
    """--profile NAME and --read-only are flags of vpstui."""
    args = build_parser().parse_args(["--profile", "prod", "--read-only"])
    assert args.profile == "prod" and args.read_only


async def test_profile_opener_drops_account_flags_keeps_read_only(
    config: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching in the app resolves the profile's own URL and token (not --api-url),
    but keeps --read-only."""
    monkeypatch.delenv("VPS_API_TOKEN", raising=False)
    monkeypatch.delenv("VPS_API_URL", raising=False)
    args = build_parser().parse_args(
        ["--config", config, "--api-url", "https://flag.example", "--read-only"]
    )
    settings, api = profile_opener(args)("prod")
    assert settings.profile == "prod" and api.host == "prod.example"
    assert settings.read_only_reason == "--read-only"
    await api.aclose()


def test_profile_opener_fails_readably(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile whose token_command fails, or that has no token, raises ConfigError."""
    monkeypatch.delenv("VPS_API_TOKEN", raising=False)
    path = tmp_path / "config.toml"
    failing = python_command("import sys; sys.exit('vault is sealed')")
    path.write_text(
        f"[profiles.bad]\ntoken_command = {toml_string(failing)}\n[profiles.empty]\n",
        encoding="utf-8",
    )
    opener = profile_opener(build_parser().parse_args(["--config", str(path)]))
    with pytest.raises(ConfigError, match="vault is sealed"):
        opener("bad")
    with pytest.raises(ConfigError, match="Profile empty has no token"):
        opener("empty")
