"""Parse MessageMedia's delivery-report and reply callbacks into models."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeAlias, TypeVar

from ..exceptions.api_exception import WebhookPayloadError
from ..models.delivery_report import DeliveryReport
from ..models.reply import Reply

__all__ = ["Body", "Callback", "WebhookPayloadError", "parse_callback", "parse_delivery_report"]
__all__ += ["parse_reply"]

Body: TypeAlias = "bytes | str | Mapping[str, Any]"
Callback: TypeAlias = "DeliveryReport | Reply"
_M = TypeVar("_M", DeliveryReport, Reply)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _decode(body: Body) -> Mapping[str, Any]:
    """Return the body as a JSON object, raising WebhookPayloadError for anything else."""
    if isinstance(body, Mapping):
        return body
    if not isinstance(body, (bytes, str)):
        raise WebhookPayloadError(f"expected bytes, str or a mapping, got {type(body).__name__}")
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise WebhookPayloadError(f"body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"expected a JSON object, got {type(data).__name__}")
    return data


def _build(model: type[_M], data: Mapping[str, Any], id_key: str) -> _M:
    """Build `model` from `data`, which must carry a string `id_key`."""
    if not isinstance(data.get(id_key), str) or not data[id_key]:
        raise WebhookPayloadError(f"{model.__name__} payload needs a non-empty string {id_key!r}")
    try:
        return model.from_dictionary(data)
    except (TypeError, ValueError, OverflowError) as exc:
        raise WebhookPayloadError(f"malformed {model.__name__} payload: {exc}") from None


def parse_delivery_report(body: Body) -> DeliveryReport:
    """Parse a delivery-report callback; unknown keys go to `additional_properties`.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: Not a JSON object, no string `delivery_report_id`, or a
            field of the wrong type.
    """
    return _build(DeliveryReport, _decode(body), "delivery_report_id")


def parse_reply(body: Body) -> Reply:
    """Parse a reply callback; unknown keys go to `additional_properties`.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: Not a JSON object, no string `reply_id`, or a field of the
            wrong type.
    """
    return _build(Reply, _decode(body), "reply_id")


def parse_callback(body: Body) -> Callback:
    """Parse either callback kind, told apart by `delivery_report_id` vs `reply_id`.

    Args:
        body: The raw request body (bytes or str) or an already decoded JSON object.

    Raises:
        WebhookPayloadError: As the parse functions, or if the object has both ids or neither.
    """
    data = _decode(body)
    is_report, is_reply = "delivery_report_id" in data, "reply_id" in data
    if is_report == is_reply:
        which = "both" if is_report else "neither"
        raise WebhookPayloadError(f"payload has {which} of 'delivery_report_id' and 'reply_id'")
    if is_report:
        return _build(DeliveryReport, data, "delivery_report_id")
    return _build(Reply, data, "reply_id")
