"""lazy_property: the official 2.x decorator, computed once per instance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class lazy_property(Generic[T]):  # the official (lower-case) name
    """A property computed on first access and then stored on the instance.

    As in the official SDK, reading it on the class gives None.
    """

    def __init__(self, fget: Callable[[Any], T]) -> None:
        self.fget = fget
        self.func_name = fget.__name__
        self.__doc__ = fget.__doc__

    def __get__(self, obj: Any, cls: type | None = None) -> T | None:
        if obj is None:
            return None
        value = self.fget(obj)
        setattr(obj, self.func_name, value)  # later reads skip the descriptor
        return value
