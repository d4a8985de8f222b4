"""APIHelper: the official 2.x JSON helpers, on the standard library `json` (no jsonpickle)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .models._base import to_json


class APIHelper:
    """The parts of the official `APIHelper` that user code calls.

    Serialisation uses stdlib `json` in both directions: unlike the official
    `jsonpickle.decode`, decoding never constructs objects or calls functions named by
    the text. URL and form helpers of the official class are not here: requests are
    built by the client.
    """

    @staticmethod
    def json_serialize(obj: Any) -> str:
        """JSON text of a model, a list of models, or plain data (None gives "{}")."""
        return json.dumps({} if obj is None else APIHelper.to_dictionary(obj))

    @staticmethod
    def json_deserialize(
        text: str | bytes | None, unboxing_function: Callable[[Any], Any] | None = None
    ) -> Any:
        """Decode JSON text, then optionally build a model from it.

        As in the official SDK: None gives None, text that is not JSON is returned
        unchanged, and a decoded list is unboxed element by element.

        Args:
            text: JSON text.
            unboxing_function: e.g. `SendMessagesRequest.from_dictionary`.
        """
        if text is None:
            return None
        try:
            decoded = json.loads(text)
        except (ValueError, RecursionError):
            return text
        if unboxing_function is None:
            return decoded
        if isinstance(decoded, list):
            return [unboxing_function(item) for item in decoded]
        return unboxing_function(decoded)

    @staticmethod
    def to_dictionary(obj: Any) -> Any:
        """The JSON-ready form of a model (None values skipped), list or dict of them."""
        return to_json(obj)

    @staticmethod
    def merge_dicts(dict1: dict[str, Any] | None, dict2: dict[str, Any] | None) -> dict[str, Any]:
        """A new dict with the keys of both; `dict2` wins on a clash."""
        return {**(dict1 or {}), **(dict2 or {})}
