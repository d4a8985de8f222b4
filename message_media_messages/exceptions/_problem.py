"""Problem: one broken rule of a request, as `ValidationError.problems` lists them."""

from __future__ import annotations


class Problem:
    """One broken rule: which message (if any), which field, and what the rule says.

    A frozen value, compared and hashed by its three attributes.
    """

    __module__ = "message_media_messages.exceptions.api_exception"  # where it is imported from
    __match_args__ = ("field", "rule", "index")
    field: str
    rule: str
    index: int | None

    def __init__(self, field: str, rule: str, index: int | None = None) -> None:
        vars(self).update(field=field, rule=rule, index=index)  # set once, here: frozen

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Problem is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Problem is frozen")

    def _values(self) -> tuple[str, str, int | None]:
        return self.field, self.rule, self.index

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        field, rule, index = self._values()
        return f"{type(self).__qualname__}(field={field!r}, rule={rule!r}, index={index!r})"

    def __str__(self) -> str:
        where = self.field if self.index is None else f"messages[{self.index}].{self.field}"
        return f"{where}: {self.rule}"
