"""Why a file could not be read or a command run, in the language in use.

Python's `OSError.strerror` is the C library's English ("No such file or directory")
whatever the language; the common reasons are translated here, others are shown as the
system wrote them. No Textual here.
"""

from __future__ import annotations

import errno

from vpstui.i18n import N_, _

__all__ = ["os_reason"]

#: The reasons a person meets reading a config, token or state file, or running a token
#: command, as Linux words them (the English stays exactly the system's).
REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EEXIST: N_("File exists"),
    errno.ENOEXEC: N_("Exec format error"),
    errno.ETXTBSY: N_("Text file busy"),
}


def os_reason(error: OSError) -> str:
    """`error`'s reason ("No such file or directory"; zh-CN "文件或目录不存在")."""
    text = error.strerror or str(error)
    known = REASONS.get(error.errno) if error.errno is not None else None
    return _(known) if known is not None and text == known else text
