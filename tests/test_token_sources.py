"""Token sources that others could tamper with, and a token_command that misbehaves
(issue 11): a config or token file others can write is refused; token_command output is
capped, its whole run bounded by the timeout, non-UTF-8 output is a clear error, and its
stderr is shown escaped and redacted."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest

from vpstui import config as config_module
from vpstui.api.secret import Secret
from vpstui.config import ConfigError, load_settings

TOKEN = "tok-SOURCE-5f4dcc3b5aa765d61d8327deb882cf99"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and processes")


def python_command(code: str) -> str:
    return shlex.join([sys.executable, "-c", code])


def toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped + '"'


def write(path: Path, text: str, mode: int = 0o600) -> str:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return str(path)


# --- files others can write ---------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666, 0o660])
@pytest.mark.parametrize(
    "line",
    [
        f'token = "{TOKEN}"',
        'token_command = "pass show vps"',
        'token_file = "/nonexistent/tok"',
        'api_url = "https://elsewhere.example"',
    ],
    ids=["token", "token_command", "token_file", "api_url"],
)
def test_a_config_others_can_write_is_refused(tmp_path: Path, mode: int, line: str) -> None:
    """Whoever can write the file could make vpstui run their command as you, or send your
    token where they like: refused, with the chmod that fixes it, before anything runs."""
    ran = tmp_path / "ran"
    config = write(tmp_path / "config.toml", line + "\n", mode)
    with pytest.raises(ConfigError, match=r"other users can change it.*chmod 600") as raised:
        load_settings(config=config, environ={"VPS_API_TOKEN": "tok-from-env-123456"})
    assert config in str(raised.value) and TOKEN not in str(raised.value)
    assert not ran.exists()


def test_a_writable_profile_with_a_token_command_does_not_run_it(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    command = python_command(f"open({str(ran)!r}, 'w').write('x'); print('{TOKEN}')")
    text = f"[profiles.prod]\ntoken_command = {toml_string(command)}\n"
    config = write(tmp_path / "config.toml", text, 0o666)
    with pytest.raises(ConfigError, match="other users can change it"):
        load_settings(config=config, profile="prod", environ={})
    assert not ran.exists()


def test_a_writable_config_without_a_token_source_is_fine(tmp_path: Path) -> None:
    config = write(tmp_path / "config.toml", "poll_interval = 7\n", 0o666)
    assert load_settings(config=config, environ={}).poll_interval == 7


def test_a_writable_config_is_fine_for_the_demo(tmp_path: Path) -> None:
    config = write(tmp_path / "config.toml", f'token = "{TOKEN}"\n', 0o666)
    assert load_settings(config=config, demo=True, environ={}).demo


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
@pytest.mark.parametrize("how", ["flag", "config"])
def test_a_token_file_others_can_write_is_refused(tmp_path: Path, mode: int, how: str) -> None:
    token_file = write(tmp_path / "tok", TOKEN + "\n", mode)
    config = write(tmp_path / "config.toml", f"token_file = {toml_string(token_file)}\n")
    flag = token_file if how == "flag" else None
    with pytest.raises(ConfigError, match=r"other users can change it.*chmod 600") as raised:
        load_settings(config=config, token_file=flag, environ={})
    assert token_file in str(raised.value) and TOKEN not in str(raised.value)


def test_a_private_token_file_is_read(tmp_path: Path) -> None:
    token_file = write(tmp_path / "tok", TOKEN + "\n", 0o600)
    assert load_settings(token_file=token_file, environ={}).token == Secret(TOKEN)


# --- token_command ------------------------------------------------------------------------


@pytest.fixture
def quick_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(config_module, "TOKEN_COMMAND_TIMEOUT", 1.5)
    return 1.5


def settings_for(tmp_path: Path, code: str) -> Secret | None:
    config = write(
        tmp_path / "config.toml", f"token_command = {toml_string(python_command(code))}\n"
    )
    return load_settings(config=config, environ={}).token


def test_output_past_64_kib_is_refused(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * (200 * 1024) + '\\n')"
    with pytest.raises(ConfigError, match=r"more than 64 KiB"):
        settings_for(tmp_path, code)


def test_output_up_to_64_kib_is_read(tmp_path: Path) -> None:
    code = f"import sys; sys.stdout.write('{TOKEN}\\n' + 'y' * (60 * 1024))"
    assert settings_for(tmp_path, code) == Secret(TOKEN)


def test_endless_output_is_cut_off_at_once(tmp_path: Path) -> None:
    """`yes`-like output: stopped at 64 KiB, long before the timeout, memory untouched.

    (With the default 15 s timeout: the 1.5 s one could pass while a loaded machine was
    still starting the command's Python, and the timeout would then speak first.)"""
    code = "import sys\nwhile True: sys.stdout.write('y' * 65536)"
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"more than 64 KiB"):
        settings_for(tmp_path, code)
    assert time.monotonic() - started < config_module.TOKEN_COMMAND_TIMEOUT


def test_a_child_holding_the_output_open_cannot_outlive_the_timeout(
    tmp_path: Path, quick_timeout: float
) -> None:
    """The command prints and exits, but a child it left keeps stdout open: the whole
    run, reading included, ends at the timeout, and the child is killed."""
    marker = tmp_path / "child-survived"
    child = f"import time; time.sleep(3); open({str(marker)!r}, 'w').write('x')"
    code = (
        "import subprocess, sys\n"
        f"subprocess.Popen([sys.executable, '-c', {child!r}])\n"
        f"print('{TOKEN}', flush=True)\n"
    )
    started = time.monotonic()
    with pytest.raises(ConfigError, match=r"did not finish within 1.5 s"):
        settings_for(tmp_path, code)
    elapsed = time.monotonic() - started
    assert elapsed < quick_timeout + 2.0, elapsed
    time.sleep(max(3.5 - elapsed, 0))
    assert not marker.exists(), "the command's child was left running"


def test_non_utf8_output_is_a_clear_error(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.buffer.write(b'\\xff\\xfetok-latin1-\\xe9\\n')"
    with pytest.raises(ConfigError, match=r"not UTF-8"):
        settings_for(tmp_path, code)


def test_stderr_is_shown_escaped_and_redacted(tmp_path: Path) -> None:
    """A failing command's stderr reaches the terminal without escape sequences (OSC 52
    would set the clipboard) and without the token it printed."""
    code = (
        "import sys\n"
        f"print('{TOKEN}')\n"
        f"sys.stderr.write('\\x1b]52;c;aGk=\\x07 vault says {TOKEN[:20]}\\u202e done\\n')\n"
        "sys.exit(3)\n"
    )
    with pytest.raises(ConfigError) as raised:
        settings_for(tmp_path, code)
    message = str(raised.value)
    assert "exit 3" in message and "vault says" in message
    assert "\x1b" not in message and "\x07" not in message and "\u202e" not in message
    assert TOKEN[:8] not in message and TOKEN[-8:] not in message
