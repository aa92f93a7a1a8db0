"""Exit codes of the scripting subcommands, and the exception that ends a command with one.

0    done
1    the API refused or failed, or the operation failed (a backup that ended "failed")
2    usage or configuration error, no token, or no confirmation: nothing was sent
3    not found: no such server or backup
4    gave up waiting (--wait-timeout); the operation goes on at the API
5    outcome unknown: sent, but the answer was lost and re-reading could not tell
6    restore --wait: accepted, but the API showed no change of the server's status
130  interrupted (Ctrl-C)
"""

from __future__ import annotations

from vpstui.i18n import N_

__all__ = [
    "EXIT_CODES",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_NOT_REPORTED",
    "EXIT_OK",
    "EXIT_TIMED_OUT",
    "EXIT_UNKNOWN",
    "EXIT_USAGE",
    "CommandError",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_TIMED_OUT = 4
EXIT_UNKNOWN = 5
EXIT_NOT_REPORTED = 6
EXIT_INTERRUPTED = 130

#: Every exit code and what it means, for `--help` and the README.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: N_("done"),
    EXIT_FAILED: N_('the API refused or failed, or the operation failed (a backup ended "failed")'),
    EXIT_USAGE: N_(
        "usage or config error, no token, ambiguous server, read-only, or not "
        "confirmed: nothing was sent"
    ),
    EXIT_NOT_FOUND: N_("not found: no such server or backup"),
    EXIT_TIMED_OUT: N_("gave up waiting (--wait-timeout); the operation goes on at the API"),
    EXIT_UNKNOWN: N_(
        "outcome unknown: sent, but the answer was lost and re-reading could not "
        "tell; check before retrying"
    ),
    EXIT_NOT_REPORTED: N_(
        "restore --wait: the API accepted the restore but showed no change of "
        "the server's status (VPS.org does not report restore progress): check the server"
    ),
    EXIT_INTERRUPTED: N_("interrupted (Ctrl-C)"),
}


class CommandError(Exception):
    """Ends a command: `message` goes to stderr, `code` becomes the exit status."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
