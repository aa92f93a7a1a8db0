"""Reading the API token from a file or a command, refusing sources others could tamper with.

    read_token_file(path, warnings) -> Secret
    run_token_command(command, timeout) -> Secret
    tamper_refusal(path, what) -> str | None

A file that other users can *write* (group/world-writable, or owned by someone else) is
refused when it holds or runs a token source: whoever can change it could make vpstui run
their command as you, or send your token where they like. One they can only *read* gets a
warning (`permission_warning`).

`token_command` runs without a shell; its whole run, reading its output included, is
bounded by the timeout (then it and any child it started are killed); its output is capped
at `OUTPUT_CAP` bytes; output that is not UTF-8 is a clear error; and a failing command's
stderr is shown on one line, redacted and with control characters made inert.
No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import stat
import subprocess
import time
from pathlib import Path

from vpstui.api.secret import Secret, redact
from vpstui.format import safe_text
from vpstui.i18n import N_, _
from vpstui.os_reasons import os_reason

__all__ = [
    "OUTPUT_CAP",
    "TokenSourceError",
    "permission_warning",
    "read_token_file",
    "readable_by_others",
    "run_token_command",
    "tamper_refusal",
]

#: The most a token_command may print: a token is one line.
OUTPUT_CAP = 64 * 1024
#: How much of a failing command's stderr is kept (one line of it is shown).
STDERR_KEEP = 4096


class TokenSourceError(Exception):
    """A token source that cannot be used; `config.ConfigError` subclasses it."""


def readable_by_others(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def permission_warning(path: Path) -> str:
    import shlex

    return _("{path} holds a token and is readable by other users; run: {fix}").format(
        path=path, fix=f"chmod 600 {shlex.quote(str(path))}"
    )


def tamper_refusal(path: Path, what: str) -> str | None:
    """Why `path` (which `what`, e.g. "holds the token", marked with `N_`) must not be
    trusted, or None.

    POSIX only: a file writable by its group or by everyone, or owned by another user than
    us (or root), could have been changed by someone else.
    """
    if os.name != "posix":
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        why, command = _("it is writable by its group or by everyone"), "chmod 600"
    elif info.st_uid not in (os.geteuid(), 0):
        why = _("it is owned by another user (uid {uid})").format(uid=info.st_uid)
        command = "chown $USER"
    else:
        return None
    import shlex  # for a refusal's advice only: not imported on every start

    fix = f"{command} {shlex.quote(str(path))}"
    return _(
        "{path} {what}, but other users can change it ({why}); vpstui will not use it. Run: {fix}"
    ).format(path=path, what=_(what), why=why, fix=fix)


def read_token_file(path: Path, warnings: list[str]) -> Secret:
    """The token in a file (first line, surrounding whitespace removed)."""
    path = path.expanduser()
    refusal = tamper_refusal(path, N_("holds the token"))
    if refusal is not None:
        raise TokenSourceError(refusal)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TokenSourceError(
            _("Cannot read the token file {path}: {why}.").format(path=path, why=os_reason(exc))
        ) from None
    except UnicodeDecodeError:
        raise TokenSourceError(_("The token file {path} is not text.").format(path=path)) from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise TokenSourceError(_("The token file {path} is empty.").format(path=path))
    if readable_by_others(path):
        warnings.append(permission_warning(path))
    return Secret(token)


class _Run:
    """What a token_command produced, and why it was stopped (None: it finished)."""

    __slots__ = ("err", "out", "stopped")

    def __init__(self) -> None:
        self.out = bytearray()
        self.err = bytearray()
        self.stopped: str | None = None


def run_token_command(command: str, timeout: float) -> Secret:
    """Run `command` (no shell) and take its first output line as the token."""
    import shlex

    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise TokenSourceError(
            _("token_command cannot be parsed: {why}.").format(why=exc)
        ) from None
    if not argv:
        raise TokenSourceError(_("token_command is empty."))
    name = repr(safe_text(argv[0], 80))
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",  # its children can be stopped with it
        )
    except FileNotFoundError:
        raise TokenSourceError(
            _("token_command: {name} was not found.").format(name=name)
        ) from None
    except OSError as exc:
        raise TokenSourceError(
            _("token_command {name} could not run: {why}.").format(name=name, why=os_reason(exc))
        ) from None
    run = _collect(process, timeout)
    if run.stopped is not None:
        _stop(process)
    _close(process)
    if run.stopped == "timeout":
        raise TokenSourceError(
            _("token_command {name} did not finish within {timeout:g} s; it was stopped.").format(
                name=name, timeout=timeout
            )
        )
    if run.stopped == "cap":
        raise TokenSourceError(
            _(
                "token_command {name} printed more than {kib} KiB (a token is one line); "
                "it was stopped."
            ).format(name=name, kib=OUTPUT_CAP // 1024)
        )
    printed = [line.strip() for line in run.out.decode("utf-8", "replace").splitlines()]
    if process.returncode != 0:
        # stderr is shown (one line) because it usually explains the failure; stdout never
        # is, and anything of it that looks like the token is removed from stderr first.
        lines = [ln for ln in run.err.decode("utf-8", "replace").splitlines() if ln.strip()]
        reason = safe_text(redact(lines[0], printed), 160).strip() if lines else ""
        failed = (
            _("token_command {name} failed (exit {code}): {reason}.")
            if reason
            else _("token_command {name} failed (exit {code}).")
        )
        raise TokenSourceError(failed.format(name=name, code=process.returncode, reason=reason))
    try:
        text = run.out.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenSourceError(
            _(
                "token_command {name} printed something that is not UTF-8 text; a token is "
                "one line of text."
            ).format(name=name)
        ) from None
    lines = text.strip().splitlines()
    if not lines or not lines[0].strip():
        raise TokenSourceError(_("token_command {name} printed no token.").format(name=name))
    return Secret(lines[0].strip())


def _collect(process: subprocess.Popen[bytes], timeout: float) -> _Run:
    """Read stdout and stderr until both close and the process exits, within `timeout`."""
    run = _Run()
    deadline = time.monotonic() + timeout
    assert process.stdout is not None and process.stderr is not None
    if os.name != "posix":  # pragma: no cover - no select() on Windows pipes
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            run.stopped = "timeout"
            return run
        run.out += out
        run.err += err[:STDERR_KEEP]
        run.stopped = "cap" if len(out) > OUTPUT_CAP else None
        return run
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, run.out)
        selector.register(process.stderr, selectors.EVENT_READ, run.err)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                run.stopped = "timeout"
                return run
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer: bytearray = key.data
                if buffer is run.out:
                    buffer += chunk
                    if len(buffer) > OUTPUT_CAP:
                        run.stopped = "cap"
                        return run
                else:
                    buffer += chunk[: max(STDERR_KEEP - len(buffer), 0)]
    try:
        process.wait(max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired:
        run.stopped = "timeout"
    return run


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the command and everything it started in its session."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()


def _close(process: subprocess.Popen[bytes]) -> None:
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)
