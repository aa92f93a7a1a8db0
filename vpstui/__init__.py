"""vpstui: a terminal UI for managing VPS.org server backups."""

from vpstui._startup import defer_httpx_cli

__version__ = "0.1.0"

defer_httpx_cli()
