"""Problem: one broken rule of a request, as `ValidationError.problems` lists them."""

from __future__ import annotations

from .._frozen import Frozen


class Problem(Frozen):
    """One broken rule: which message (if any), which field, and what the rule says.

    A frozen value, compared and hashed by its three attributes.
    """

    __module__ = "message_media_messages.exceptions.api_exception"  # where it is imported from
    __match_args__ = ("field", "rule", "index")
    field: str
    rule: str
    index: int | None

    def __init__(self, field: str, rule: str, index: int | None = None) -> None:
        self._set(field=field, rule=rule, index=index)

    def _compared(self) -> tuple[str, str, int | None]:
        return self.field, self.rule, self.index

    def __str__(self) -> str:
        where = self.field if self.index is None else f"messages[{self.index}].{self.field}"
        return f"{where}: {self.rule}"
