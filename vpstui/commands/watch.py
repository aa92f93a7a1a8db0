"""`vpstui watch`: the TUI's polling without the TUI, for a tmux pane or a systemd unit.

Each event is one JSON line on stdout (and goes to `notify_command` when one is set);
what the command is doing goes to stderr. SIGTERM, SIGINT and SIGHUP end it cleanly
(exit 0) after the events already found were handed on.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from vpstui.format import list_text, safe_text
from vpstui.i18n import _
from vpstui.notify import Notifier
from vpstui.watching import Watcher

from .session import Session, note, warn

__all__ = ["watch_backups"]


async def watch_backups(session: Session, args: argparse.Namespace) -> int:
    """Watch until stopped; 0 when stopped by a signal, an error code otherwise."""
    servers = None
    if args.server:
        found = [await session.resolve_server(wanted) for wanted in args.server]
        servers = list({s.id: s for s in found}.values())
    context = {"profile": session.profile, "api_host": session.api.host}
    watcher = Watcher(
        session.api,
        session.runtime.clock,
        servers=servers,
        poll_interval=session.poll_interval,
        idle_refresh=session.idle_refresh,
        stale_after_hours=session.stale_after_hours,
        unreachable_after=args.unreachable_after,
        context=context,
    )
    notifier = Notifier(session.notify_command, report=warn) if session.notify_command else None
    started = (
        _(
            "vpstui: watching {servers}; events as JSON lines on stdout. Ctrl-C or SIGTERM stops."
        ).format(servers=list_text(safe_text(s.name, 60) for s in servers))
        if servers
        else _(
            "vpstui: watching every server; events as JSON lines on stdout. Ctrl-C or SIGTERM "
            "stops."
        )
    )
    note(started)
    # A signal cancels this task; the cancellation ends the loop below cleanly.
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError, AttributeError):
            loop.add_signal_handler(sig, task.cancel)  # type: ignore[union-attr]
            handled.append(sig)
    try:
        while True:
            for event in await watcher.tick():
                sys.stdout.write(event.as_json() + "\n")
                sys.stdout.flush()
                if notifier is not None:
                    notifier.send(event)
            await session.runtime.sleep(watcher.delay())
    except asyncio.CancelledError:
        if task is not None:
            task.uncancel()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        if notifier is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(notifier.drain(), notifier.timeout + 1)
            await notifier.aclose()
    note(_("vpstui: stopped watching."))
    return 0
