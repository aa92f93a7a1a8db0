"""Where settings come from: flag > environment > chosen profile > config file > default.

The config file is TOML, by default `config.toml` in the platform's user config
directory (`~/.config/vpstui/config.toml` on Linux); `VPSTUI_CONFIG` or `--config`
point elsewhere:

    api_url = "https://admin.vps.org"
    token_command = "pass show vps.org/api-token"   # or: token = "...", token_file = "..."
    poll_interval = 5       # seconds between refreshes while a backup is in progress
    idle_refresh = 60       # seconds between refreshes otherwise (0: never)
    stale_after_hours = 36  # warn when a server's newest completed backup is older
    restore_follow = 1800   # seconds a restore is followed for a status change
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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from vpstui.api.address import DEFAULT_API_URL
from vpstui.api.secret import Secret
from vpstui.config_values import LIMITS, ConfigError, check_number, parse_colour
from vpstui.i18n import N_, _
from vpstui.os_reasons import os_reason
from vpstui.tokens import (
    TokenSourceError,
    permission_warning,
    read_token_file,
    readable_by_others,
    run_token_command,
    tamper_refusal,
)

__all__ = [
    "ENV_API_URL",
    "ENV_CONFIG",
    "ENV_PROFILE",
    "ENV_TOKEN",
    "LIMITS",
    "ConfigError",
    "Settings",
    "check_number",
    "default_config_path",
    "load_settings",
    "parse_colour",
]

ENV_TOKEN = "VPS_API_TOKEN"
ENV_API_URL = "VPS_API_URL"
ENV_CONFIG = "VPSTUI_CONFIG"
ENV_PROFILE = "VPSTUI_PROFILE"

DEFAULT_POLL_INTERVAL = 5.0
DEFAULT_IDLE_REFRESH = 60.0
DEFAULT_STALE_AFTER_HOURS = 36.0
#: How long a restore is followed for a status change, by default (seconds).
DEFAULT_RESTORE_FOLLOW = 1800.0
DEFAULT_PAGE_CONCURRENCY = 6
DEFAULT_POLL_REQUESTS = 10
TOKEN_COMMAND_TIMEOUT = 15.0
#: The keys that say where the token comes from; a profile overrides them as one.
TOKEN_KEYS = ("token", "token_file", "token_command")
#: Where the token is looked for, in this order; the first found wins (`load_settings`).
#: `--help`, the first-run screen and the README list the sources in this order.
TOKEN_ORDER: tuple[tuple[str, str], ...] = (
    ("--token-file PATH", N_("a file holding the token (chmod 600)")),
    (f"{ENV_TOKEN}=…", N_("the token itself, in the environment")),
    ('token = "…"', N_("in the config file (chmod 600 it)")),
    ('token_file = "PATH"', N_("in the config file: a file holding the token")),
    ('token_command = "…"', N_("in the config file: a command printing it")),
)


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
    #: How long (seconds) a restore is followed for a status change the API may show.
    restore_follow: float = DEFAULT_RESTORE_FOLLOW
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
    #: argv run with each event as JSON on stdin (`notify_command`; no shell).
    notify_command: tuple[str, ...] | None = None
    #: The language to speak (`vpstui.i18n.LANGUAGES`): --lang, VPSTUI_LANG, `language`,
    #: the locale.
    language: str = "en"

    def refuse_writes(self) -> str | None:
        """Why creating, deleting and restoring are off, or None when they are allowed.

        The UI and the scripting commands call this before any create, delete or restore
        and show the message as it is.
        """
        if not self.read_only:
            return None
        if self.read_only_reason:
            return _("Read-only ({why}): creating, deleting and restoring are off.").format(
                why=self.read_only_reason
            )
        return _("Read-only: creating, deleting and restoring are off.")


def default_config_path() -> Path:
    """The platform's user config directory + `config.toml`."""
    from platformdirs import user_config_path

    return user_config_path("vpstui", appauthor=False) / "config.toml"


