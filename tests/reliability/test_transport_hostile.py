"""Hostile servers on real sockets: interim answers, encoded and huge bodies, trickles, odd headers.

Each server is a plain TCP socket on 127.0.0.1 that writes exactly the bytes a test needs,
and the SDK talks to it through a real client (its transport, retries and error mapping).
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from async_bridge import FLAVOURS, bridged_client

from message_media_messages import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    MessageMediaMessagesClient,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
)

MESSAGE_ID = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a"
SENT = b'{"messages": [{"message_id": "%s", "status": "queued"}]}' % MESSAGE_ID.encode()
CREDITS = b'{"remaining_credits": 42}'
BODY = {"messages": [{"content": "hi", "destination_number": "+61491570156"}]}
MIB = 1024 * 1024

Handler = Callable[[socket.socket, "RawServer"], None]


class RawServer(socketserver.ThreadingTCPServer):
    """A TCP server whose handler writes raw bytes; it records each request's head as read."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, handler: Handler) -> None:
        outer = self
        self.heads: list[bytes] = []

        class _Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(60)  # never outlives a test by long
                with contextlib.suppress(OSError):  # the client gave up or refused
                    handler(self.request, outer)

        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def read_request(self, conn: socket.socket) -> bytes:
        """Read one request (head and Content-Length body); record its head; b"" at EOF."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            body += conn.recv(65536)
        self.heads.append(head)  # before any answer: counted once the client can see it
        return head


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Handler) -> RawServer:
        server = RawServer(handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def answer(status: str, body: bytes, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def ok(head: bytes) -> bytes:
    """The final answer a well-behaved API gives to this request."""
    if head.startswith(b"POST"):
        return answer("202 Accepted", SENT)
    return answer("200 OK", CREDITS)


BUILDERS: dict[str, Callable[..., Any]] = {"sync": MessageMediaMessagesClient,
                                           "async": bridged_client}  # fmt: skip
build = BUILDERS["sync"]  # the client under test: set per test by `flavour`


@pytest.fixture(autouse=True, params=FLAVOURS)
def flavour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs against the sync client and the async one (bridged)."""
    monkeypatch.setitem(globals(), "build", BUILDERS[request.param])
    return str(request.param)


def client(server: RawServer, sleeps: list[float] | None = None, **settings: Any) -> Any:
    record = sleeps.append if sleeps is not None else (lambda seconds: None)
    settings.setdefault("timeout", (5.0, 10.0))
    settings.setdefault("max_retries", 2)
    return build("key", "secret", base_uri=server.url, sleep=record, **settings)


# ----------------------------------------------------------- interim (1xx) answers (item 3)

EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def test_interim_answers_are_read_past_to_the_final_one(serve):
    def hinting(conn: socket.socket, server: RawServer) -> None:
        while head := server.read_request(conn):  # keep-alive: every request, in turn
            conn.sendall(EARLY_HINTS + CONTINUE + EARLY_HINTS + ok(head))

    server = serve(hinting)
    with client(server) as api:
        for _ in range(3):  # on one connection: each call reads its own final answer
            assert api.messages.send_messages(BODY).messages[0].message_id == MESSAGE_ID
            assert api.messages.check_credits_remaining() == {"remaining_credits": 42}
    assert len(server.heads) == 6  # one attempt per call


def test_a_protocol_switch_nobody_asked_for_is_maybe_sent_and_never_resent(serve):
    def switching(conn: socket.socket, server: RawServer) -> None:
        head = server.read_request(conn)
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n" + ok(head))

    server = serve(switching)
    with client(server) as api, pytest.raises(APIConnectionError) as caught:
        api.messages.send_messages(BODY)
    assert caught.value.maybe_sent is True
    assert len(server.heads) == 1  # written once, never sent again


