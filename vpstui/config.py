"""Where settings come from: flag > environment > chosen profile > config file > default.

The config file is TOML, by default `config.toml` in the platform's user config
directory (`~/.config/vpstui/config.toml` on Linux); `VPSTUI_CONFIG` or `--config`
point elsewhere:

    api_url = "https://admin.vps.org"
    token_command = "pass show vps.org/api-token"   # or: token = "...", token_file = "..."
    poll_interval = 5       # seconds between refreshes while a backup is in progress
    idle_refresh = 60       # seconds between refreshes otherwise (0: never)
    stale_after_hours = 36  # warn when a server's newest completed backup is older
    page_concurrency = 6    # pages of a long listing requested at once
    poll_requests = 10      # most list requests a poll tick sends (one per busy server)
    cache = true            # show the last listing at start, marked cached (--no-cache)
    default_profile = "staging"                     # optional

    [profiles.prod]         # `--profile prod` or VPSTUI_PROFILE=prod
    api_url = "https://admin.vps.org"
    token_command = "pass show vps.org/prod"
    colour = "red"          # the header badge; a colour name or #rrggbb ("color" works too)
    read_only = true        # create, delete and restore are off

The top-level keys are the defaults; a profile's table overrides any of them. The
token sources (`token`, `token_file`, `token_command`) go together: a profile naming
any of them replaces all three of the top level's.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from vpstui.api.client import DEFAULT_API_URL
from vpstui.api.secret import Secret

__all__ = [
    "ENV_API_URL",
    "ENV_CONFIG",
    "ENV_PROFILE",
    "ENV_TOKEN",
    "ConfigError",
    "Settings",
    "default_config_path",
    "load_settings",
]

ENV_TOKEN = "VPS_API_TOKEN"
ENV_API_URL = "VPS_API_URL"
ENV_CONFIG = "VPSTUI_CONFIG"
ENV_PROFILE = "VPSTUI_PROFILE"

DEFAULT_POLL_INTERVAL = 5.0
DEFAULT_IDLE_REFRESH = 60.0
DEFAULT_STALE_AFTER_HOURS = 36.0
DEFAULT_PAGE_CONCURRENCY = 6
DEFAULT_POLL_REQUESTS = 10
TOKEN_COMMAND_TIMEOUT = 15.0
#: The keys that say where the token comes from; a profile overrides them as one.
TOKEN_KEYS = ("token", "token_file", "token_command")


class ConfigError(Exception):
    """A setting that cannot be used; the message says which and why."""


class Settings(msgspec.Struct):
    """Everything the app and CLI need to start, already resolved and validated."""

    api_url: str = DEFAULT_API_URL
    token: Secret | None = None
    #: Where the token came from, in the user's words (never the token itself).
    token_source: str | None = None
    poll_interval: float = DEFAULT_POLL_INTERVAL
    idle_refresh: float = DEFAULT_IDLE_REFRESH
    #: A server whose newest completed backup is older than this (hours) gets a warning.
    stale_after_hours: float = DEFAULT_STALE_AFTER_HOURS
    #: Pages of a listing requested at once once the page links say how many there are.
    page_concurrency: int = DEFAULT_PAGE_CONCURRENCY
    #: The most list requests one poll tick sends (one per server with a backup running).
    poll_requests: int = DEFAULT_POLL_REQUESTS
    #: Show the last listing (from the cache directory) until live data replaces it.
    cache: bool = True
    server: str | None = None
    demo: bool = False
    config_path: Path | None = None
    warnings: list[str] = msgspec.field(default_factory=list)
    #: The profile in use (`--profile`, VPSTUI_PROFILE or `default_profile`), if any.
    profile: str | None = None
    #: Every profile the config file defines, in file order.
    profiles: tuple[str, ...] = ()
    #: Create, delete and restore are off (`--read-only` or `read_only = true`).
    read_only: bool = False
    #: Why, in the user's words: "--read-only", "profile prod", "read_only in PATH".
    read_only_reason: str | None = None
    #: The profile's colour for the header badge (a Rich colour: name or #rrggbb).
    colour: str | None = None

    def refuse_writes(self) -> str | None:
        """Why creating, deleting and restoring are off, or None when they are allowed.

        The UI and the scripting commands call this before any create, delete or restore
        and show the message as it is.
        """
        if not self.read_only:
            return None
        why = f" ({self.read_only_reason})" if self.read_only_reason else ""
        return f"Read-only{why}: creating, deleting and restoring are off."


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


def parse_colour(value: Any, where: str) -> str:
    """A colour for the header badge as Rich reads it: a Rich name (`red`, `dark_orange`),
    `#rrggbb`, or a Textual/CSS name (`crimson`, `#f00`), which becomes `#rrggbb`."""
    from rich.color import Color, ColorParseError

    text = value.strip().lower() if isinstance(value, str) else ""
    if text and text != "default":
        try:
            Color.parse(text)
            return text
        except ColorParseError:
            pass
        # Textual knows the CSS names too; imported only here (config stays Textual-free).
        from textual.color import Color as TextualColor

        try:
            parsed = TextualColor.parse(text).hex
        except Exception:
            parsed = ""
        if parsed.startswith("#"):
            return parsed[:7].lower()
    raise ConfigError(
        f"colour {value!r} in {where} is not a colour: use a name like red or dark_orange, "
        "or #rrggbb."
    )


def _profile_tables(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"profiles in {path} must be tables: [profiles.NAME].")
    for name, table in profiles.items():
        if not isinstance(table, dict):
            raise ConfigError(f"profiles.{name} in {path} must be a table: [profiles.{name}].")
    return profiles


def _choose_profile(
    flag: str | None, env: Mapping[str, str], data: dict[str, Any], path: Path
) -> tuple[str | None, str]:
    """The profile asked for and where the asking came from (for the error message)."""
    if flag:
        return flag, "--profile"
    if env.get(ENV_PROFILE, "").strip():
        return env[ENV_PROFILE].strip(), ENV_PROFILE
    default = data.get("default_profile")
    if default is None or default == "":
        return None, ""
    if not isinstance(default, str):
        raise ConfigError(f"default_profile in {path} must be a string.")
    return default.strip(), f"default_profile in {path}"


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
    profile: str | None = None,
    read_only: bool = False,
    environ: Mapping[str, str] | None = None,
    resolve_token: bool = True,
) -> Settings:
    """Resolve settings from flags (the keyword arguments), environment and config file.

    With `resolve_token=False` (the demo, `--help`), no token source is read or run.
    """
    env = os.environ if environ is None else environ
    explicit = config or env.get(ENV_CONFIG)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    file_data = _read_config(path, explicit=bool(explicit))
    tables = _profile_tables(file_data, path)
    name, asked_by = _choose_profile(profile, env, file_data, path)
    settings = Settings(config_path=path, demo=demo, server=server, profiles=tuple(tables))
    data = {k: v for k, v in file_data.items() if k not in ("profiles", "default_profile")}
    origin = str(path)  # where the token keys come from, for `token_source`
    if name is not None:
        if name not in tables:
            known = ", ".join(tables) if tables else "none ([profiles.NAME] tables define them)"
            raise ConfigError(f"No profile {name!r} ({asked_by}) in {path}; known: {known}.")
        chosen = tables[name]
        if any(key in chosen for key in TOKEN_KEYS):
            data = {k: v for k, v in data.items() if k not in TOKEN_KEYS}
            origin = f"[profiles.{name}] of {path}"
        data.update(chosen)
        settings.profile = name

    url = api_url or env.get(ENV_API_URL) or data.get("api_url") or DEFAULT_API_URL
    if not isinstance(url, str):
        raise ConfigError(f"api_url in {path} must be a string.")
    settings.api_url = url.strip()

    colour = data.get("colour", data.get("color"))
    if colour is not None:
        where = f"[profiles.{name}] of {path}" if name is not None else str(path)
        settings.colour = parse_colour(colour, where)

    configured_read_only = data.get("read_only", False)
    if not isinstance(configured_read_only, bool):
        raise ConfigError(f"read_only in {path} must be true or false.")
    if read_only:
        settings.read_only, settings.read_only_reason = True, "--read-only"
    elif configured_read_only:
        settings.read_only = True
        from_profile = name is not None and tables[name].get("read_only") is True
        settings.read_only_reason = f"profile {name}" if from_profile else f"read_only in {path}"

    def number(flag: float | None, key: str, default: float, minimum: float, unit: str) -> float:
        """A flag if given, else the config file's value, else the default; validated."""
        value = flag if flag is not None else data.get(key, default)
        return _number(value, key, minimum=minimum, unit=unit)

    settings.poll_interval = number(
        poll_interval, "poll_interval", DEFAULT_POLL_INTERVAL, 0.5, "seconds"
    )
    settings.idle_refresh = number(idle_refresh, "idle_refresh", DEFAULT_IDLE_REFRESH, 0, "seconds")
    settings.stale_after_hours = number(
        stale_after_hours, "stale_after_hours", DEFAULT_STALE_AFTER_HOURS, 0.1, "hours"
    )
    for key, default in (
        ("page_concurrency", DEFAULT_PAGE_CONCURRENCY),
        ("poll_requests", DEFAULT_POLL_REQUESTS),
    ):
        count = data.get(key, default)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
            raise ConfigError(f"{key} in {path} must be a whole number from 1 to 100.")
        setattr(settings, key, count)
    cache = data.get("cache", True)
    if not isinstance(cache, bool):
        raise ConfigError(f"cache in {path} must be true or false.")
    settings.cache = cache

    if demo or not resolve_token:
        return settings

    holds_token = any(
        isinstance(table.get("token"), str) and table["token"].strip()
        for table in (file_data, *tables.values())
    )
    if holds_token and _loose_permissions(path):
        # Warn even when another source or profile wins: the file still exposes a token.
        settings.warnings.append(_permission_warning(path))

    if token_file:
        settings.token = read_token_file(Path(token_file), settings.warnings)
        settings.token_source = f"--token-file {token_file}"
    elif env.get(ENV_TOKEN, "").strip():
        settings.token = Secret(env[ENV_TOKEN].strip())
        settings.token_source = ENV_TOKEN
    elif isinstance(data.get("token"), str) and data["token"].strip():
        settings.token = Secret(data["token"].strip())
        settings.token_source = f"token in {origin}"
    elif isinstance(data.get("token_file"), str) and data["token_file"].strip():
        settings.token = read_token_file(Path(data["token_file"]), settings.warnings)
        settings.token_source = f"token_file in {origin}"
    elif isinstance(data.get("token_command"), str) and data["token_command"].strip():
        settings.token = run_token_command(data["token_command"])
        settings.token_source = f"token_command in {origin}"
    return settings
