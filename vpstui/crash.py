"""What happens when vpstui crashes: a redacted report on disk, one plain line on screen.

Textual's own crash screen is a traceback with every frame's local variables, and the
API token (or an `Authorization: Bearer …` header) may sit in one of them. vpstui shows
none of that: `write_report` saves the traceback *without locals*, with every known
secret and any bearer credential removed, to a 0600 file in the state directory, and
`crash_notice` is the short message printed once the terminal has been restored. The
report goes through `vpstui.statefiles` (private directory, no symlink followed).
No Textual here.
"""

from __future__ import annotations

import platform
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from vpstui import __version__
from vpstui.audit import redact_text, state_dir, write_private
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.statefiles import ensure_state_dir

__all__ = ["crash_dir", "crash_notice", "format_report", "redact_report", "write_report"]

#: `Bearer <anything>` and `Authorization: <anything>`, whatever the token.
_CREDENTIALS = re.compile(
    r"(?i)(bearer\s+|authorization['\"]?\s*[:=,]\s*['\"]?(?:bearer\s+)?)[^\s'\",)}\]]+"
)


def crash_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where crash reports go: `crashes/` in the state directory."""
    return state_dir(environ) / "crashes"


def redact_report(text: str, secrets: Iterable[str]) -> str:
    """`text` without the secrets and without any bearer credential."""
    text = redact_text(text, secrets)
    return _CREDENTIALS.sub(lambda m: m.group(1) + "***", text)


def format_report(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """The report: versions, then the traceback(s), without local variables, redacted."""
    parts = [
        f"vpstui {__version__} crash report, {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"Python {platform.python_version()} on {platform.platform()}",
        _textual_version(),
        "Local variables are not recorded, and the API token has been removed.",
        "",
        "".join(traceback.format_exception(error)),
    ]
    inner = getattr(error, "error", None)  # Textual's WorkerFailed wraps the real error
    if isinstance(inner, BaseException) and inner is not error:
        parts += ["The worker's error:", "".join(traceback.format_exception(inner))]
    return _inert(redact_report("\n".join(parts), list(secrets)))


def write_report(
    error: BaseException,
    secrets: Iterable[str] = (),
    directory: Path | None = None,
) -> Path | None:
    """Write the report to a new 0600 file and return its path (None if it could not be)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    try:
        if directory is None:
            ensure_state_dir(state_dir())  # crashes/ sits in it: both must be private
        folder = directory if directory is not None else crash_dir()
        path = folder / f"crash-{stamp}.txt"
        write_private(path, format_report(error, secrets))
    except OSError:
        return None
    return path


def crash_notice(error: BaseException, path: Path | None, secrets: Iterable[str] = ()) -> str:
    """The lines printed after a crash, once the terminal is back to normal."""
    inner = getattr(error, "error", None)
    shown = inner if isinstance(inner, BaseException) else error
    # Redacted first, then made inert (no escape sequences reach the terminal), then clipped.
    what = safe_text(redact_report(f"{type(shown).__name__}: {shown}", list(secrets)), 300)
    where = (
        _("A report (with the token removed) was written to {path}").format(path=path)
        if path is not None
        else _("The crash report could not be written")
    )
    return (
        _("vpstui crashed: {what}").format(what=what)
        + f"\n{where}\n"
        + _(
            "Create, delete and restore are never retried; `vpstui --audit-log` shows where "
            "the record of what was sent is. Please attach the report when you file an issue."
        )
        + "\n"
    )


#: Characters a terminal would act on (C0 but tab and newline, DEL, C1) and bidi/zero-width
#: marks: written as \\uXXXX so that `cat` on a report cannot drive the terminal.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)


def _inert(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _textual_version() -> str:
    textual = sys.modules.get("textual")
    version = getattr(textual, "__version__", None)
    return f"Textual {version}" if version else "Textual not loaded"
