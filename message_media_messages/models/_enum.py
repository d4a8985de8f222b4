"""`StringEnum`: the base of the models' enums, plain classes of string constants."""

from __future__ import annotations


class StringEnum:
    """Base of the enums: plain classes of string constants, as in the official SDK.

    Values the server sends that are not listed are kept as plain strings, never an error.
    """

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Return every value of the enum, in declaration order (inherited ones first)."""
        found: dict[str, None] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if name.isupper() and isinstance(value, str):
                    found[value] = None
        return tuple(found)
