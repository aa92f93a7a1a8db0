"""How the app opens the create, delete, restore and details dialogs, and what it does
with their results (`VpsApp.open_*` call these).

The dialogs themselves are imported on first use: they are not on the start path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpstui.api.models import Backup, CreateResult, RestoreResult
from vpstui.format import backup_ref, safe_text

if TYPE_CHECKING:
    from vpstui.ui.app import VpsApp


def open_create(app: VpsApp, server_id: int | None) -> None:
    """n: the create dialog, for `server_id` (None: the user picks)."""
    main = app.main
    if main is None or app.writes_refused():
        return
    if not main.servers and server_id is None:
        app.notify("The server list has not loaded yet.", severity="warning")
        return

    def created(result: CreateResult | None) -> None:
        if result is None:
            main.load_backups()  # the outcome may be unknown: re-read what is true
            return
        main.backup_created(result.backup)
        app.notify(
            safe_text(result.message or "Backup started.", 300),
            title=f"Backup {backup_ref(result.backup.id)} started",
        )

    from vpstui.ui.dialogs import CreateDialog

    servers = sorted(main.servers, key=lambda server: server.name.lower())
    app.push_screen(CreateDialog(app.api, servers, server_id, app.clock), created)


def open_delete(app: VpsApp, backup: Backup) -> None:
    """Delete: the confirmation dialog; the row goes once the API says it is gone."""
    main = app.main
    if main is None or app.writes_refused():
        return

    def deleted(outcome: str | None) -> None:
        if outcome == "deleted":
            app.notify(f"Backup {backup_ref(backup.id)} deleted.", title="Deleted")
        elif outcome == "gone":
            app.notify(
                f"Backup {backup_ref(backup.id)} was already deleted (404); removed from the list.",
                severity="warning",
            )
        if outcome is not None:
            main.backup_deleted(backup.id)

    from vpstui.ui.dialogs import DeleteDialog

    app.push_screen(DeleteDialog(app.api, backup, app.clock), deleted)


def open_restore(app: VpsApp, backup: Backup) -> None:
    """R: the guarded restore dialog; a started restore is followed on the main screen."""
    main = app.main
    if main is None or app.writes_refused():
        return
    server = main.server(backup.server_id)

    def restored(result: RestoreResult | None) -> None:
        if result is None:
            main.load_backups()  # cancelled, or the answer was lost: show what is true
            return
        app.notify(
            safe_text(result.message or "Restore started.", 300),
            title=f"Restoring {safe_text(backup.server_name, 40)}",
            timeout=15,
        )
        safety = dialog.safety_backup
        main.restore_started(
            backup,
            backup.server_name,
            safety.id if safety is not None else None,
            dialog.no_safety_reason,
        )
        if safety is not None:
            main.load_backups()  # show the safety backup's row

    from vpstui.ui.dialogs import RestoreDialog

    dialog = RestoreDialog(
        app.api, backup, server, app.clock, poll_interval=app.settings.poll_interval
    )
    app.push_screen(dialog, restored)


def open_details(app: VpsApp, backup: Backup) -> None:
    """Enter: everything known about one backup."""
    main = app.main
    if main is None:
        return
    from vpstui.ui.dialogs import DetailsDialog

    server = main.server(backup.server_id)
    dialog = DetailsDialog(
        app.api, backup, server, app.clock, manual_count=main.manual_count(backup.server_id)
    )
    app.push_screen(dialog)
