"""Fixtures for the end-to-end tests: the demo backend over real HTTP, and vpstui in real tmux.

Nothing here touches the user's own tmux server or configuration: every tmux
command goes to a private socket (`tmux -L vpstui-e2e-<random>`) started with
`-f` pointing at a config written for the test, and vpstui reads an empty config
file instead of the user's.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token-" + secrets.token_hex(4)
WIDTH, HEIGHT = 120, 35
#: The demo backend's seeded manual backups take this long to complete.
CREATE_SECONDS = 2.5
#: How long a backup or restore lasts when a test must see it under way: the screen is
#: read by polling tmux, and on a loaded machine the app can take seconds to draw the row
#: or dialog after the request (a 2.5 s window could pass between two looks).
UNDER_WAY_SECONDS = 8.0

#: This test run's own cache and state directories (removed when the run ends).
_SCRATCH = Path(tempfile.mkdtemp(prefix="vpstui-e2e-"))
atexit.register(shutil.rmtree, _SCRATCH, True)

BANNER = re.compile(r"vpstui demo backend listening on (http://127\.0\.0\.1:\d+)")


def clean_env(**extra: str) -> dict[str, str]:
    """`os.environ` without anything that would point vpstui or tmux at the user's setup."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VPS_", "VPSTUI_", "TMUX"))
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("LANG", "C.UTF-8")
    # Never the user's own cache or state (audit log, ledger): a directory of this run's.
    env.setdefault("VPSTUI_CACHE_DIR", str(_SCRATCH / "cache"))
    env.setdefault("VPSTUI_STATE_DIR", str(_SCRATCH / "state"))
    env.update(extra)
    return env


def stop(process: subprocess.Popen[str]) -> None:
    """Terminate `process`; if it is still busy after 3 s (a demo backend finishing an answer
    the `slow` fault holds for 30 s), interrupt it, as a second Ctrl-C would (uvicorn then
    stops waiting); kill it if it has still not exited 10 s later."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=3)
        return
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def environ() -> Callable[..., dict[str, str]]:
    """`clean_env`: build a subprocess environment free of the user's vpstui settings."""
    return clean_env


@pytest.fixture
def api_token() -> str:
    """The only token the demo backend from `backend_url` accepts."""
    return TOKEN


@pytest.fixture
def empty_config(tmp_path: Path) -> Path:
    """An empty vpstui config file, so the user's own config is never read."""
    path = tmp_path / "vpstui.toml"
    path.write_text("")
    return path


def serve_backend(tmp_path: Path, *extra: str) -> Iterator[str]:
    """`python -m vpstui.demo` on a free loopback port, accepting only `TOKEN`, with `extra`
    options; yields its URL."""
    log = (tmp_path / "backend.stderr").open("w+")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "vpstui.demo",
            "--port", "0",
            "--token", TOKEN,
            "--create-seconds", str(CREATE_SECONDS),
            "--restore-seconds", "3",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        cwd=REPO,
        env=clean_env(),
    )  # fmt: skip
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline().strip() if ready else ""
        found = BANNER.fullmatch(line)
        if found is None:
            log.seek(0)
            pytest.fail(f"the demo backend did not start: {line!r}\n{log.read()}")
        yield found.group(1)
    finally:
        stop(process)
        log.close()


@pytest.fixture
def backend_url(tmp_path: Path) -> Iterator[str]:
    """The demo backend as the API documents it (no status while a restore runs)."""
    yield from serve_backend(tmp_path)


@pytest.fixture
def unhurried_backend_url(tmp_path: Path) -> Iterator[str]:
    """`backend_url` whose new backups stay in progress for `UNDER_WAY_SECONDS`."""
    yield from serve_backend(tmp_path, "--create-seconds", str(UNDER_WAY_SECONDS))


@pytest.fixture
def restoring_backend_url(tmp_path: Path) -> Iterator[str]:
    """The demo backend with its explicit option on: a server shows `restoring` while a
    restore runs (undocumented; the app must not need it). Backups and restores take
    `UNDER_WAY_SECONDS`, so a test can see them under way."""
    yield from serve_backend(
        tmp_path,
        "--restore-status",
        "--create-seconds", str(UNDER_WAY_SECONDS),
        "--restore-seconds", str(UNDER_WAY_SECONDS),
    )  # fmt: skip


class Pane:
    """vpstui running in a detached tmux session of a fixed size on a private socket."""

    def __init__(self, socket: str, config: Path, status_file: Path) -> None:
        self.socket = socket
        self.config = config
        #: The pane's shell writes the app's exit status here when it exits.
        self.status_file = status_file
        #: Every distinct screen captured so far, to check none of them held a traceback.
        self.screens: list[str] = []

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", str(self.config), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
            env=clean_env(),
        )

    def start(self, command: list[str], env: dict[str, str]) -> None:
        """Open the session running `command` with `env` set in it."""
        variables = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
        self.tmux(
            "new-session", "-d", "-s", "e2e", "-x", str(WIDTH), "-y", str(HEIGHT),
            *variables,
            f"{shlex.join(command)}; echo $? > {shlex.quote(str(self.status_file))}.new"
            f" && mv {shlex.quote(str(self.status_file))}.new {shlex.quote(str(self.status_file))}",
        )  # fmt: skip

    def capture(self) -> str:
        """The visible screen as text (the last one captured if the session is gone)."""
        done = self.tmux("capture-pane", "-p", "-t", "e2e", check=False)
        if done.returncode != 0:
            return self.screens[-1] if self.screens else ""
        screen = done.stdout
        if not self.screens or self.screens[-1] != screen:
            self.screens.append(screen)
        return screen

    def styled_line(self, row: int) -> str:
        """Screen line `row` with its colour escapes: shows focus, which plain text does not."""
        done = self.tmux("capture-pane", "-p", "-e", "-t", "e2e", "-S", str(row), "-E", str(row))
        return done.stdout

    def keys(self, *keys: str) -> None:
        """Press keys by tmux name (`Enter`, `Escape`, `s`, ...)."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        """Type `text` literally."""
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def wait_for(
        self, predicate: Callable[[str], bool], timeout: float = 10.0, what: str = ""
    ) -> str:
        """Poll the screen every 0.1 s until `predicate(screen)`; fail with the last screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if predicate(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(
                    f"timed out after {timeout} s waiting for {what or predicate}; "
                    f"last screen:\n{screen}"
                )
            time.sleep(0.1)

    def exit_status(self) -> int | None:
        """The app's exit status once it has exited, else None.

        (tmux's `#{pane_dead_status}` is not reliable here: it is sometimes never set.)
        """
        try:
            return int(self.status_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def dead(self) -> bool:
        """Whether the pane's process (the app, then the shell recording its status) has exited."""
        done = self.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}", check=False)
        return done.returncode != 0 or done.stdout.strip() == "1"

    def tracebacks(self) -> list[str]:
        return [screen for screen in self.screens if "Traceback" in screen]


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    """A `Pane` on a private tmux server, killed afterwards; skips if tmux is not installed."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    config = tmp_path / "tmux.conf"
    # Keep the pane (and its last screen) after the app exits, to check it for tracebacks.
    config.write_text("set -g remain-on-exit on\nset -g status off\n")
    pane = Pane(f"vpstui-e2e-{secrets.token_hex(6)}", config, tmp_path / "exit-status")
    try:
        yield pane
    finally:
        socket_path = pane.tmux("display-message", "-p", "#{socket_path}", check=False).stdout
        pane.tmux("kill-server", check=False)
        if socket_path.strip():
            Path(socket_path.strip()).unlink(missing_ok=True)  # tmux leaves the socket file
