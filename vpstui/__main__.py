"""`python -m vpstui` runs the same entry point as the `vpstui` command."""

from vpstui.cli import main

raise SystemExit(main())
