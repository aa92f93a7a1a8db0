"""Packages whose public names are imported from their modules when first asked for
(PEP 562): `vpstui.api` (the models need no httpx) and `vpstui.operations` (the first
frame needs the ledger, not the mutations). Issue 13: what the first frame does not draw,
it does not import."""

from __future__ import annotations

import importlib
from collections.abc import Callable, MutableMapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, homes: dict[str, str], namespace: MutableMapping[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` and `__dir__`. `homes`: each public name → the module
    it lives in (absolute, or relative to `package` if it starts with a dot); a name is
    imported once, then found in the package's `namespace` like any other."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        namespace[name] = value  # asked for once
        return value

    def __dir__() -> list[str]:
        return sorted(homes)

    return __getattr__, __dir__
