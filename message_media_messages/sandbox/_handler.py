"""HTTP/1.1 keep-alive framing: read a request, run the app, write (or sabotage) the answer."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import socket
import struct
import threading
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any, cast
from urllib.parse import urlsplit

from . import _control as control
from ._app import SandboxApp
from ._faults import Fault, broken_json, html_response, status_response
from ._wire import GENERIC_400, JSON_TYPE, ApiRequest, ApiResponse, error_response

__all__ = ["SandboxHTTPServer", "SandboxHandler"]

logger = logging.getLogger("message_media_messages.sandbox")

IDLE_TIMEOUT = 120.0  # seconds a keep-alive connection may sit idle (or stall mid-request)
DRAIN_LIMIT = 64 << 20  # bytes of an oversized body read and discarded before answering
_DIGITS = re.compile(r"[0-9]{1,18}")


class SandboxHTTPServer(ThreadingHTTPServer):
    """Threaded HTTP server that knows its app and can drop its open connections.

    Args:
        address: (host, port) to bind; port 0 picks a free port.
        app: The sandbox application.
    """

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SandboxHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse-DNS lookup of the host (slow on some hosts)."""
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection, then serve it in a new thread."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection and close it."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection so that idle keep-alive threads exit."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log at DEBUG instead of printing a traceback (clients vanish all the time)."""
        logger.debug("sandbox connection error from %s", client_address, exc_info=True)


