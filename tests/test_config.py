"""Settings: precedence (flag > env > file > default), token sources, and readable failures."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from vpstui.api.secret import Secret
from vpstui.config import ConfigError, Settings, load_settings

TOKEN = "tok-SECRET-123"


def python_command(code: str) -> str:
    """A token_command running `code` with this interpreter, quoted for shlex."""
    return shlex.join([sys.executable, "-c", code])


def toml_string(value: str) -> str:
    """`value` as a TOML basic string (paths and commands may hold backslashes and quotes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config.toml (mode 600 unless told) and return its path as a string."""

    def write(text: str, mode: int = 0o600) -> str:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        path.chmod(mode)
        return str(path)

    return write


@pytest.fixture
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default config directory at an empty temporary one."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


# --- precedence -----------------------------------------------------------------------------


class TestPrecedence:
    @pytest.mark.parametrize(
        ("flag", "env", "file", "expected"),
        [
            ("https://flag.example", "https://env.example", "https://file.example", "flag"),
            (None, "https://env.example", "https://file.example", "env"),
            (None, None, "https://file.example", "file"),
            (None, None, None, "admin.vps.org"),
            (None, "", "https://file.example", "file"),
        ],
        ids=["flag-wins", "env-beats-file", "file-beats-default", "default", "empty-env-ignored"],
    )
    def test_api_url(
        self,
        write_config,
        flag: str | None,
        env: str | None,
        file: str | None,
        expected: str,
    ) -> None:
        """api_url comes from the flag, else VPS_API_URL, else the file, else the default."""
        config = write_config(f"api_url = {toml_string(file)}\n" if file else "")
        environ = {"VPS_API_URL": env} if env is not None else {}
        settings = load_settings(api_url=flag, config=config, environ=environ, resolve_token=False)
        assert expected in settings.api_url

    def test_api_url_is_trimmed(self, write_config) -> None:
        """Whitespace around api_url (a common copy-paste slip) is removed."""
        config = write_config('api_url = "  https://file.example/  "\n')
        settings = load_settings(config=config, environ={}, resolve_token=False)
        assert settings.api_url == "https://file.example/"

    @pytest.mark.parametrize("flag", ["", "   "])
    def test_an_empty_api_url_flag_is_refused(self, write_config, flag: str) -> None:
        """`--api-url ''` (an unset shell variable) is said, not replaced by the default
        API, which would get the token instead of the API the user meant."""
        config = write_config('api_url = "https://file.example"\n')
        with pytest.raises(ConfigError, match="--api-url is empty"):
            load_settings(api_url=flag, config=config, environ={}, resolve_token=False)

    @pytest.mark.parametrize(
        ("flag", "file", "expected"),
        [(2.0, "9", 2.0), (None, "9", 9.0), (None, None, 5.0), (None, "0.5", 0.5)],
        ids=["flag-wins", "file-beats-default", "default", "minimum"],
    )
    def test_poll_interval(
        self, write_config, flag: float | None, file: str | None, expected: float
    ) -> None:
        """poll_interval comes from the flag, else the file, else the 5 s default."""
        config = write_config(f"poll_interval = {file}\n" if file else "")
        settings = load_settings(poll_interval=flag, config=config, environ={}, resolve_token=False)
        assert settings.poll_interval == expected

    def test_idle_refresh(self, write_config) -> None:
        """idle_refresh may be 0 (never) and the flag beats the file."""
        config = write_config("idle_refresh = 0\n")
        assert load_settings(config=config, environ={}).idle_refresh == 0.0
        assert load_settings(idle_refresh=30, config=config, environ={}).idle_refresh == 30.0

    def test_config_from_environment(self, write_config) -> None:
        """VPSTUI_CONFIG names the config file when --config is not given."""
        config = write_config('api_url = "https://via-env.example"\n')
        settings = load_settings(environ={"VPSTUI_CONFIG": config}, resolve_token=False)
        assert settings.api_url == "https://via-env.example"
        assert settings.config_path == Path(config)

    def test_config_flag_beats_environment(self, write_config, tmp_path: Path) -> None:
        """--config wins over VPSTUI_CONFIG."""
        config = write_config('api_url = "https://flag.example"\n')
        environ = {"VPSTUI_CONFIG": str(tmp_path / "absent.toml")}
        settings = load_settings(config=config, environ=environ, resolve_token=False)
        assert settings.api_url == "https://flag.example"

    def test_missing_default_config_is_fine(self, no_user_config: Path) -> None:
        """Without any config file everything has its default and no token."""
        settings = load_settings(environ={})
        assert settings.api_url == "https://admin.vps.org"
        assert settings.poll_interval == 5.0
        assert settings.token is None
        assert settings.config_path == no_user_config / "vpstui" / "config.toml"

    def test_default_config_is_read(self, no_user_config: Path) -> None:
        """The config.toml in the user config directory is used when nothing else is named."""
        path = no_user_config / "vpstui" / "config.toml"
        path.parent.mkdir(parents=True)
        path.write_text('api_url = "https://default-file.example"\n')
        path.chmod(0o600)
        assert load_settings(environ={}).api_url == "https://default-file.example"


# --- token sources --------------------------------------------------------------------------


class TestTokenSources:
    def test_token_file_flag(self, tmp_path: Path, write_config) -> None:
        """--token-file beats every other source; only its first line counts."""
        token_file = tmp_path / "token"
        token_file.write_text(f"  {TOKEN}  \nsecond line\n")
        token_file.chmod(0o600)
        config = write_config('token = "from-file"\n')
        settings = load_settings(
            token_file=str(token_file), config=config, environ={"VPS_API_TOKEN": "from-env"}
        )
        assert settings.token == Secret(TOKEN)
        assert settings.token_source is not None
        assert "--token-file" in settings.token_source
        assert settings.warnings == []

    def test_environment_beats_config(self, write_config) -> None:
        """VPS_API_TOKEN beats a token in the config file."""
        config = write_config('token = "from-file"\n')
        settings = load_settings(config=config, environ={"VPS_API_TOKEN": f" {TOKEN}\n"})
        assert settings.token == Secret(TOKEN)
        assert settings.token_source == "VPS_API_TOKEN"

    def test_blank_environment_is_ignored(self, write_config) -> None:
        """A blank VPS_API_TOKEN does not hide the config file's token."""
        config = write_config(f'token = "{TOKEN}"\n')
        settings = load_settings(config=config, environ={"VPS_API_TOKEN": "  "})
        assert settings.token == Secret(TOKEN)

    def test_token_in_config(self, write_config) -> None:
        """`token` in the config file is used, and the source names the file."""
        config = write_config(f'token = "{TOKEN}"\ntoken_file = "/nonexistent"\n')
        settings = load_settings(config=config, environ={})
        assert settings.token == Secret(TOKEN)
        assert settings.token_source is not None
        assert config in settings.token_source

    def test_token_file_in_config(self, tmp_path: Path, write_config) -> None:
        """`token_file` in the config file is read (and beats token_command)."""
        token_file = tmp_path / "tok"
        token_file.write_text(TOKEN)
        token_file.chmod(0o600)
        config = write_config(
            f"token_file = {toml_string(str(token_file))}\n"
            f"token_command = {toml_string(python_command('raise SystemExit(3)'))}\n"
        )
        settings = load_settings(config=config, environ={})
        assert settings.token == Secret(TOKEN)
        assert settings.token_source is not None
        assert "token_file" in settings.token_source

    def test_token_command(self, write_config) -> None:
        """`token_command` is run (no shell) and its first output line is the token."""
        command = python_command(f"print('{TOKEN}'); print('ignored')")
        config = write_config(f"token_command = {toml_string(command)}\n")
        settings = load_settings(config=config, environ={})
        assert settings.token == Secret(TOKEN)
        assert settings.token_source is not None
        assert "token_command" in settings.token_source

    def test_token_command_gets_no_shell(self, write_config) -> None:
        """Shell syntax in token_command is passed as arguments, not interpreted."""
        command = python_command("import sys; print(sys.argv[1])") + " '$HOME;echo'"
        config = write_config(f"token_command = {toml_string(command)}\n")
        assert load_settings(config=config, environ={}).token == Secret("$HOME;echo")

    def test_no_token_anywhere(self, write_config) -> None:
        """With no source, token is None (the app asks for one) rather than an error."""
        settings = load_settings(config=write_config(""), environ={})
        assert (settings.token, settings.token_source) == (None, None)

    def test_token_source_never_holds_the_token(self, write_config) -> None:
        """token_source describes where the token came from, never the token itself."""
        config = write_config(f'token = "{TOKEN}"\n')
        settings = load_settings(config=config, environ={})
        assert settings.token_source is not None
        assert TOKEN not in settings.token_source


class TestTokenFailures:
    @pytest.mark.parametrize(
        ("code", "words"),
        [
            (f"import sys; print('{TOKEN}'); sys.exit(2)", "exit 2"),
            (
                f"import sys; print('{TOKEN}'); print('vault is locked', file=sys.stderr);"
                " sys.exit(1)",
                "vault is locked",
            ),
            ("print()", "no token"),
            ("pass", "no token"),
            ("print('   ')", "no token"),
        ],
        ids=["exit-code", "stderr-shown", "blank-line", "no-output", "whitespace"],
    )
    def test_failing_command(self, write_config, code: str, words: str) -> None:
        """A failing or silent token_command is a ConfigError that never repeats its stdout."""
        config = write_config(f"token_command = {toml_string(python_command(code))}\n")
        with pytest.raises(ConfigError) as info:
            load_settings(config=config, environ={})
        message = str(info.value)
        assert words in message
        assert "token_command" in message
        assert TOKEN not in message

    def test_missing_command(self, write_config) -> None:
        """A token_command whose program does not exist says so by name."""
        config = write_config('token_command = "vpstui-no-such-program --flag"\n')
        with pytest.raises(ConfigError) as info:
            load_settings(config=config, environ={})
        assert "vpstui-no-such-program" in str(info.value)
        assert "not found" in str(info.value)

    @pytest.mark.parametrize("command", ["   ", "'unclosed"])
    def test_unusable_command_text(self, write_config, command: str) -> None:
        """A token_command that cannot be split into arguments is a ConfigError."""
        config = write_config(f"token_command = {toml_string(command)}\n")
        if not command.strip():
            # A blank command is treated as "no token_command" at all.
            assert load_settings(config=config, environ={}).token is None
            return
        with pytest.raises(ConfigError, match="token_command"):
            load_settings(config=config, environ={})

    def test_command_arguments_are_not_echoed(self, write_config) -> None:
        """Only the program name is shown on failure, not its arguments (which may be secret)."""
        command = python_command("raise SystemExit(1)") + " --password=hunter2"
        config = write_config(f"token_command = {toml_string(command)}\n")
        with pytest.raises(ConfigError) as info:
            load_settings(config=config, environ={})
        assert "hunter2" not in str(info.value)

    @pytest.mark.parametrize("content", ["", "\n\n  \n"])
    def test_empty_token_file(self, tmp_path: Path, content: str) -> None:
        """An empty --token-file is a ConfigError naming the file."""
        token_file = tmp_path / "tok"
        token_file.write_text(content)
        with pytest.raises(ConfigError) as info:
            load_settings(token_file=str(token_file), config=None, environ={})
        assert "empty" in str(info.value)
        assert str(token_file) in str(info.value)

    def test_missing_token_file(self, tmp_path: Path) -> None:
        """A --token-file that does not exist is a ConfigError naming the file."""
        missing = tmp_path / "nope"
        with pytest.raises(ConfigError) as info:
            load_settings(token_file=str(missing), environ={})
        assert str(missing) in str(info.value)

    def test_binary_token_file(self, tmp_path: Path) -> None:
        """A token file that is not text is a ConfigError, not a UnicodeDecodeError."""
        token_file = tmp_path / "tok"
        token_file.write_bytes(b"\xff\xfe\x00garbage")
        with pytest.raises(ConfigError, match="not text"):
            load_settings(token_file=str(token_file), environ={})


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
class TestPermissions:
    @pytest.mark.parametrize(
        "mode", [0o644, 0o640, 0o604]
    )  # writable: refused (test_token_sources)
    def test_readable_config_with_token_warns(self, write_config, mode: int) -> None:
        """A config holding a token that others can read gives a warning with chmod 600."""
        config = write_config(f'token = "{TOKEN}"\n', mode=mode)
        settings = load_settings(config=config, environ={})
        assert len(settings.warnings) == 1
        assert "chmod 600" in settings.warnings[0]
        assert config in settings.warnings[0]
        assert TOKEN not in settings.warnings[0]

    def test_private_config_does_not_warn(self, write_config) -> None:
        """Mode 600 is fine."""
        settings = load_settings(config=write_config(f'token = "{TOKEN}"\n'), environ={})
        assert settings.warnings == []

    def test_readable_config_without_token_does_not_warn(self, write_config) -> None:
        """A world-readable config that holds no token is nothing to warn about."""
        settings = load_settings(
            config=write_config('api_url = "https://x.example"\n', mode=0o644), environ={}
        )
        assert settings.warnings == []

    def test_readable_token_file_warns(self, tmp_path: Path) -> None:
        """A token file others can read gives the same warning."""
        token_file = tmp_path / "tok"
        token_file.write_text(TOKEN)
        token_file.chmod(0o644)
        settings = load_settings(token_file=str(token_file), environ={})
        assert len(settings.warnings) == 1
        assert "chmod 600" in settings.warnings[0]


# --- broken configuration -------------------------------------------------------------------


class TestBrokenConfig:
    def test_missing_explicit_config(self, tmp_path: Path) -> None:
        """A --config that does not exist is a ConfigError naming it."""
        missing = tmp_path / "nope.toml"
        with pytest.raises(ConfigError) as info:
            load_settings(config=str(missing), environ={})
        assert str(missing) in str(info.value)
        assert "does not exist" in str(info.value)

    def test_missing_config_from_environment(self, tmp_path: Path) -> None:
        """A VPSTUI_CONFIG that does not exist is an error too (it was asked for)."""
        with pytest.raises(ConfigError):
            load_settings(environ={"VPSTUI_CONFIG": str(tmp_path / "nope.toml")})

    def test_invalid_toml(self, write_config) -> None:
        """Invalid TOML is a ConfigError naming the file, without echoing its contents."""
        config = write_config(f"token = {TOKEN}\n")  # unquoted: not TOML
        with pytest.raises(ConfigError) as info:
            load_settings(config=config, environ={})
        assert config in str(info.value)
        assert "TOML" in str(info.value)
        assert TOKEN not in str(info.value)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A config that is not UTF-8 is a ConfigError, not a crash."""
        path = tmp_path / "config.toml"
        path.write_bytes(b'api_url = "\xff"\n')
        with pytest.raises(ConfigError):
            load_settings(config=str(path), environ={})

    def test_config_is_a_directory(self, tmp_path: Path) -> None:
        """A config path that is a directory is a ConfigError."""
        with pytest.raises(ConfigError):
            load_settings(config=str(tmp_path), environ={})

    @pytest.mark.parametrize(
        "line",
        [
            'poll_interval = "fast"',
            "poll_interval = 0.1",
            "poll_interval = -1",
            "poll_interval = nan",
        ],
    )
    def test_bad_poll_interval_in_file(self, write_config, line: str) -> None:
        """A poll_interval that is not a number of at least 0.5 s is a ConfigError."""
        with pytest.raises(ConfigError) as info:
            load_settings(config=write_config(line + "\n"), environ={})
        assert "poll_interval" in str(info.value)

    def test_bad_poll_interval_flag(self, write_config) -> None:
        """A too-small --poll-interval is a ConfigError too."""
        with pytest.raises(ConfigError, match=r"--poll-interval must be a number from 0\.5"):
            load_settings(poll_interval=0, config=write_config(""), environ={})

    def test_negative_idle_refresh(self, write_config) -> None:
        """A negative idle_refresh is a ConfigError."""
        with pytest.raises(ConfigError, match="idle_refresh"):
            load_settings(config=write_config("idle_refresh = -5\n"), environ={})

    def test_api_url_not_a_string(self, write_config) -> None:
        """api_url = 5 in the file is a ConfigError."""
        with pytest.raises(ConfigError, match="api_url"):
            load_settings(config=write_config("api_url = 5\n"), environ={})


# --- demo mode and secrecy ------------------------------------------------------------------


class TestDemoAndSecrecy:
    def test_demo_reads_no_token_source(self, tmp_path: Path, write_config) -> None:
        """demo=True neither reads token files nor runs token_command nor takes the env token."""
        marker = tmp_path / "ran"
        command = python_command(f"open({str(marker)!r}, 'w').write('x'); print('t')")
        config = write_config(f"token_command = {toml_string(command)}\n")
        settings = load_settings(
            demo=True,
            token_file=str(tmp_path / "missing-token-file"),
            config=config,
            environ={"VPS_API_TOKEN": TOKEN},
        )
        assert settings.demo is True
        assert settings.token is None
        assert not marker.exists()

    def test_resolve_token_false_reads_no_token_source(self, tmp_path: Path, write_config) -> None:
        """resolve_token=False (e.g. --help) also leaves every token source alone."""
        marker = tmp_path / "ran"
        command = python_command(f"open({str(marker)!r}, 'w').write('x'); print('t')")
        config = write_config(f"token_command = {toml_string(command)}\n")
        settings = load_settings(config=config, environ={}, resolve_token=False)
        assert settings.token is None
        assert not marker.exists()

    def test_the_token_command_does_run_otherwise(self, tmp_path: Path, write_config) -> None:
        """Control for the demo test: the same command does run when a token is wanted."""
        marker = tmp_path / "ran"
        command = python_command(f"open({str(marker)!r}, 'w').write('x'); print('t')")
        config = write_config(f"token_command = {toml_string(command)}\n")
        load_settings(config=config, environ={})
        assert marker.exists()

    def test_settings_repr_hides_the_token(self, write_config) -> None:
        """repr()/str() of Settings shows Secret('***'), never the token."""
        settings = load_settings(config=write_config(f'token = "{TOKEN}"\n'), environ={})
        assert settings.token is not None
        assert settings.token.reveal() == TOKEN
        for text in (repr(settings), str(settings), f"{settings}"):
            assert TOKEN not in text
            assert "***" in text

    def test_default_settings(self) -> None:
        """Settings() defaults are the documented ones."""
        settings = Settings()
        assert settings.api_url == "https://admin.vps.org"
        assert (settings.poll_interval, settings.idle_refresh) == (5.0, 60.0)
        assert settings.warnings == []


def test_messages_name_the_config_file_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`VPSTUI_CONFIG` (or `--config`) is the file the help and the no-token advice name:
    they named the platform default even with it set."""
    from vpstui.config import config_path, default_config_path
    from vpstui.connection import missing_token_message

    mine = tmp_path / "mine.toml"
    monkeypatch.setenv("VPSTUI_CONFIG", str(mine))
    assert config_path() == mine
    assert config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"
    assert str(mine) in missing_token_message()
    assert str(tmp_path / "x.toml") in missing_token_message(config=tmp_path / "x.toml")
    monkeypatch.delenv("VPSTUI_CONFIG")
    assert config_path() == default_config_path()
