"""The token never shows: not on screen, in screenshots, crash output, crash reports,
`--help`/`--version`, exception messages or the audit log. TLS stays verified.

The crash tests force an unhandled exception while a frame holds the token and an
`Authorization` header in local variables (what Textual's own crash screen would print),
then search everything printed and the report file.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from vpstui.api import VpsClient
from vpstui.api.errors import InsecureUrlError
from vpstui.api.secret import Secret
from vpstui.api.transport import LazyTransport
from vpstui.clock import FakeClock
from vpstui.config import Settings
from vpstui.crash import format_report, redact_report
from vpstui.demo import DEMO_BASE_URL, DemoBackend
from vpstui.ui.app import VpsApp
from vpstui.ui.screens.main import MainScreen

TOKEN = "tok-CRASH-8f14e45fceea167a5a36dedd4bea2543"


def make_app(tmp_path: Path) -> VpsApp:
    backend = DemoBackend(clock=FakeClock(), token=TOKEN)
    api = VpsClient(token=TOKEN, base_url=DEMO_BASE_URL, transport=backend.transport())
    settings = Settings(token=Secret(TOKEN), token_source="VPS_API_TOKEN")
    return VpsApp(settings, api, clock=FakeClock(), audit_path=tmp_path / "audit.jsonl")


def explode(self: MainScreen) -> None:
    """An action that crashes with the token in its locals and in its message."""
    token = TOKEN  # noqa: F841 - a local Textual's crash screen would print
    headers = {"Authorization": f"Bearer {TOKEN}"}  # noqa: F841
    raise RuntimeError(f"boom while sending Authorization: Bearer {TOKEN}")


async def test_crash_prints_no_token_and_writes_a_redacted_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash ends with one plain notice naming the report; neither holds the token."""
    monkeypatch.setenv("VPSTUI_STATE_DIR", str(tmp_path))
    monkeypatch.setattr(MainScreen, "action_refresh", explode)
    app = make_app(tmp_path)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+r")
            await pilot.pause()
    printed = capsys.readouterr()
    everything = printed.out + printed.err
    assert TOKEN not in everything
    assert "vpstui crashed: RuntimeError" in everything
    report = app.crash_report
    assert report is not None and report.parent == tmp_path / "crashes"
    assert str(report) in everything
    text = report.read_text()
    assert TOKEN not in text
    assert "RuntimeError: boom while sending Authorization: Bearer ***" in text
    assert "explode" in text  # the traceback itself is there
    assert oct(report.stat().st_mode & 0o777) == "0o600"
    assert app.return_code == 1


def test_crash_in_a_real_run_restores_terminal_and_names_the_report(tmp_path: Path) -> None:
    """`App.run` (headless, in a subprocess): exit status 1, the notice on stderr after the
    app has shut down, no token anywhere in its output."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
        from tests.test_secrets import explode, make_app
        from vpstui.ui.screens.main import MainScreen

        MainScreen.action_refresh = explode
        app = make_app(Path({str(tmp_path)!r}))

        async def auto(pilot):
            await pilot.pause()
            await pilot.press("ctrl+r")

        app.run(headless=True, size=(100, 30), auto_pilot=auto)
        sys.exit(app.return_code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"VPSTUI_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "vpstui crashed" in done.stderr
    reports = list((tmp_path / "crashes").glob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in done.stderr
    assert TOKEN not in reports[0].read_text()


async def test_screen_and_screenshot_never_show_the_token(tmp_path: Path) -> None:
    """The loaded main screen, exported as an SVG screenshot, does not hold the token."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main is not None and app.main.table.row_count > 0
        assert TOKEN not in app.export_screenshot()


@pytest.mark.parametrize("flag", ["--help", "--version", "--audit-log"])
def test_help_and_version_never_print_the_token(flag: str, tmp_path: Path) -> None:
    env = {"VPS_API_TOKEN": TOKEN, "VPSTUI_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "vpstui", flag], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0
    assert TOKEN not in done.stdout + done.stderr


def test_report_redaction_catches_any_bearer_credential() -> None:
    """Even a token vpstui does not know (another header, another tool) is removed."""
    text = redact_report("headers={'Authorization': 'Bearer abc.def-123'} then Bearer xyz", [])
    assert "abc.def-123" not in text and "xyz" not in text
    try:
        raise ValueError(f"token={TOKEN}")
    except ValueError as error:
        assert TOKEN not in format_report(error, [TOKEN])


def test_client_repr_and_errors_hold_no_token() -> None:
    client = VpsClient(token=TOKEN, base_url="https://admin.vps.org")
    assert TOKEN not in repr(client) and TOKEN not in repr(Secret(TOKEN))
    assert TOKEN not in repr(Settings(token=Secret(TOKEN)))


def test_tls_verification_is_on_and_cannot_be_configured_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The client verifies certificates and host names whatever the environment says."""
    for name in ("PYTHONHTTPSVERIFY", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, "0" if name == "PYTHONHTTPSVERIFY" else "")
    client = VpsClient(token=TOKEN, base_url="https://admin.vps.org")
    lazy = client._http._transport
    assert isinstance(lazy, LazyTransport) and not lazy.built  # built by the first request
    transport = lazy.inner
    assert isinstance(transport, httpx.AsyncHTTPTransport)
    context = transport._pool._ssl_context
    assert context is not None
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    source = (Path(__file__).parents[1] / "vpstui").rglob("*.py")
    assert not any("verify=False" in path.read_text() for path in source)


@pytest.mark.parametrize("url", ["http://admin.vps.org", "http://10.0.0.1:8765"])
def test_plain_http_is_refused_off_loopback(url: str) -> None:
    with pytest.raises(InsecureUrlError):
        VpsClient(token=TOKEN, base_url=url)


def test_the_client_token_is_public_but_wrapped() -> None:
    """The app learns the client's token through `VpsClient.token` (a `Secret`), not by
    reading a private attribute; printing it still shows `***`."""
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    client = VpsClient(token=TOKEN, base_url=DEMO_BASE_URL, transport=transport)
    assert isinstance(client.token, Secret) and client.token.reveal() == TOKEN
    assert TOKEN not in f"{client.token} {client.token!r} {client!r}"
