"""PEP 562 `__getattr__` and `__dir__` for a package whose public names load on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, homes: Mapping[str, str], *eager: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's `__getattr__` (loading each name from its home) and its `__dir__`.

    `homes` is the package's one export table: its `__all__` is `sorted(homes)` (plus the
    `eager` names), `dir(package)` lists exactly those, and `__getattr__` imports a name's
    home module the first time the name is asked for.

    Args:
        package: the package's `__name__`.
        homes: public name -> module (relative to the package) that defines it.
        eager: public names the package defines itself (e.g. `__version__`).
    """
    namespace = importlib.import_module(package).__dict__
    public = sorted({*homes, *eager})

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        namespace[name] = value
        return value

    def listing() -> list[str]:
        return list(public)

    return load, listing
