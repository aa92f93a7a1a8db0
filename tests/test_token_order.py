"""Issue 15, item 6: one token precedence, described the same way by the code, `--help`,
the first-run screen and the README; a rejected token names the source actually used."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from vpstui.cli import build_parser
from vpstui.config import ENV_TOKEN, TOKEN_ORDER, load_settings
from vpstui.ui.screens.first_run import token_help

ROOT = Path(__file__).resolve().parents[1]
#: The word that names each source, as every description writes it.
NAMES = ["--token-file", ENV_TOKEN, "token =", "token_file =", "token_command ="]


def order_in(text: str) -> list[str]:
    """The sources in the order `text` first names them."""
    found = {name: text.find(name) for name in NAMES}
    assert all(at >= 0 for at in found.values()), {n: a for n, a in found.items() if a < 0}
    return sorted(found, key=found.__getitem__)


def test_the_one_order_is_the_documented_one() -> None:
    assert [re.split("[ =]", line)[0] for line, _ in TOKEN_ORDER][:2] == NAMES[:2]
    assert order_in("\n".join(line for line, _ in TOKEN_ORDER)) == NAMES


def test_code_takes_the_first_found(tmp_path: Path) -> None:
    """With every source set, each one wins over all those after it."""
    token_file = tmp_path / "flag-token"
    token_file.write_text("from-flag\n")
    token_file.chmod(0o600)
    config_token_file = tmp_path / "config-token"
    config_token_file.write_text("from-config-file\n")
    config_token_file.chmod(0o600)
    config = tmp_path / "config.toml"
    script = tmp_path / "print_token.py"
    script.write_text("print('from-command')\n")
    command = f"{sys.executable} {script}"
    lines = {
        "token": 'token = "from-config"',
        "token_file": f'token_file = "{config_token_file}"',
        "token_command": f"token_command = '{command}'",
    }
    expected = ["from-flag", "from-env", "from-config", "from-config-file", "from-command"]
    for first in range(5):
        keys = ["token", "token_file", "token_command"][max(first - 2, 0) :]
        config.write_text("\n".join(lines[k] for k in keys) + "\n")
        config.chmod(0o600)
        settings = load_settings(
            config=str(config),
            token_file=str(token_file) if first == 0 else None,
            environ={ENV_TOKEN: "from-env"} if first <= 1 else {},
        )
        assert settings.token is not None
        assert settings.token.reveal() == expected[first], first


def test_help_first_run_and_readme_agree() -> None:
    help_text = build_parser().format_help()
    assert order_in(help_text[help_text.index("token (first found wins)") :]) == NAMES
    first_run = token_help(None).plain
    assert "first found wins" in first_run
    assert order_in(first_run) == NAMES
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Using it with your account") :]
    section = section[: section.index("```")]
    assert order_in(section) == NAMES
    assert "first found wins" in section


def test_rejected_token_names_its_source_once() -> None:
    """The wrong-token screen says what was rejected once, naming where it came from."""
    source = "token_command in /home/you/.config/vpstui/config.toml"
    reason = "The API rejected the token (401): Invalid token."
    text = token_help(reason, source).plain
    assert f"the token from {source}" in text.lower()
    assert len(re.findall("rejected", text)) == 1, text
    assert "Invalid token" in text
    assert "Check VPS_API_TOKEN" not in text


def test_cli_names_the_rejected_tokens_source(capsys: pytest.CaptureFixture[str]) -> None:
    """A 401 in a scripting command says which token source to check."""
    from vpstui.api import AuthenticationError
    from vpstui.commands.run import _run

    class Api:
        async def __aenter__(self) -> Api:
            return self

        async def __aexit__(self, *exc: object) -> None:
            return None

    async def command(session: object, args: object) -> int:
        raise AuthenticationError("The API rejected the token (401): Invalid token.", status=401)

    session = SimpleNamespace(api=Api(), token_source=ENV_TOKEN)
    args = SimpleNamespace(command="backups", action="list")
    code = asyncio.run(_run(command, session, args))  # type: ignore[arg-type]
    assert code == 1
    err = capsys.readouterr().err
    assert f"Check the token from {ENV_TOKEN}." in err
    assert err.count("rejected") == 1
