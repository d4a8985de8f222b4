"""Tests of the sandbox's pure-Python RSA signer and its webhook dispatcher."""

from __future__ import annotations

import base64
import email.utils
import http.client
import http.server
import json
import logging
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa as crypto_rsa

from message_media_messages.sandbox import _webhooks as webhooks
from message_media_messages.sandbox._rsa import (
    PrivateKey,
    generate_private_key,
    load_pem_private_key,
    private_key_to_pem,
    public_key_b64,
    sign,
)
from message_media_messages.sandbox._webhooks import WebhookDispatcher

DIGESTS = ("SHA224", "SHA256", "SHA512")
HASHES: dict[str, hashes.HashAlgorithm] = {
    "SHA224": hashes.SHA224(),
    "SHA256": hashes.SHA256(),
    "SHA512": hashes.SHA512(),
}

# API.md section 4.3 test vector.
VECTOR_PUBLIC_KEY = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1/oF7i1mFc1KQ8jFUcrEQtlWSg22iy8f2cEAsZwhRPZKj7m8rYt6pYUtt"
    "LK6kI5lJIp46wXGoiqoxwzvEz8uH/bpLZALvWeBcfR9EEq2qp2VXx4nTXDjJedGxGaE+laVNYMtS5UdGLwXwY2g1aTVZDW8f"
    "RPRoKPlJdwo0odp7AQIDAQAB"
)
VECTOR_REQUEST_LINE = "POST /webhooks/mm HTTP/1.1"
VECTOR_DATE = "Wed, 18 Jul 2018 06:33:52 GMT"
VECTOR_BODY = b'{"reply_id":"a175e797-2b54-468b-9850-41a3eab32f74","content":"Hi"}'
VECTOR_SIGNATURE = (
    "aZekJd8wb4nrNY6I/r2UcBH/+YkMNjroxHOPBiQ9leCaZSyznew08W0xR8wteTjxfYWEWjxbpiqTSmf4oN6uvS9tRtz4EZ0q"
    "goAbt4IatYPuSiIsZS2E6F8zuJLba1krXKz5y+zGnMxf/8rvOzr1isrn4dcCIrA24DonfykE5DY="
)


def verifies(public_b64: str, signature: bytes, data: bytes, digest: str) -> bool:
    """Check an RSA-PKCS1v15 signature with `cryptography`, as a webhook receiver would."""
    public_key = serialization.load_der_public_key(base64.b64decode(public_b64))
    assert isinstance(public_key, crypto_rsa.RSAPublicKey)
    try:
        public_key.verify(signature, data, padding.PKCS1v15(), HASHES[digest])
    except InvalidSignature:
        return False
    return True


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return generate_private_key(1024)


# ------------------------------------------------------------------ RSA


def test_api_vector_signed_data_has_no_separators() -> None:
    signature = base64.b64decode(VECTOR_SIGNATURE)
    joined = (VECTOR_REQUEST_LINE + VECTOR_DATE).encode() + VECTOR_BODY
    newline_joined = f"{VECTOR_REQUEST_LINE}\n{VECTOR_DATE}\n".encode() + VECTOR_BODY
    assert verifies(VECTOR_PUBLIC_KEY, signature, joined, "SHA224")
    assert not verifies(VECTOR_PUBLIC_KEY, signature, newline_joined, "SHA224")
    assert not verifies(VECTOR_PUBLIC_KEY, signature, joined, "SHA256")


@pytest.mark.parametrize("digest", DIGESTS)
def test_sign_verifies_with_cryptography(key: PrivateKey, digest: str) -> None:
    data = (VECTOR_REQUEST_LINE + VECTOR_DATE).encode() + VECTOR_BODY
    signature = sign(key, data, digest)
    assert len(signature) == 128
    assert verifies(public_key_b64(key), signature, data, digest)
    assert not verifies(public_key_b64(key), signature, data + b" ", digest)


def test_crt_and_plain_signatures_are_identical(key: PrivateKey) -> None:
    plain = PrivateKey(n=key.n, e=key.e, d=key.d)
    assert sign(plain, b"data", "SHA256") == sign(key, b"data", "SHA256")


def test_generated_keys_have_exact_size_and_expected_spki_prefix(key: PrivateKey) -> None:
    big = generate_private_key()  # the default size
    assert big.n.bit_length() == 2048 and big.e == 65537
    assert key.n.bit_length() == 1024 and key.p is not None and key.q is not None
    assert public_key_b64(big).startswith("MIIB") and public_key_b64(key).startswith("MIGf")
    public = serialization.load_der_public_key(base64.b64decode(public_key_b64(big)))
    assert isinstance(public, crypto_rsa.RSAPublicKey)
    assert public.public_numbers().n == big.n and public.public_numbers().e == big.e


