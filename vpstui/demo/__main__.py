"""`python -m vpstui.demo`: serve the demo backend over HTTP on a loopback address.

Prints exactly one line, `vpstui demo backend listening on http://HOST:PORT`, once
it accepts connections (`--port 0` picks a free port), then serves until SIGINT or
SIGTERM and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import signal
import socket
import sys
from collections.abc import Sequence
from types import FrameType

import uvicorn

from vpstui.clock import SystemClock
from vpstui.demo.asgi import DemoBackend
from vpstui.demo.faults import FAULTS, FaultyBackend
from vpstui.demo.state import DemoState
from vpstui.demo.wire import PAGINATIONS

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vpstui.demo",
        description="Serve a simulated VPS.org API on this machine, for trying out vpstui.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port, 0 for any free one")
    parser.add_argument("--token", default=None, help="accept only this Bearer token")
    parser.add_argument(
        "--page-size", type=_positive_int, default=100, help="items per page (default 100)"
    )
    parser.add_argument(
        "--latency",
        type=_non_negative_float,
        default=0.0,
        metavar="SECONDS",
        help="seconds added to every request, e.g. 0.05 for a far-away API (default 0)",
    )
    parser.add_argument(
        "--pagination",
        choices=PAGINATIONS,
        default="page",
        help="page link shape: page (?page=N, the default), offset (?limit=&offset=), "
        "or cursor (opaque, no count)",
    )
    parser.add_argument(
        "--backups",
        type=int,
        default=None,
        metavar="N",
        help="serve a large generated account with N backups instead of the demo one",
    )
    parser.add_argument(
        "--create-seconds",
        type=_non_negative_float,
        default=20.0,
        metavar="SECONDS",
        help="how long a manual backup takes to complete (default 20)",
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        help="test only: accept POST/DELETE /__vpstui_demo__/faults to switch faults on and off",
    )
    parser.add_argument(
        "--fault",
        choices=sorted(name for name in FAULTS if name != "refused"),
        default=None,
        metavar="NAME",
        help=f"start with this fault on every request (one of: {', '.join(FAULTS)})",
    )
    parser.add_argument(
        "--restore-seconds",
        type=_non_negative_float,
        default=45.0,
        metavar="SECONDS",
        help="how long a restore takes (default 45)",
    )
    parser.add_argument(
        "--restore-status",
        nargs="?",
        const="restoring",
        default=None,
        metavar="STATUS",
        help="show this server status while a restore runs (default: none, as the API "
        "documents; the flag alone: restoring)",
    )
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also rejects NaN
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def loopback_address(host: str) -> str | None:
    """`host` as a loopback IP address, or None if it is not a loopback address."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return str(address) if address.is_loopback else None


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0: the OS picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this: without it, uvicorn's separate header and body
        # writes meet Nagle's algorithm and the client's delayed ACK, adding ~40 ms to every
        # answer (the latency is `--latency`'s to set, not an accident of the socket).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


async def serve(backend: DemoBackend | FaultyBackend, sock: socket.socket, url: str) -> int:
    """Run uvicorn on `sock`, announce `url` once it is up, and return the exit code."""
    # The backend sends its own Date header (from its clock), so uvicorn's is left out.
    config = uvicorn.Config(
        backend, log_level="warning", access_log=False, lifespan="on", date_header=False
    )
    server = uvicorn.Server(config)

    def stop(signum: int, frame: FrameType | None) -> None:
        # Active outside uvicorn's own handlers: a signal before it starts, and the
        # signal uvicorn re-raises after a graceful shutdown (so we exit 0, not -15).
        server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    # uvicorn offers no "started" event to wait on; poll its flag briefly.
    while not server.started and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if server.started:
        print(f"vpstui demo backend listening on {url}", flush=True)
    await task
    return 0 if server.started else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and serve until interrupted."""
    args = _parser().parse_args(argv)
    host = loopback_address(args.host)
    if host is None:
        print(
            f"vpstui demo backend: refusing to listen on {args.host!r}: the demo backend "
            "only listens on loopback addresses (127.0.0.1, ::1, localhost).",
            file=sys.stderr,
        )
        return 2
    if args.backups is not None and args.backups < 0:
        print("vpstui demo backend: --backups must be 0 or more", file=sys.stderr)
        return 2
    clock = SystemClock()
    if args.backups is not None:
        state = DemoState.bulk(clock, total_backups=args.backups)
        state.create_seconds = args.create_seconds
        state.restore_seconds = args.restore_seconds
    else:
        state = DemoState.seeded(
            clock, create_seconds=args.create_seconds, restore_seconds=args.restore_seconds
        )
    backend = DemoBackend(
        state=state,
        token=args.token,
        page_size=args.page_size,
        latency=args.latency,
        restore_status=args.restore_status,
        pagination=args.pagination,
    )
    app: DemoBackend | FaultyBackend = backend
    if args.faults or args.fault:
        app = FaultyBackend(backend, control=args.faults)
        if args.fault:
            app.faults.set(args.fault)
    try:
        sock = bind(host, args.port)
    except OSError as exc:
        print(f"vpstui demo backend: cannot listen on {host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    with sock:
        return asyncio.run(serve(app, sock, url))


if __name__ == "__main__":
    raise SystemExit(main())
