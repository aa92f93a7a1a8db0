"""Start-up cost that is not ours to pay, for the `vpstui` program only.

`import httpx` also imports httpx's own command-line client (`httpx._main`: click, pygments,
rich.progress, rich.syntax), only to offer `httpx.main`. That is about 16 ms of a start-up
budget of about 60 (issue 4), for a function vpstui never calls. `defer_httpx_cli()` puts a
stand-in module in its place before httpx is first imported: `httpx.main` still works, and
imports the real command-line client the first time it is called.

Replacing an entry of `sys.modules` is a global side effect, so it is done only by the
program's entry point (`vpstui.cli.main`, also behind `python -m vpstui`), never on
`import vpstui` or `import vpstui.api`: a script using the library gets httpx untouched.

httpx imports `main` inside `try: … except ImportError`, so if a later httpx moves or
renames `_main`, the stand-in is simply never used.
"""

from __future__ import annotations

import sys
import types
from typing import Any

HTTPX_CLI = "httpx._main"


def _httpx_cli(*args: Any, **kwargs: Any) -> Any:
    """`httpx.main`, imported when first called."""
    if getattr(sys.modules.get(HTTPX_CLI), "main", None) is _httpx_cli:
        del sys.modules[HTTPX_CLI]
    from httpx._main import main

    return main(*args, **kwargs)


def defer_httpx_cli() -> None:
    """Keep httpx's command-line client off the import path (see the module's docstring)."""
    if "httpx" in sys.modules or HTTPX_CLI in sys.modules:
        return  # too late, or already done
    stand_in = types.ModuleType(HTTPX_CLI, "Stand-in for httpx's CLI; see vpstui._startup.")
    stand_in.main = _httpx_cli  # type: ignore[attr-defined]
    sys.modules[HTTPX_CLI] = stand_in
