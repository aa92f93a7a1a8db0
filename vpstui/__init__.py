"""vpstui: a terminal UI for managing VPS.org server backups."""

__version__ = "0.1.0"