class SandboxHandler(BaseHTTPRequestHandler):
    """One connection: requests are served in turn until either side closes."""

    protocol_version = "HTTP/1.1"
    server_version = "MessageMediaSandbox/1.0"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT
    _responded = False

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log; keep it at DEBUG."""
        logger.debug("sandbox %s: " + format, self.address_string(), *args)

    @property
    def sandbox(self) -> SandboxHTTPServer:
        """The server, with its sandbox attributes typed."""
        return cast(SandboxHTTPServer, self.server)

    def do_GET(self) -> None:
        """Serve any method the same way: the router answers 405 where it does not fit."""
        self._responded = False
        try:
            self._serve()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            logger.exception("sandbox: unexpected error serving %s %s", self.command, self.path)
            self.sandbox.app.bump("server_errors")
            if not self._responded:
                details = ["unexpected sandbox error; see its log"]
                self._try_write(error_response(500, "Internal sandbox error.", details))
            self.close_connection = True

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> Any:
        """Route every other method too (`do_BREW`...), so that it gets a JSON 405/404."""
        if name.startswith("do_"):
            return self.do_GET
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer the base class's framing errors (bad request line, 414, 431...) as JSON.

        Always with an HTTP/1.1 status line, even when the request line was unparseable.
        """
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        details = [text for text in (message, explain) if text]
        self._try_write(error_response(code, phrase, details or [phrase]))

    def _serve(self) -> None:
        body, has_length = self._read_body()
        if body is None:
            return
        request = self._request(body, has_length)
        app = self.sandbox.app
        if request.path == control.CONTROL_PREFIX or request.path.startswith("/_sandbox/"):
            self._write(control.handle(app, request))
            return
        fault = app.arrive(request)
        if fault is not None and not fault.processes:
            app.record(request, None, self._sabotage(fault, None), fault)
            return
        response, result = app.handle(request)
        if fault is None:
            app.record(request, result, response.status, None)
            self._write(response)
        else:
            app.record(request, result, self._sabotage(fault, response), fault)

    def _read_body(self) -> tuple[bytes | None, bool]:
        """Read the body per Content-Length; on a framing error answer 400 and close."""
        if self.headers.get("Transfer-Encoding"):
            self._reject("Transfer-Encoding is not supported; send Content-Length")
            return None, True
        values = {value.strip() for value in self.headers.get_all("Content-Length") or []}
        if not values:
            return b"", False
        text = values.pop()
        if values or not _DIGITS.fullmatch(text):
            self._reject("invalid Content-Length header")
            return None, True
        length, limit = int(text), self.sandbox.app.options.max_body
        if length > limit:
            self._reject(f"body of {length} bytes exceeds the sandbox limit of {limit} bytes")
            self._drain(length)
            return None, True
        body = self.rfile.read(length)
        if len(body) < length:  # the client gave up mid-body
            self.close_connection = True
            return None, True
        return body, True

    def _reject(self, detail: str) -> None:
        self._write(error_response(400, GENERIC_400, [detail]), close=True)

    def _drain(self, length: int) -> None:
        """Discard an unread body so that closing does not reset the 400 just written."""
        self.connection.settimeout(2.0)
        remaining = min(length, DRAIN_LIMIT)
        while remaining > 0 and (chunk := self.rfile.read1(min(remaining, 65536))):
            remaining -= len(chunk)

    def _request(self, body: bytes, has_length: bool) -> ApiRequest:
        try:
            path = urlsplit(self.path).path
        except ValueError:
            path = self.path.partition("?")[0]
        raw = tuple((name, value) for name, value in self.headers.items())
        headers = {name.lower(): value for name, value in raw}
        return ApiRequest(self.command, self.path, path, headers, raw, body, has_length)

    def _bytes(self, response: ApiResponse, close: bool) -> bytes:
        data = response.render(formatdate(usegmt=True), close, self.server_version)
        if self.command == "HEAD" and response.body:
            data = data[: -len(response.body)]
        return data

    def _write(self, response: ApiResponse, close: bool = False) -> None:
        close = close or self.close_connection
        self.close_connection = close
        self._responded = True
        self.wfile.write(self._bytes(response, close))

    def _try_write(self, response: ApiResponse) -> None:
        with contextlib.suppress(OSError):
            self._write(response, close=True)

    def _abort(self, reset: bool) -> None:
        """Close without answering; with `reset` the close sends a TCP RST."""
        self._responded = True
        self.close_connection = True
        if reset:
            with contextlib.suppress(OSError):
                linger = struct.pack("ii", 1, 0)  # on, 0 s: close() sends RST
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)

    def _sabotage(self, fault: Fault, response: ApiResponse | None) -> int | None:
        """Apply a fault; returns the status put on the wire, if any."""
        kind, stopping = fault.kind, self.sandbox.stopping
        if kind in ("reset_before", "reset_after"):
            self._abort(reset=True)
            return None
        if kind == "hang":
            stopping.wait(fault.opts["seconds"])
            self._abort(reset=False)
            return None
        if kind in ("status", "html"):
            status = fault.opts["status"]
            special = status_response(fault) if kind == "status" else html_response(status)
            self._write(special)
            return special.status
        assert response is not None  # the remaining kinds process the request first
        if kind == "empty":
            self._write(dataclasses.replace(response, body=b""))
        elif kind == "malformed_json":
            broken = broken_json(response.body)
            self._write(dataclasses.replace(response, body=broken, content_type=JSON_TYPE))
        elif kind == "truncate":
            self._truncate(response)
        elif kind == "trickle":
            self._trickle(response, fault.opts["interval"])
        return response.status

    def _truncate(self, response: ApiResponse) -> None:
        """Announce the full length, send half the body, close.

        An empty body cannot be cut, so then only half of the status line is sent.
        """
        data = self._bytes(response, close=True)
        head = len(data) - len(response.body)
        cut = head + len(response.body) // 2 if response.body else data.index(b"\r\n") // 2
        self._responded = True
        self.close_connection = True
        self.wfile.write(data[:cut])

    def _trickle(self, response: ApiResponse, interval: float) -> None:
        """Send the head, then the body one byte at a time."""
        data = self._bytes(response, close=self.close_connection)
        head = len(data) - len(response.body)
        self._responded = True
        self.wfile.write(data[:head])
        for index in range(head, len(data)):
            if self.sandbox.stopping.wait(interval):
                self.close_connection = True
                return
            self.wfile.write(data[index : index + 1])
