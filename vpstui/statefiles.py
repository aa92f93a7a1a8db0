"""The state directory and the private files in it (audit log, operations ledger, crash
reports), opened so that nobody else can read them, plant them, or redirect them.

    ensure_state_dir(path) -> Path    create it 0700, or refuse it if others could tamper
    open_private(path, flags) -> int  os.open in a checked directory: 0600, no symlinks

Rules (issue 11):

- a missing state directory is created `0700` (its missing parents too);
- an existing one is refused (`UnsafeStateError`, with the fix in the message) when it is
  owned by another user or writable by the group or by everyone: whoever can write there
  can swap our files for symlinks or plant a forged ledger;
- a file is opened with `O_NOFOLLOW`: a symlink in its place is refused, never followed,
  so the file it points to is neither written nor chmod-ed; it must be a regular file
  owned by us, and one that others can read is tightened to `0600`.

`UnsafeStateError` is an `OSError`, so code that already survives a full disk (the audit
log, crash reports) treats it the same way; its `strerror` is the readable message.
No Textual here.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from vpstui.i18n import _

__all__ = ["UnsafeStateError", "ensure_state_dir", "open_private", "state_dir_refusal"]

#: Permission bits that let someone other than the owner change a directory's entries.
_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
_OTHERS_ANY = stat.S_IRWXG | stat.S_IRWXO


class UnsafeStateError(OSError):
    """A state directory or file that vpstui refuses to use; `str()` says why and what to do."""

    def __init__(self, message: str, code: int = errno.EPERM) -> None:
        super().__init__(code, message)

    def __str__(self) -> str:
        return str(self.strerror)


def ensure_state_dir(path: Path) -> Path:
    """`path` as a directory only its owner (us) can change: created `0700` if missing.

    Raises `UnsafeStateError` if it is not a directory, is owned by another user, or is
    writable by the group or by everyone; other `OSError`s (read-only disk) pass through.
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        pass
    else:
        os.chmod(path, 0o700)  # mkdir's mode is reduced by the umask, never widened; be exact
    info = os.stat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeStateError(
            _("The state directory {path} is not a directory.").format(path=path), errno.ENOTDIR
        )
    if info.st_uid != os.geteuid():
        raise UnsafeStateError(
            _(
                "The state directory {path} is owned by another user (uid {uid}); "
                "vpstui will not keep its records there. Set VPSTUI_STATE_DIR to a directory "
                "of your own."
            ).format(path=path, uid=info.st_uid)
        )
    if info.st_mode & _OTHERS_WRITE:
        import shlex  # for the advice only: not imported on every start

        quoted = shlex.quote(str(path))
        raise UnsafeStateError(
            _(
                "The state directory {path} is writable by other users, who could replace "
                "vpstui's records; run: {fix}"
            ).format(path=path, fix=f"chmod 700 {quoted}")
        )
    return path


def open_private(path: Path, flags: int) -> int:
    """`os.open(path, flags)` for a private state file; returns the file descriptor.

    The parent directory goes through `ensure_state_dir`; the file is created `0600`,
    never opened through a symlink (`O_NOFOLLOW`), must be a regular file owned by us,
    and is tightened to `0600` if others could read it. The caller closes the descriptor.
    """
    path = Path(path)
    ensure_state_dir(path.parent)
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EEXIST and path.is_symlink()):
            raise UnsafeStateError(
                _(
                    "{path} is a symbolic link; vpstui does not follow links for its records. "
                    "Remove the link."
                ).format(path=path),
                errno.ELOOP,
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeStateError(_("{path} is not a regular file.").format(path=path))
        if info.st_uid != os.geteuid():
            raise UnsafeStateError(
                _("{path} is owned by another user; vpstui will not use it.").format(path=path)
            )
        if info.st_mode & _OTHERS_ANY:
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def state_dir_refusal(path: Path) -> str | None:
    """Why `path` cannot be the state directory (the `UnsafeStateError` message), or None.

    Used at start: an unsafe directory stops vpstui before anything is sent. Any other
    `OSError` (a read-only home) is not a refusal: the audit log reports it when writing.
    """
    try:
        ensure_state_dir(path)
    except UnsafeStateError as error:
        return str(error)
    except OSError:
        return None
    return None
