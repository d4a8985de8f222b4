"""Frozen: small immutable values without `dataclasses` (kept off the client's import path)."""

from __future__ import annotations

from typing import Any


class Frozen:
    """An immutable value: attributes set once in `__init__` (with `_set`), compared,
    hashed and shown by `_compared()`, whose values are named by the first
    `__match_args__` of the subclass."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _set(self, **values: Any) -> None:
        vars(self).update(values)  # the one way in: set once, by __init__

    def _compared(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a {type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        pairs = zip(self.__match_args__, self._compared(), strict=False)
        return f"{type(self).__qualname__}({', '.join(f'{n}={v!r}' for n, v in pairs)})"
