"""The unauthenticated `/_sandbox/` control endpoints (advance, replies, faults, reset...)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._api import decode_json
from ._faults import make_fault
from ._rules import validate_content
from ._wire import ApiRequest, ApiResponse, error_response, json_response, not_found

if TYPE_CHECKING:
    from ._app import SandboxApp

__all__ = ["CONTROL_PREFIX", "handle"]

CONTROL_PREFIX = "/_sandbox"
INVALID = "Invalid sandbox control request."
Action = Callable[["SandboxApp", dict[str, Any]], ApiResponse]


def _advance(app: SandboxApp, body: dict[str, Any]) -> ApiResponse:
    steps, seconds = body.get("steps", 1), body.get("seconds", 0)
    to_final = body.get("to_final", False)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError("steps must be an integer >= 0")
    if not isinstance(to_final, bool):
        raise ValueError("to_final must be true or false")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError("seconds must be a number")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("seconds must be a finite number >= 0")
    return json_response(200, app.store.advance(steps, to_final, float(seconds)))


def _reply(app: SandboxApp, body: dict[str, Any]) -> ApiResponse:
    message_id, content = body.get("message_id"), body.get("content")
    if not isinstance(message_id, str):
        raise ValueError("message_id: must be a string")
    problems = validate_content(content)
    if problems:
        return error_response(400, INVALID, problems)
    try:
        return json_response(201, app.store.inject_reply(message_id, str(content)))
    except KeyError:
        return not_found()


def _add_fault(app: SandboxApp, body: dict[str, Any]) -> ApiResponse:
    options = dict(body)
    kind = options.pop("kind", None)
    if not isinstance(kind, str):
        raise ValueError("kind: must be a string")
    fault = make_fault(kind, **options)
    app.faults.add(fault)
    return json_response(201, {"fault": fault.describe()})


def _list_faults(app: SandboxApp, _: dict[str, Any]) -> ApiResponse:
    return json_response(200, {"faults": app.faults.pending()})


def _messages(app: SandboxApp, _: dict[str, Any]) -> ApiResponse:
    return json_response(200, {"messages": app.store.messages()})


def _reset(app: SandboxApp, _: dict[str, Any]) -> ApiResponse:
    app.reset()
    return json_response(200, {"reset": True})


def _stats(app: SandboxApp, _: dict[str, Any]) -> ApiResponse:
    return json_response(200, app.stats())


def _requests(app: SandboxApp, _: dict[str, Any]) -> ApiResponse:
    return json_response(200, {"requests": app.request_log()})


_ROUTES: Mapping[str, Mapping[str, Action]] = {
    "/_sandbox/advance": {"POST": _advance},
    "/_sandbox/replies": {"POST": _reply},
    "/_sandbox/faults": {"POST": _add_fault, "GET": _list_faults},
    "/_sandbox/messages": {"GET": _messages},
    "/_sandbox/reset": {"POST": _reset},
    "/_sandbox/stats": {"GET": _stats},
    "/_sandbox/requests": {"GET": _requests},
}


def handle(app: SandboxApp, request: ApiRequest) -> ApiResponse:
    """Serve one control request (no auth, never faulted, not counted).

    An empty body counts as `{}`; any Content-Type is accepted, for curl's sake.

    Args:
        app: The sandbox application.
        request: The parsed request.

    Returns:
        The response (400 with details on bad input, 404 / 405 on bad routes).
    """
    methods = _ROUTES.get(request.path.rstrip("/"))
    if methods is None:
        return not_found()
    action = methods.get(request.method)
    if action is None:
        allowed = ", ".join(methods)
        detail = [f"allowed: {allowed}"]
        return error_response(405, "Method not allowed.", detail, [("Allow", allowed)])
    body, problem = decode_json(request.body) if request.body.strip() else ({}, None)
    if problem is not None or not isinstance(body, dict):
        return error_response(400, INVALID, [problem or "body: must be a JSON object"])
    try:
        return action(app, body)
    except (ValueError, TypeError) as exc:
        return error_response(400, INVALID, [str(exc)])