def config_path(config: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The config file vpstui reads: `--config`, else `VPSTUI_CONFIG`, else the default.
    What messages name (a user who set `VPSTUI_CONFIG` is told about that file)."""
    env = os.environ if environ is None else environ
    explicit = config or env.get(ENV_CONFIG)
    return Path(explicit).expanduser() if explicit else default_config_path()


def _read_config(path: Path, explicit: bool) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError(_("Config file {path} does not exist.").format(path=path)) from None
        return {}
    except OSError as exc:
        raise ConfigError(
            _("Cannot read config file {path}: {why}.").format(path=path, why=os_reason(exc))
        ) from None
    import tomllib  # only with a config file to read

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            _("Config file {path} is not valid TOML: {why}.").format(path=path, why=exc)
        ) from None


def _profile_tables(data: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(
            _("profiles in {path} must be tables: [profiles.NAME].").format(path=path)
        )
    for name, table in profiles.items():
        if not isinstance(table, dict):
            raise ConfigError(
                _("profiles.{name} in {path} must be a table: [profiles.{name}].").format(
                    name=name, path=path
                )
            )
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
        raise ConfigError(_("default_profile in {path} must be a string.").format(path=path))
    return default.strip(), _("default_profile in {path}").format(path=path)


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
    language: str | None = None,
    environ: Mapping[str, str] | None = None,
    resolve_token: bool = True,
) -> Settings:
    """Resolve settings from flags (the keyword arguments), environment and config file.

    With `resolve_token=False` (the demo, `--help`), no token source is read or run.
    """
    env = os.environ if environ is None else environ
    explicit = config or env.get(ENV_CONFIG)
    path = config_path(config, env)
    file_data = _read_config(path, explicit=bool(explicit))
    tables = _profile_tables(file_data, path)
    name, asked_by = _choose_profile(profile, env, file_data, path)
    settings = Settings(config_path=path, demo=demo, server=server, profiles=tuple(tables))
    data = {k: v for k, v in file_data.items() if k not in ("profiles", "default_profile")}
    origin = str(path)  # where the token keys come from, for `token_source`
    if name is not None:
        if name not in tables:
            known = _(", ").join(tables) or _("none ([profiles.NAME] tables define them)")
            raise ConfigError(
                _("No profile {name!r} ({asked_by}) in {path}; known: {known}.").format(
                    name=name, asked_by=asked_by, path=path, known=known
                )
            )
        chosen = tables[name]
        if any(key in chosen for key in TOKEN_KEYS):
            data = {k: v for k, v in data.items() if k not in TOKEN_KEYS}
            origin = _("[profiles.{name}] of {path}").format(name=name, path=path)
        data.update(chosen)
        settings.profile = name

    if api_url is not None and not api_url.strip():  # not the default API: not what was named
        raise ConfigError(_("--api-url is empty: give the API's URL, or leave it out."))
    url = api_url or env.get(ENV_API_URL) or data.get("api_url") or DEFAULT_API_URL
    if not isinstance(url, str):
        raise ConfigError(_("api_url in {path} must be a string.").format(path=path))
    settings.api_url = url.strip()

    from vpstui.i18n import LanguageError, choose_language, speaking

    try:
        in_profile = name is not None and "language" in tables[name]
        where = (
            _("[profiles.{name}] of {path}").format(name=name, path=path)
            if in_profile
            else str(path)
        )
        settings.language = choose_language(language, env, data.get("language"), where)
    except LanguageError as error:
        raise ConfigError(str(error)) from None

    # Errors and warnings from here on speak the language just chosen (the config's
    # `language` too); the language in use is left as it was.
    with speaking(settings.language):
        colour = data.get("colour", data.get("color"))
        if colour is not None:
            where = (
                _("[profiles.{name}] of {path}").format(name=name, path=path)
                if name is not None
                else str(path)
            )
            settings.colour = parse_colour(colour, where)

        configured_read_only = data.get("read_only", False)
        if not isinstance(configured_read_only, bool):
            raise ConfigError(_("read_only in {path} must be true or false.").format(path=path))
        if read_only:
            settings.read_only, settings.read_only_reason = True, "--read-only"
        elif configured_read_only:
            settings.read_only = True
            from_profile = name is not None and tables[name].get("read_only") is True
            settings.read_only_reason = (
                _("profile {name}").format(name=name)
                if from_profile
                else _("read_only in {path}").format(path=path)
            )

        def number(
            flag: float | None, key: str, default: float, unit: str, off: bool = False
        ) -> float:
            """A flag if given, else the config file's value, else the default; validated."""
            value = flag if flag is not None else data.get(key, default)
            name = f"--{key.replace('_', '-')}" if flag is not None else key
            return check_number(value, name, LIMITS[key], unit, off=off)

        settings.poll_interval = number(
            poll_interval, "poll_interval", DEFAULT_POLL_INTERVAL, "seconds"
        )
        settings.idle_refresh = number(
            idle_refresh, "idle_refresh", DEFAULT_IDLE_REFRESH, "seconds", off=True
        )
        settings.stale_after_hours = number(
            stale_after_hours, "stale_after_hours", DEFAULT_STALE_AFTER_HOURS, "hours"
        )
        settings.restore_follow = number(None, "restore_follow", DEFAULT_RESTORE_FOLLOW, "seconds")

        if "notify_command" in data:  # (imported only when used: start-up stays lean)
            from vpstui.notify import parse_notify_command

            try:
                where = (
                    _("[profiles.{name}] of {path}").format(name=name, path=path)
                    if name is not None
                    else str(path)
                )
                settings.notify_command = parse_notify_command(data["notify_command"], where)
            except ValueError as error:
                raise ConfigError(str(error)) from None
        for key, default in (
            ("page_concurrency", DEFAULT_PAGE_CONCURRENCY),
            ("poll_requests", DEFAULT_POLL_REQUESTS),
        ):
            count = data.get(key, default)
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
                raise ConfigError(
                    _("{key} in {path} must be a whole number from 1 to 100.").format(
                        key=key, path=path
                    )
                )
            setattr(settings, key, count)
        cache = data.get("cache", True)
        if not isinstance(cache, bool):
            raise ConfigError(
                _("{key} in {path} must be true or false.").format(key="cache", path=path)
            )
        settings.cache = cache

        if demo or not resolve_token:
            return settings

        every_table = (file_data, *tables.values())
        if any(key in table for table in every_table for key in (*TOKEN_KEYS, "api_url")):
            refusal = tamper_refusal(path, N_("names a token source or the API URL"))
            if refusal is not None:
                raise ConfigError(refusal)
        holds_token = any(
            isinstance(table.get("token"), str) and table["token"].strip() for table in every_table
        )
        if holds_token and readable_by_others(path):
            # Warn even when another source or profile wins: the file still exposes a token.
            settings.warnings.append(permission_warning(path))

        try:
            _resolve_token(settings, data, token_file, env, origin)
        except TokenSourceError as error:
            if isinstance(error, ConfigError):
                raise
            raise ConfigError(str(error)) from None
        return settings


def _resolve_token(
    settings: Settings,
    data: dict[str, Any],
    token_file: str | None,
    env: Mapping[str, str],
    origin: str,
) -> None:
    """Set `settings.token` and `token_source` from the first source found (if any)."""
    if token_file:
        settings.token = read_token_file(Path(token_file), settings.warnings)
        settings.token_source = f"--token-file {token_file}"
    elif env.get(ENV_TOKEN, "").strip():
        settings.token = Secret(env[ENV_TOKEN].strip())
        settings.token_source = ENV_TOKEN
    elif isinstance(data.get("token"), str) and data["token"].strip():
        settings.token = Secret(data["token"].strip())
        settings.token_source = _("{key} in {origin}").format(key="token", origin=origin)
    elif isinstance(data.get("token_file"), str) and data["token_file"].strip():
        settings.token = read_token_file(Path(data["token_file"]), settings.warnings)
        settings.token_source = _("{key} in {origin}").format(key="token_file", origin=origin)
    elif isinstance(data.get("token_command"), str) and data["token_command"].strip():
        settings.token = run_token_command(data["token_command"], TOKEN_COMMAND_TIMEOUT)
        settings.token_source = _("{key} in {origin}").format(key="token_command", origin=origin)
