"""Where settings come from: command-line flag > environment > config file > default.

The config file is TOML, by default `config.toml` in the platform's user config
directory (`~/.config/vpstui/config.toml` on Linux); `VPSTUI_CONFIG` or `--config`
point elsewhere:

    api_url = "https://admin.vps.org"
    token_command = "pass show vps.org/api-token"   # or: token = "...", token_file = "..."
    poll_interval = 5       # seconds between refreshes while a backup is in progress
    idle_refresh = 60       # seconds between refreshes otherwise (0: never)
    stale_after_hours = 36  # warn when a server's newest completed backup is older
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vpstui.api.client import DEFAULT_API_URL
from vpstui.api.secret import Secret

__all__ = [
    "ENV_API_URL",
    "ENV_CONFIG",
    "ENV_TOKEN",
    "ConfigError",
    "Settings",
    "default_config_path",
    "load_settings",
]

ENV_TOKEN = "VPS_API_TOKEN"
ENV_API_URL = "VPS_API_URL"
ENV_CONFIG = "VPSTUI_CONFIG"

DEFAULT_POLL_INTERVAL = 5.0
DEFAULT_IDLE_REFRESH = 60.0
DEFAULT_STALE_AFTER_HOURS = 36.0
TOKEN_COMMAND_TIMEOUT = 15.0


class ConfigError(Exception):
    """A setting that cannot be used; the message says which and why."""


@dataclass
class Settings:
    """Everything the app and CLI need to start, already resolved and validated."""

    api_url: str = DEFAULT_API_URL
    token: Secret | None = None
    #: Where the token came from, in the user's words (never the token itself).
    token_source: str | None = None
    poll_interval: float = DEFAULT_POLL_INTERVAL
    idle_refresh: float = DEFAULT_IDLE_REFRESH
    #: A server whose newest completed backup is older than this (hours) gets a warning.
    stale_after_hours: float = DEFAULT_STALE_AFTER_HOURS
    server: str | None = None
    demo: bool = False
    config_path: Path | None = None
    warnings: list[str] = field(default_factory=list)


def default_config_path() -> Path:
    """The platform's user config directory + `config.toml`."""
    from platformdirs import user_config_path

    return user_config_path("vpstui", appauthor=False) / "config.toml"


def _read_config(path: Path, explicit: bool) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"Config file {path} does not exist.") from None
        return {}
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc.strerror}.") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.") from None


def _loose_permissions(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def _permission_warning(path: Path) -> str:
    return (
        f"{path} holds a token and is readable by other users; "
        f"run: chmod 600 {shlex.quote(str(path))}"
    )


def _number(value: Any, name: str, *, minimum: float, unit: str = "seconds") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number of {unit} (got {value!r}).") from None
    if number != number or number < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g} {unit} (got {value!r}).")
    return number


def read_token_file(path: Path, warnings: list[str]) -> Secret:
    """The token in a file (first line, surrounding whitespace removed)."""
    path = path.expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read the token file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"The token file {path} is not text.") from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise ConfigError(f"The token file {path} is empty.")
    if _loose_permissions(path):
        warnings.append(_permission_warning(path))
    return Secret(token)


def run_token_command(command: str) -> Secret:
    """Run `command` (no shell) and take its first output line as the token."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(f"token_command cannot be parsed: {exc}.") from None
    if not argv:
        raise ConfigError("token_command is empty.")
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=TOKEN_COMMAND_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ConfigError(f"token_command: {argv[0]!r} was not found.") from None
    except subprocess.TimeoutExpired:
        raise ConfigError(
            f"token_command {argv[0]!r} did not finish within {TOKEN_COMMAND_TIMEOUT:g} s."
        ) from None
    except OSError as exc:
        raise ConfigError(f"token_command {argv[0]!r} could not run: {exc.strerror}.") from None
    if done.returncode != 0:
        # stderr is shown (trimmed) because it usually explains the failure; stdout never is.
        reason = (done.stderr or "").strip().splitlines()
        why = f": {reason[0][:160]}" if reason else ""
        raise ConfigError(f"token_command {argv[0]!r} failed (exit {done.returncode}){why}.")
    lines = done.stdout.strip().splitlines()
    if not lines or not lines[0].strip():
        raise ConfigError(f"token_command {argv[0]!r} printed no token.")
    return Secret(lines[0].strip())


def load_settings(
    *,
    api_url: str | None = None,
    token_file: str | None = None,
    config: str | None = None,
    poll_interval: float | None = None,
    idle_refresh: float | None = None,
    stale_after_hours: float | None = None,
    server: str | None = None,
    demo: bool = False,
    environ: Mapping[str, str] | None = None,
    resolve_token: bool = True,
) -> Settings:
    """Resolve settings from flags (the keyword arguments), environment and config file.

    With `resolve_token=False` (the demo, `--help`), no token source is read or run.
    """
    env = os.environ if environ is None else environ
    explicit = config or env.get(ENV_CONFIG)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    data = _read_config(path, explicit=bool(explicit))
    settings = Settings(config_path=path, demo=demo, server=server)

    url = api_url or env.get(ENV_API_URL) or data.get("api_url") or DEFAULT_API_URL
    if not isinstance(url, str):
        raise ConfigError(f"api_url in {path} must be a string.")
    settings.api_url = url.strip()

    settings.poll_interval = _number(
        poll_interval
        if poll_interval is not None
        else data.get("poll_interval", DEFAULT_POLL_INTERVAL),
        "poll_interval",
        minimum=0.5,
    )
    settings.idle_refresh = _number(
        idle_refresh
        if idle_refresh is not None
        else data.get("idle_refresh", DEFAULT_IDLE_REFRESH),
        "idle_refresh",
        minimum=0,
    )
    settings.stale_after_hours = _number(
        stale_after_hours
        if stale_after_hours is not None
        else data.get("stale_after_hours", DEFAULT_STALE_AFTER_HOURS),
        "stale_after_hours",
        minimum=0.1,
        unit="hours",
    )

    if demo or not resolve_token:
        return settings

    if isinstance(data.get("token"), str) and data["token"].strip() and _loose_permissions(path):
        # Warn even when another source wins: the file still exposes a token.
        settings.warnings.append(_permission_warning(path))

    if token_file:
        settings.token = read_token_file(Path(token_file), settings.warnings)
        settings.token_source = f"--token-file {token_file}"
    elif env.get(ENV_TOKEN, "").strip():
        settings.token = Secret(env[ENV_TOKEN].strip())
        settings.token_source = ENV_TOKEN
    elif isinstance(data.get("token"), str) and data["token"].strip():
        settings.token = Secret(data["token"].strip())
        settings.token_source = f"token in {path}"
    elif isinstance(data.get("token_file"), str) and data["token_file"].strip():
        settings.token = read_token_file(Path(data["token_file"]), settings.warnings)
        settings.token_source = f"token_file in {path}"
    elif isinstance(data.get("token_command"), str) and data["token_command"].strip():
        settings.token = run_token_command(data["token_command"])
        settings.token_source = f"token_command in {path}"
    return settings
