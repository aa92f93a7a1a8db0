"""A simulated VPS.org backend for the demo mode and the tests.

`DemoBackend` is an ASGI app over a `DemoState`: use it in-process through
`backend.transport()` with `DEMO_BASE_URL`, or over TCP with `python -m vpstui.demo`.
Time comes from an injectable clock, and every time-driven change (backups
finishing or expiring, restores ending, the 03:00 UTC daily run) is applied
when a request arrives, so tests move a `FakeClock` instead of sleeping.
This package imports no Textual.
"""

from __future__ import annotations

from vpstui.demo.asgi import DemoBackend, RequestRecord
from vpstui.demo.state import MANUAL_BACKUP_LIMIT, Backup, DemoState, Rejection, Server

__all__ = [
    "DEMO_BASE_URL",
    "MANUAL_BACKUP_LIMIT",
    "Backup",
    "DemoBackend",
    "DemoState",
    "Rejection",
    "RequestRecord",
    "Server",
]

#: The in-process demo's base URL. `.invalid` never resolves, so a demo client that
#: is accidentally given a real transport cannot reach the network.
DEMO_BASE_URL = "https://demo.invalid"
