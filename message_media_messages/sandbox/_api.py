"""The eight Messages API endpoints (API.md section 1.2): routing, body decoding, handlers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._lifecycle import UNREACHABLE
from ._rules import clean_message, is_destination, validate_cancel, validate_ids, validate_send
from ._store import Store
from ._wire import (
    GENERIC_400,
    ApiRequest,
    ApiResponse,
    empty_response,
    error_response,
    json_response,
    not_found,
)

__all__ = ["Endpoint", "decode_json", "decode_request", "resolve"]

Handler = Callable[[Store, str, Any, tuple[str, ...]], ApiResponse]
INVALID = "Invalid request. See details."
NOT_CANCELLABLE = "Only messages with a status of scheduled can be cancelled."


@dataclass(frozen=True)
class Endpoint:
    """One method on one path: its handler and whether it reads a JSON body."""

    handler: Handler
    takes_body: bool = False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(body: bytes) -> tuple[Any, str | None]:
    """Decode UTF-8 JSON strictly (no NaN/Infinity).

    Args:
        body: The body bytes.

    Returns:
        (value, None), or (None, problem) when the bytes are not valid JSON.
    """
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant), None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError too
        return None, f"Failed to parse message body: {str(exc)[:200]}"


def decode_request(request: ApiRequest) -> tuple[Any, ApiResponse | None]:
    """Check Content-Length and Content-Type, then decode the JSON body.

    Returns:
        (value, None), or (None, a 400 response).
    """
    if not request.has_length:
        return None, error_response(400, GENERIC_400, ["Content-Length header is required"])
    media_type, *params = request.headers.get("content-type", "").split(";")
    if media_type.strip().lower() != "application/json":
        details = ["Content-Type must be application/json"]
        return None, error_response(400, GENERIC_400, details)
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            return None, error_response(400, GENERIC_400, ["charset must be utf-8"])
    if not request.body:
        return None, error_response(400, GENERIC_400, ["Failed to parse message body: empty"])
    value, problem = decode_json(request.body)
    if problem is not None:
        return None, error_response(400, GENERIC_400, [problem])
    return value, None


def _unreachable(body: Any) -> list[str]:
    """Details for messages to the magic unreachable suffix (checked after the rules)."""
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list):
        return []
    return [
        f"messages[{i}].destination_number: destination is not reachable "
        f"(sandbox magic number {UNREACHABLE})"
        for i, message in enumerate(messages)
        if isinstance(message, dict)
        and isinstance(number := message.get("destination_number"), str)
        and is_destination(number)
        and number.endswith(UNREACHABLE)
    ]


def _send(store: Store, account: str, body: Any, _: tuple[str, ...]) -> ApiResponse:
    problems = validate_send(body) + _unreachable(body)
    if problems:
        return error_response(400, INVALID, problems)
    echoes = store.submit(account, [clean_message(message) for message in body["messages"]])
    return json_response(202, {"messages": echoes})


def _status(store: Store, account: str, _: Any, args: tuple[str, ...]) -> ApiResponse:
    message = store.get(account, args[0])
    return json_response(200, message) if message is not None else not_found()


def _cancel(store: Store, account: str, body: Any, args: tuple[str, ...]) -> ApiResponse:
    problems = validate_cancel(body)
    if problems:
        return error_response(400, INVALID, problems)
    message, status = store.cancel(account, args[0])
    if message is not None:
        return json_response(200, message)
    if status is None:
        return not_found()
    detail = f"status: the message is {status}; only scheduled messages can be cancelled"
    return error_response(400, NOT_CANCELLABLE, [detail])


def _credits(store: Store, account: str, _: Any, __: tuple[str, ...]) -> ApiResponse:
    return json_response(200, {"remaining_credits": store.credits(account)})


def _check_reports(store: Store, account: str, _: Any, __: tuple[str, ...]) -> ApiResponse:
    return json_response(200, {"delivery_reports": store.check_reports(account)})


def _confirm_reports(store: Store, account: str, body: Any, _: tuple[str, ...]) -> ApiResponse:
    ids, problems = validate_ids(body, "delivery_report_ids")
    if problems:
        return error_response(400, INVALID, problems)
    store.confirm_reports(account, ids)
    return empty_response(202)


def _check_replies(store: Store, account: str, _: Any, __: tuple[str, ...]) -> ApiResponse:
    return json_response(200, {"replies": store.check_replies(account)})


def _confirm_replies(store: Store, account: str, body: Any, _: tuple[str, ...]) -> ApiResponse:
    ids, problems = validate_ids(body, "reply_ids")
    if problems:
        return error_response(400, INVALID, problems)
    store.confirm_replies(account, ids)
    return empty_response(202)


_EXACT: dict[str, Mapping[str, Endpoint]] = {
    "/v1/messages": {"POST": Endpoint(_send, takes_body=True)},
    "/v1/messaging/credits": {"GET": Endpoint(_credits)},
    "/v1/delivery_reports": {"GET": Endpoint(_check_reports)},
    "/v1/delivery_reports/confirmed": {"POST": Endpoint(_confirm_reports, takes_body=True)},
    "/v1/replies": {"GET": Endpoint(_check_replies)},
    "/v1/replies/confirmed": {"POST": Endpoint(_confirm_replies, takes_body=True)},
}
_MESSAGE_PATH = re.compile(r"/v1/messages/([^/]+)")
_MESSAGE_METHODS: Mapping[str, Endpoint] = {
    "GET": Endpoint(_status),
    "PUT": Endpoint(_cancel, takes_body=True),
}


def resolve(method: str, path: str) -> tuple[Endpoint, tuple[str, ...]] | ApiResponse:
    """Find the endpoint for a request.

    Args:
        method: Upper-case HTTP method.
        path: Request path without query.

    Returns:
        (endpoint, path arguments), or a 404 (unknown path) / 405 (wrong method) response.
    """
    args: tuple[str, ...] = ()
    methods = _EXACT.get(path)
    if methods is None:
        match = _MESSAGE_PATH.fullmatch(path)
        if match is None:
            return not_found()
        methods, args = _MESSAGE_METHODS, (match.group(1),)
    endpoint = methods.get(method)
    if endpoint is None:
        allowed = ", ".join(methods)
        detail = f"{method} is not allowed on {path}; allowed: {allowed}"
        return error_response(405, "Method not allowed.", [detail], [("Allow", allowed)])
    return endpoint, args
