"""vpstui: a terminal UI for managing VPS.org server backups.

Importing vpstui (or `vpstui.api`) has no side effect on other libraries; start-up tricks
that do (`vpstui._startup`) run only when the `vpstui` program starts, in `vpstui.cli.main`.
"""

__version__ = "0.1.0"
