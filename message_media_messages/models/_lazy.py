"""Module-level `__getattr__` that imports a package's public names on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A PEP 562 `__getattr__` for `package`, loading each name from its home module.

    Args:
        package: the package's `__name__`.
        homes: public name -> module (relative to the package) that defines it.
    """
    namespace = importlib.import_module(package).__dict__

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        namespace[name] = value
        return value

    return load
