"""The transport over real sockets on 127.0.0.1: response deadlines, proxies, error mapping."""

import contextlib
import pickle
import socket
import socketserver
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from message_media_messages.exceptions import APIConnectionError, APITimeoutError
from message_media_messages.http import retry
from message_media_messages.http.http_request import HttpRequest
from message_media_messages.http.transport import Transport

BODY = b'{"ok":true}'


class RawServer(socketserver.ThreadingTCPServer):
    """A TCP server whose handler is a plain function of the connected socket."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, serve: Callable[[socket.socket], None]) -> None:
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):  # the client gave up (deadline tests)
                    serve(self.request)
                outer.handled += 1

        self.handled = 0
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Callable[[socket.socket], None]) -> RawServer:
        server = RawServer(handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def trickle(conn: socket.socket, payload: bytes, interval: float) -> None:
    for byte in payload:
        conn.sendall(bytes([byte]))
        time.sleep(interval)


def answer(conn: socket.socket) -> None:
    """Answer every request on the connection (HTTP/1.1 keep-alive) until the client closes."""
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
    while read_request(conn):
        conn.sendall(head + BODY)


def get(transport: Transport, path: str = "/v1/x") -> bytes:
    return transport.send(HttpRequest("GET", path, {"Accept": "application/json"})).content


def test_a_plain_answer(serve):
    server = serve(answer)
    transport = Transport(server.url, timeout=(1.0, 1.0))
    assert get(transport) == BODY
    assert get(transport) == BODY  # again, on the pooled connection
    assert server.handled == 0  # one connection, still open: it was reused
    transport.close()


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_trickled_response_cannot_outlive_connect_plus_read(serve, part):
    def slow(conn: socket.socket) -> None:
        read_request(conn)
        head = b"HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n"
        if part == "head":
            trickle(conn, head, 0.05)  # each byte well inside the read timeout
        else:
            conn.sendall(head)
            trickle(conn, b"x" * 400, 0.05)

    server = serve(slow)
    transport = Transport(server.url, timeout=(0.2, 0.5))
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        get(transport)
    elapsed = time.monotonic() - started
    assert elapsed < 0.2 + 0.5 + 1.0  # the deadline plus slack; the trickle needs > 20 s
    assert caught.value.failure == retry.READ_TIMEOUT
    assert caught.value.maybe_sent is True
    assert isinstance(caught.value, requests.exceptions.ReadTimeout)


def test_a_slow_but_steady_answer_within_the_deadline_succeeds(serve):
    def steady(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(BODY)}\r\n\r\n".encode())
        trickle(conn, BODY, 0.01)

    server = serve(steady)
    assert get(Transport(server.url, timeout=(1.0, 1.0))) == BODY


def test_a_refused_connection_never_left(serve):
    server = serve(answer)
    url = server.url
    server.shutdown()
    server.server_close()
    with pytest.raises(APIConnectionError) as caught:
        get(Transport(url, timeout=(0.5, 0.5)))
    assert caught.value.failure == retry.CONNECT
    assert caught.value.maybe_sent is False
    assert isinstance(caught.value, requests.exceptions.ConnectionError)


def test_a_transport_error_is_shown_under_its_public_class(serve):
    server = serve(answer)
    url = server.url
    server.shutdown()
    server.server_close()
    with pytest.raises(APIConnectionError) as caught:
        get(Transport(url, timeout=(0.5, 0.5)))
    err = caught.value
    shown = traceback.format_exception_only(type(err), err)[-1]
    assert shown.startswith("message_media_messages.exceptions.APIConnectionError: ")
    assert (type(err).__module__, type(err).__qualname__) == (
        "message_media_messages.exceptions",
        "APIConnectionError",
    )
    assert repr(err).startswith("APIConnectionError(")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err) and str(back) == str(err)


def test_the_timeout_is_a_per_call_argument(serve):
    def slow(conn: socket.socket) -> None:
        read_request(conn)
        time.sleep(0.6)
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(BODY)}\r\n\r\n".encode() + BODY)

    server = serve(slow)
    transport = Transport(server.url, timeout=(1.0, 5.0))
    request = HttpRequest("GET", "/v1/x", {"Accept": "application/json"})
    with pytest.raises(APITimeoutError):
        transport.send(request, timeout=(1.0, 0.2))
    transport.close()


def test_a_connection_closed_before_the_answer_may_have_been_processed(serve):
    def hang_up(conn: socket.socket) -> None:
        read_request(conn)
        conn.shutdown(socket.SHUT_RDWR)

    server = serve(hang_up)
    with pytest.raises(APIConnectionError) as caught:
        get(Transport(server.url, timeout=(0.5, 0.5)))
    assert caught.value.failure == retry.RESET
    assert caught.value.maybe_sent is True


class ForwardProxy(BaseHTTPRequestHandler):
    """A minimal forwarding HTTP proxy that records the absolute URLs it was asked for."""

    seen: list[str] = []

    def do_GET(self) -> None:
        ForwardProxy.seen.append(self.path)
        upstream = requests.get(self.path, timeout=2, proxies={"http": "", "https": ""})
        self.send_response(upstream.status_code)
        self.send_header("Content-Length", str(len(upstream.content)))
        self.end_headers()
        self.wfile.write(upstream.content)

    def log_message(self, *args: object) -> None:
        pass


def test_the_environment_proxy_is_used_and_read_once(serve, monkeypatch):
    target = serve(answer)
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), ForwardProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    ForwardProxy.seen = []
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        transport = Transport(target.url, timeout=(1.0, 1.0))
        monkeypatch.delenv("HTTP_PROXY")  # read at construction, not per call
        assert get(transport, "/v1/messages/abc") == BODY
        assert ForwardProxy.seen == [f"{target.url}/v1/messages/abc"]
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_no_proxy_bypasses_the_environment_proxy(serve, monkeypatch):
    target = serve(answer)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert get(Transport(target.url, timeout=(1.0, 1.0))) == BODY


def test_a_server_that_closes_after_each_answer_is_read_whole(serve):
    # http.client closes such a connection as soon as it has the head; the body must
    # still be readable (the socket's file references keep it open until read).
    big = b"y" * 200_000

    def close_after(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {len(big)}\r\n\r\n".encode()
            + big
        )

    server = serve(close_after)
    transport = Transport(server.url, timeout=(1.0, 1.0))
    for _ in range(20):
        assert get(transport) == big  # each on a new connection, read to the last byte


def _reader_over_socketpair(seconds_left: float) -> tuple[socket.socket, socket.socket, object]:
    from message_media_messages.http._deadline import DeadlineSocket

    ours, theirs = socket.socketpair()
    ours.settimeout(30.0)
    theirs.sendall(BODY)
    return ours, theirs, DeadlineSocket(ours, time.monotonic() + seconds_left).makefile("rb")


def test_a_read_well_within_the_deadline_leaves_the_socket_timeout_alone():
    # The socket's own timeout already ends before the deadline (by less than the slack):
    # no settimeout system call is made for it.
    ours, theirs, reader = _reader_over_socketpair(30.0)
    with ours, theirs:
        assert reader.read1(1024) == BODY
        assert ours.gettimeout() == 30.0


def test_a_read_near_the_deadline_shortens_the_wait():
    ours, theirs, reader = _reader_over_socketpair(0.5)
    with ours, theirs:
        assert reader.read1(1024) == BODY
        timeout = ours.gettimeout()
        assert timeout is not None and 0 < timeout <= 0.5
