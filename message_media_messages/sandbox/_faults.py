"""Fault injection: scripted failures applied to the next matching API requests."""

from __future__ import annotations

import dataclasses
import math
import threading
from dataclasses import dataclass
from typing import Any

from ._wire import ApiResponse, error_response

__all__ = ["KINDS", "Fault", "FaultPlan", "broken_json", "html_response", "make_fault"]

# Kind -> allowed options and their defaults.
_OPTIONS: dict[str, dict[str, Any]] = {
    "status": {"status": 500, "retry_after": None},
    "reset_before": {},
    "reset_after": {},
    "hang": {"seconds": 10.0, "process": False},
    "truncate": {},
    "malformed_json": {},
    "html": {"status": 502},
    "empty": {},
    "trickle": {"interval": 0.05},
}
KINDS = tuple(_OPTIONS)
# Kinds that run the request (auth, validation, storage) before misbehaving.
_PROCESSING = frozenset({"reset_after", "truncate", "malformed_json", "empty", "trickle"})


@dataclass
class Fault:
    """One scripted failure.

    Attributes:
        kind: One of `KINDS`.
        remaining: How many more matching requests it applies to.
        path: Path prefix the request path must start with (None: any API path).
        method: HTTP method the request must have (None: any).
        opts: The kind's options, defaults filled in.
    """

    kind: str
    remaining: int
    path: str | None
    method: str | None
    opts: dict[str, Any]

    @property
    def processes(self) -> bool:
        """Whether the request is processed (and its effects stored) despite the fault."""
        return self.kind in _PROCESSING or (self.kind == "hang" and bool(self.opts["process"]))

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        return (self.method is None or self.method == method) and (
            self.path is None or path.startswith(self.path)
        )

    def describe(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "path": self.path,
            "method": self.method,
            **self.opts,
        }


def _number(name: str, value: Any, *, low: float, high: float) -> float:
    """Validate a real number option in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a number")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def _check_opts(kind: str, opts: dict[str, Any]) -> dict[str, Any]:
    """Fill in defaults and validate the options of `kind`."""
    unknown = sorted(set(opts) - set(_OPTIONS[kind]))
    if unknown:
        raise ValueError(f"unknown option(s) for {kind!r}: {', '.join(unknown)}")
    merged = {**_OPTIONS[kind], **opts}
    if "status" in merged:
        status = merged["status"]
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError("status must be an HTTP status code (100-599)")
    if merged.get("retry_after") is not None:
        merged["retry_after"] = _number("retry_after", merged["retry_after"], low=0, high=86400)
    if "seconds" in merged:
        merged["seconds"] = _number("seconds", merged["seconds"], low=0, high=3600)
    if "interval" in merged:
        merged["interval"] = _number("interval", merged["interval"], low=0, high=60)
    if not isinstance(merged.get("process", False), bool):
        raise ValueError("process must be true or false")
    return merged


def make_fault(
    kind: str, count: int = 1, path: str | None = None, method: str | None = None, **opts: Any
) -> Fault:
    """Build a validated fault.

    Args:
        kind: One of `KINDS`.
        count: How many matching requests it applies to (>= 1).
        path: Path prefix to match, e.g. `/v1/messages` (None: every API path).
        method: HTTP method to match (None: any).
        **opts: Options of the kind: `status`/`retry_after` (status), `status` (html),
            `seconds`/`process` (hang), `interval` (trickle).

    Returns:
        The fault.

    Raises:
        ValueError: Unknown kind or option, or a value out of range.
    """
    if kind not in _OPTIONS:
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError("count must be an integer >= 1")
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError("path must be a string starting with '/'")
    if method is not None and (not isinstance(method, str) or not method.isalpha()):
        raise ValueError("method must be an HTTP method name")
    return Fault(kind, count, path, method.upper() if method else None, _check_opts(kind, opts))


class FaultPlan:
    """The queue of pending faults, consumed in the order they were added (thread-safe)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        """Queue a fault after those already pending."""
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first pending fault matching the request.

        Returns:
            A copy of the fault (for the caller to apply), or None.
        """
        if not self._faults:  # the common case, without taking the lock
            return None
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        del self._faults[index]
                    return dataclasses.replace(fault, opts=dict(fault.opts))
        return None

    def pending(self) -> list[dict[str, Any]]:
        """Describe the pending faults, in order."""
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()


def status_response(fault: Fault) -> ApiResponse:
    """The JSON error answer of a `status` fault (with `Retry-After` if requested)."""
    retry_after = fault.opts["retry_after"]
    headers = []
    if retry_after is not None:
        text = str(int(retry_after)) if float(retry_after).is_integer() else f"{retry_after:g}"
        headers.append(("Retry-After", text))
    return error_response(
        fault.opts["status"],
        "Sandbox injected fault.",
        [f"status fault {fault.opts['status']}"],
        headers,
    )


def html_response(status: int) -> ApiResponse:
    """An HTML error page, as a proxy or load balancer in front of the API would send."""
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{status} Error</title></head>\n"
        f"<body><h1>{status} Error</h1><p>The upstream server did not respond.</p>"
        "<hr><center>sandbox-proxy</center></body></html>\n"
    )
    return ApiResponse(status, page.encode("utf-8"), "text/html; charset=utf-8")


def broken_json(body: bytes) -> bytes:
    """Return a body that is not valid JSON: the first half of `body` (never empty)."""
    return body[: len(body) // 2] if len(body) >= 2 else b'{"messages": ['