def test_injected_rng_makes_generation_reproducible() -> None:
    first = generate_private_key(768, random.Random(7))
    assert first == generate_private_key(768, random.Random(7))
    assert first != generate_private_key(768, random.Random(8))


@pytest.mark.parametrize(
    "pem_format",
    [serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8],
)
def test_load_cryptography_pem_and_match_its_signatures(
    pem_format: serialization.PrivateFormat,
) -> None:
    theirs = crypto_rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = theirs.private_bytes(serialization.Encoding.PEM, pem_format, serialization.NoEncryption())
    ours = load_pem_private_key(pem)
    numbers = theirs.private_numbers()
    assert (ours.n, ours.e, ours.d) == (numbers.public_numbers.n, 65537, numbers.d)
    assert {ours.p, ours.q} == {numbers.p, numbers.q}
    assert load_pem_private_key(pem.decode()) == ours
    for digest in DIGESTS:
        expected = theirs.sign(b"payload", padding.PKCS1v15(), HASHES[digest])
        assert sign(ours, b"payload", digest) == expected


@pytest.mark.parametrize("with_primes", [True, False])
def test_our_pem_loads_in_cryptography(key: PrivateKey, with_primes: bool) -> None:
    source = key if with_primes else PrivateKey(n=key.n, e=key.e, d=key.d)
    pem = private_key_to_pem(source)
    assert pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    theirs = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(theirs, crypto_rsa.RSAPrivateKey)
    numbers = theirs.private_numbers()
    assert (numbers.public_numbers.n, numbers.d) == (key.n, key.d)
    assert {numbers.p, numbers.q} == {key.p, key.q}
    for digest in DIGESTS:
        expected = theirs.sign(b"payload", padding.PKCS1v15(), HASHES[digest])
        assert sign(source, b"payload", digest) == expected
    assert load_pem_private_key(pem) == key


def test_rsa_rejects_bad_input(key: PrivateKey) -> None:
    with pytest.raises(ValueError, match="digest"):
        sign(key, b"x", "MD5")
    with pytest.raises(ValueError, match="too short"):
        sign(generate_private_key(512), b"x", "SHA512")
    with pytest.raises(ValueError):
        generate_private_key(256)
    with pytest.raises(ValueError):
        PrivateKey(n=key.n, e=key.e, d=key.d, p=key.p, q=7)
    theirs = crypto_rsa.generate_private_key(public_exponent=65537, key_size=1024)
    for pem_format, message in [
        (serialization.PrivateFormat.TraditionalOpenSSL, "encrypted"),
        (serialization.PrivateFormat.PKCS8, "ENCRYPTED PRIVATE KEY"),
    ]:
        encryption = serialization.BestAvailableEncryption(b"secret")
        pem = theirs.private_bytes(serialization.Encoding.PEM, pem_format, encryption)
        with pytest.raises(ValueError, match=message):
            load_pem_private_key(pem)
    with pytest.raises(ValueError, match="no PEM"):
        load_pem_private_key("no pem here")
    with pytest.raises(ValueError, match="DER"):
        load_pem_private_key("-----BEGIN PRIVATE KEY-----\nMAM=\n-----END PRIVATE KEY-----")
    public_pem = f"-----BEGIN PUBLIC KEY-----\n{public_key_b64(key)}\n-----END PUBLIC KEY-----"
    with pytest.raises(ValueError, match="PUBLIC KEY"):
        load_pem_private_key(public_pem)


# ------------------------------------------------------------------ dispatcher