@pytest.mark.parametrize(
    "garbage",
    [b"HTPT/1.1 200 OK\r\n\r\n", b"HTTP/1.1 2xx OK\r\n\r\n", b"\x00\xff" * 40],
    ids=["protocol", "status", "binary"],
)
def test_a_garbled_answer_to_a_written_send_is_maybe_sent(serve, garbage):
    def garbling(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(garbage)

    server = serve(garbling)
    with client(server) as api, pytest.raises(APIConnectionError) as caught:
        api.messages.send_messages(BODY)
    assert caught.value.maybe_sent is True
    assert len(server.heads) == 1


# ----------------------------------------------------------------- Retry-After (item 6)


@pytest.mark.parametrize("value", [b"\xb2", b"\xb9\xb2\xb3", b"1.5", b"-3", b"Tomorrow"])
def test_a_retry_after_that_is_not_ascii_digits_or_a_date_counts_as_absent(serve, value):
    def limiting(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            head = b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + value
            conn.sendall(head + b"\r\nContent-Length: 2\r\n\r\n{}")

    server = serve(limiting)
    sleeps: list[float] = []
    with client(server, sleeps) as api, pytest.raises(RateLimitError) as caught:
        api.messages.send_messages(BODY)
    assert caught.value.retry_after is None
    assert caught.value.maybe_sent is False
    assert len(server.heads) == 3  # retried with the usual backoff, as with no header
    assert len(sleeps) == 2 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


def test_a_batch_answered_429_with_an_odd_retry_after_knows_nothing_was_sent(serve):
    def limiting(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            conn.sendall(b"HTTP/1.1 429 Nope\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n\r\n")

    server = serve(limiting)
    with client(server, []) as api:
        result = api.messages.send_batch([BODY["messages"][0]] * 3)
    assert result.counts.get("unknown", 0) == 0  # provably not sent: safe to send again
    assert result.counts["rejected"] == 3


# --------------------------------------------------- encoded and huge responses (item 10)

JUNK_BOMB_SIZE = 64 * MIB


def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    block = b"\0" * MIB
    return b"".join(packer.compress(block) for _ in range(JUNK_BOMB_SIZE // MIB)) + packer.flush()


def _peak_while(call: Callable[[], object]) -> tuple[int, BaseException | None]:
    """Peak bytes Python allocated during `call`, and what it raised."""
    tracemalloc.start()
    try:
        try:
            call()
        except Exception as exc:
            return tracemalloc.get_traced_memory()[1], exc
        return tracemalloc.get_traced_memory()[1], None
    finally:
        tracemalloc.stop()


def test_a_gzip_bomb_is_never_inflated(serve):
    bomb = _gzip_bomb()
    assert len(bomb) < 200_000  # 64 MiB once inflated

    def bombing(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            conn.sendall(answer("202 Accepted", bomb, "Content-Encoding: gzip"))

    server = serve(bombing)
    with client(server) as api:
        peak, error = _peak_while(lambda: api.messages.send_messages(BODY))
    assert isinstance(error, UnexpectedResponseError), error
    assert error.maybe_sent is True  # a 2xx to a send: the messages may have gone out
    assert "encoded" in str(error) and error.body == ""
    assert peak < 8 * MIB  # neither inflated nor even read
    assert len(server.heads) == 1
    assert b"\r\naccept-encoding: identity" in server.heads[0].lower()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "identity, gzip", "x-custom"])
def test_an_encoding_not_asked_for_is_refused_for_every_call(serve, encoding):
    packed = {"gzip": gzip.compress(CREDITS), "deflate": zlib.compress(CREDITS)}

    def encoded(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            body = packed.get(encoding, CREDITS)
            conn.sendall(answer("200 OK", body, f"Content-Encoding: {encoding}"))

    server = serve(encoded)
    with client(server) as api, pytest.raises(UnexpectedResponseError) as caught:
        api.messages.check_credits_remaining()
    assert caught.value.maybe_sent is False  # a GET changed nothing
    assert caught.value.status_code == 200
    assert len(server.heads) == 1  # the same answer would come again: not retried


def test_an_empty_body_is_read_whatever_its_content_encoding(serve):
    def empty(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            conn.sendall(answer("204 No Content", b"", "Content-Encoding: gzip"))

    server = serve(empty)
    with client(server) as api:
        assert api.messages.cancel_scheduled_message(MESSAGE_ID) == ""  # as the official SDK


def test_a_5xx_with_an_encoded_body_is_still_a_server_error(serve):
    def failing(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            conn.sendall(answer("500 Oops", gzip.compress(b"{}"), "Content-Encoding: gzip"))

    server = serve(failing)
    with client(server) as api, pytest.raises(ServerError) as caught:
        api.messages.send_messages(BODY)
    assert caught.value.maybe_sent is True
    assert "not decoded" in str(caught.value)


def _streaming(size: int, framing: str) -> Handler:
    """Answers with a `size`-byte body, framed by Content-Length, chunks, or closing."""
    block = b"x" * MIB

    def stream(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        header = {
            "length": f"Content-Length: {size}",
            "chunked": "Transfer-Encoding: chunked",
            "close": "Connection: close",
        }[framing]
        conn.sendall(f"HTTP/1.1 200 OK\r\n{header}\r\n\r\n".encode())
        sent = 0
        while sent < size:
            part = block[: min(MIB, size - sent)]
            conn.sendall(b"%x\r\n%s\r\n" % (len(part), part) if framing == "chunked" else part)
            sent += len(part)
        if framing == "chunked":
            conn.sendall(b"0\r\n\r\n")
        conn.close()

    return stream


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_huge_body_is_refused_while_reading_with_memory_bounded(serve, framing):
    server = serve(_streaming(64 * MIB, framing))
    with client(server) as api:  # the default limit: 16 MiB
        peak, error = _peak_while(api.messages.check_credits_remaining)
    assert isinstance(error, UnexpectedResponseError), error
    assert "16777216-byte limit" in str(error)
    assert error.maybe_sent is False
    assert peak < 24 * MIB  # the limit and a few chunks, never the 64 MiB


def test_a_content_length_over_the_limit_is_refused_before_reading(serve):
    def announcing(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        conn.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 10000000000\r\n\r\n{")
        conn.recv(1)  # sends nothing more: waits for the client to hang up

    server = serve(announcing)
    with client(server) as api, pytest.raises(UnexpectedResponseError) as caught:
        api.messages.send_messages(BODY)  # no timeout: it does not wait for the body
    assert caught.value.maybe_sent is True
    assert "limit" in str(caught.value)


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_the_limit_is_a_setting_and_a_body_at_the_limit_is_read(serve, framing):
    body = b'{"remaining_credits": 7, "pad": "' + b"p" * 965 + b'"}'
    assert len(body) == 1000

    def sized(conn: socket.socket, server: RawServer) -> None:
        while server.read_request(conn):
            if framing == "length":
                conn.sendall(answer("200 OK", body))
            elif framing == "chunked":
                chunks = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
                conn.sendall(answer("200 OK", chunks, "Transfer-Encoding: chunked"))
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body)
                conn.close()
                return

    server = serve(sized)
    with client(server, max_response_bytes=1000) as api:
        assert api.messages.check_credits_remaining()["remaining_credits"] == 7
    with (
        client(server, max_response_bytes=999) as api,
        pytest.raises(UnexpectedResponseError, match="999-byte limit"),
    ):
        api.messages.check_credits_remaining()


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "16"])
def test_a_limit_that_is_not_a_whole_positive_number_is_refused(limit):
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        MessageMediaMessagesClient("key", "secret", max_response_bytes=limit)


# -------------------------------------------------------------------- read deadline (item 11)


def test_the_read_budget_starts_when_the_request_is_written(serve):
    def trickling(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
            conn.sendall(bytes([byte]))
            time.sleep(0.25)  # each byte well inside the read timeout

    server = serve(trickling)
    # Connecting to 127.0.0.1 is instant: the attempt may last about `read`, not connect + read.
    with client(server, timeout=(8.0, 1.0), max_retries=0) as api:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            api.messages.send_messages(BODY)
        elapsed = time.monotonic() - started
    assert caught.value.maybe_sent is True
    assert 1.0 <= elapsed < 1.0 + 3.0  # generous slack; connect + read would be 9 s