@dataclass
class Received:
    request_line: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 answering with scripted statuses (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.gate.wait(5)
                receiver.requests.append(
                    Received(self.requestline, dict(self.headers), body, time.monotonic())
                )
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recv = Receiver()
    recv.gate.set()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), recv.handler())
    recv.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield recv
    recv.gate.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_dispatcher() -> Iterator[Callable[..., WebhookDispatcher]]:
    made: list[WebhookDispatcher] = []

    def make(**kwargs: Any) -> WebhookDispatcher:
        kwargs.setdefault("backoff", 0.01)
        kwargs.setdefault("timeout", 2.0)
        made.append(WebhookDispatcher(**kwargs))
        return made[-1]

    yield make
    for dispatcher in made:
        dispatcher.close(timeout=5)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Make every http.client connection fail before touching the network; log attempts."""
    attempts: list[tuple[str, int]] = []

    def refuse(self: http.client.HTTPConnection) -> None:
        attempts.append((self.host, self.port))
        raise ConnectionRefusedError("blocked by the test")

    monkeypatch.setattr(http.client.HTTPConnection, "connect", refuse)
    return attempts


@pytest.mark.parametrize("digest", DIGESTS)
def test_signed_webhook_headers_and_signature(
    key: PrivateKey,
    receiver: Receiver,
    make_dispatcher: Callable[..., WebhookDispatcher],
    digest: str,
) -> None:
    dispatcher = make_dispatcher(signing_key=key, digest=digest, key_id="kid-1")
    payload = {"reply_id": "r-1", "content": "Héllo ✓", "metadata": {"k": "v"}}
    dispatcher.post(receiver.url + "/hooks/reply?tenant=a%20b", payload)
    assert dispatcher.wait_idle(5)

    [request] = receiver.requests
    assert request.request_line == "POST /hooks/reply?tenant=a%20b HTTP/1.1"
    assert request.body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"]
    assert headers["X-Messagemedia-Cipher-Type"] == "RSA"
    assert headers["X-Messagemedia-Digest-Type"] == digest
    assert headers["X-Messagemedia-Key-Id"] == "kid-1"
    date = headers["Date"]
    assert date.endswith(" GMT")
    sent_at = email.utils.parsedate_to_datetime(date)
    assert abs((datetime.now(timezone.utc) - sent_at).total_seconds()) < 60
    signed_data = (request.request_line + date).encode() + request.body
    signature = base64.b64decode(headers["X-Messagemedia-Signature"], validate=True)
    assert dispatcher.public_key_b64 == public_key_b64(key)
    assert verifies(dispatcher.public_key_b64, signature, signed_data, digest)

    [record] = dispatcher.deliveries
    assert (record.outcome, record.attempts, record.status) == ("delivered", 1, 200)
    assert record.signed is True
    assert record.payload == payload and record.error is None


def test_unsigned_webhook_has_no_signature_headers(
    receiver: Receiver, make_dispatcher: Callable[..., WebhookDispatcher]
) -> None:
    dispatcher = make_dispatcher()
    assert dispatcher.public_key_b64 is None
    assert uuid.UUID(dispatcher.key_id).version == 4
    dispatcher.post(receiver.url, {"a": 1})
    assert dispatcher.wait_idle(5)
    [request] = receiver.requests
    assert request.request_line == "POST / HTTP/1.1"
    assert not [name for name in request.headers if name.lower().startswith("x-messagemedia")]
    assert "Date" in request.headers
    assert dispatcher.deliveries[0].signed is False


def test_retries_on_5xx_then_succeeds_with_fresh_signatures(
    key: PrivateKey, receiver: Receiver, make_dispatcher: Callable[..., WebhookDispatcher]
) -> None:
    receiver.statuses = [500, 503]
    dispatcher = make_dispatcher(signing_key=key, backoff=0.05)
    dispatcher.post(receiver.url + "/dr", {"status": "delivered"})
    assert dispatcher.wait_idle(5)
    assert len(receiver.requests) == 3
    [record] = dispatcher.deliveries
    assert (record.outcome, record.attempts, record.status) == ("delivered", 3, 200)
    first, second, third = (r.at for r in receiver.requests)
    assert second - first >= 0.05 and third - second >= 0.1  # backoff * 2**n
    for request in receiver.requests:
        data = (request.request_line + request.headers["Date"]).encode() + request.body
        signature = base64.b64decode(request.headers["X-Messagemedia-Signature"])
        assert verifies(public_key_b64(key), signature, data, "SHA256")


def test_gives_up_after_max_attempts(
    receiver: Receiver, make_dispatcher: Callable[..., WebhookDispatcher]
) -> None:
    receiver.statuses = [500] * 10
    dispatcher = make_dispatcher(max_attempts=3)
    dispatcher.post(receiver.url, {"n": 1})
    assert dispatcher.wait_idle(5)
    assert len(receiver.requests) == 3
    [record] = dispatcher.deliveries
    assert (record.outcome, record.attempts, record.status) == ("failed", 3, 500)
    assert record.error == "HTTP 500"


def test_connection_errors_are_retried_then_recorded(
    make_dispatcher: Callable[..., WebhookDispatcher],
) -> None:
    with socket.socket() as sock:  # a port that was just free: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dispatcher = make_dispatcher(max_attempts=2)
    dispatcher.post(f"http://127.0.0.1:{port}/x", {"n": 1})
    assert dispatcher.wait_idle(5)
    [record] = dispatcher.deliveries
    assert (record.outcome, record.attempts, record.status) == ("failed", 2, None)
    assert record.error is not None and "Connection" in record.error


@pytest.mark.parametrize(
    "url",
    [
        "http://192.0.2.1/x",
        "https://example.com/hook",
        "http://10.0.0.1:8080/",
        "http://[2001:db8::1]/",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "http://127.0.0.1:notaport/",
        "/relative/only",
    ],
)
def test_disallowed_urls_are_refused_without_network(
    url: str,
    make_dispatcher: Callable[..., WebhookDispatcher],
    no_network: list[tuple[str, int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = make_dispatcher()
    with caplog.at_level(logging.WARNING, logger="message_media_messages.sandbox"):
        dispatcher.post(url, {"n": 1})
    [record] = dispatcher.deliveries  # recorded synchronously, before any worker activity
    assert (record.outcome, record.attempts, record.url) == ("refused", 0, url)
    assert dispatcher.wait_idle(1)
    assert no_network == []
    assert any(
        r.levelno == logging.WARNING
        and r.name == "message_media_messages.sandbox"
        and url in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://localhost:9/x", "localhost"),
        ("http://127.4.5.6:9/x", "127.4.5.6"),
        ("http://[::1]:9/x", "::1"),
    ],
)
def test_loopback_forms_are_allowed(
    url: str,
    host: str,
    make_dispatcher: Callable[..., WebhookDispatcher],
    no_network: list[tuple[str, int]],
) -> None:
    dispatcher = make_dispatcher(max_attempts=1)
    dispatcher.post(url, {"n": 1})
    assert dispatcher.wait_idle(5)
    assert no_network == [(host, 9)]
    assert dispatcher.deliveries[0].outcome == "failed"


def test_allow_non_loopback_contacts_other_hosts(
    make_dispatcher: Callable[..., WebhookDispatcher], no_network: list[tuple[str, int]]
) -> None:
    dispatcher = make_dispatcher(allow_non_loopback=True, max_attempts=2)
    dispatcher.post("http://192.0.2.1/x", {"n": 1})
    assert dispatcher.wait_idle(5)
    assert no_network == [("192.0.2.1", 80)] * 2
    assert dispatcher.deliveries[0].attempts == 2


def test_delivers_in_order_and_post_does_not_block(
    receiver: Receiver, make_dispatcher: Callable[..., WebhookDispatcher]
) -> None:
    dispatcher = make_dispatcher()
    receiver.gate.clear()  # the receiver holds every request until released
    started = time.monotonic()
    for n in range(5):
        dispatcher.post(receiver.url, {"n": n})
    assert time.monotonic() - started < 0.5
    assert not dispatcher.wait_idle(0.1)
    receiver.gate.set()
    assert dispatcher.wait_idle(5)
    assert [json.loads(r.body)["n"] for r in receiver.requests] == [0, 1, 2, 3, 4]
    assert [r.payload["n"] for r in dispatcher.deliveries] == [0, 1, 2, 3, 4]


def test_worker_survives_unexpected_errors(
    key: PrivateKey,
    receiver: Receiver,
    make_dispatcher: Callable[..., WebhookDispatcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher = make_dispatcher(signing_key=key)
    calls: list[int] = []

    def flaky_sign(*args: Any) -> bytes:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return sign(*args)

    monkeypatch.setattr(webhooks, "sign", flaky_sign)
    dispatcher.post(receiver.url, {"n": 1})
    dispatcher.post(receiver.url, {"n": 2})
    assert dispatcher.wait_idle(5)
    first, second = dispatcher.deliveries
    assert first.outcome == "failed" and first.error is not None and "boom" in first.error
    assert second.outcome == "delivered"
    assert len(receiver.requests) == 1


def test_close_interrupts_backoff_and_refuses_later_posts(
    receiver: Receiver, make_dispatcher: Callable[..., WebhookDispatcher]
) -> None:
    receiver.statuses = [500] * 10
    dispatcher = make_dispatcher(backoff=30.0)
    dispatcher.post(receiver.url, {"n": 1})
    deadline = time.monotonic() + 5
    while not receiver.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    dispatcher.close(timeout=5)
    assert time.monotonic() - started < 2
    assert dispatcher.wait_idle(1)
    dispatcher.post(receiver.url, {"n": 2})
    first, second = dispatcher.deliveries
    assert (first.outcome, first.attempts, first.status) == ("failed", 1, 500)
    assert second.outcome == "refused" and second.error == "dispatcher is closed"
    assert len(receiver.requests) == 1


def test_dispatcher_rejects_bad_configuration_and_payloads(
    make_dispatcher: Callable[..., WebhookDispatcher],
) -> None:
    with pytest.raises(ValueError):
        WebhookDispatcher(digest="MD5")
    with pytest.raises(ValueError):
        WebhookDispatcher(max_attempts=0)
    with pytest.raises(ValueError, match="too short"):
        WebhookDispatcher(signing_key=generate_private_key(512), digest="SHA512")
    with pytest.raises(TypeError):
        make_dispatcher().post("http://127.0.0.1:9/", {"when": object()})
