"""Tests of the sandbox's webhook signing (with `cryptography`) and its webhook dispatcher."""

from __future__ import annotations

import base64
import email.utils
import http.client
import http.server
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa as crypto_rsa

from message_media_messages.sandbox import SandboxServer
from message_media_messages.sandbox._signing import WebhookSigner, load_signing_key
from message_media_messages.sandbox._webhooks import WebhookDispatcher

ROOT = Path(__file__).resolve().parents[2]
DIGESTS = ("SHA224", "SHA256", "SHA512")
HASHES: dict[str, hashes.HashAlgorithm] = {
    "SHA224": hashes.SHA224(),
    "SHA256": hashes.SHA256(),
    "SHA512": hashes.SHA512(),
}
INSTALL_HINT = 'pip install "message-media-messages[webhooks]"'

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
# A throw-away 512-bit key (cryptography loads it but will not generate one): too short
# for SHA512 signatures, which need 752 bits.
KEY_512_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEAwQs9k6ZvHfu+ny+w\n"
    "jnVoX0wL5IifBwzWb+aMJWO398eBghM2s1mZTomn0X8vQt+XnyESMcu/ftCJVXCH\n"
    "wP+Z+QIDAQABAkBbyXVw0+z3i7B6Thmb0tVaonTxJ8i9eGwpbqxqRry9Ucm1Dl1m\n"
    "7grVcIlRsseGP8JxIVChJ8LONaaa7Cc3jZZFAiEA9IARNCysv/YMGjWuzQ+lnMAR\n"
    "v+qgXaxE5EU24tVQn1sCIQDKH5t6WnsdbDZrAv2ImUBM1lZL0zbRemguMKlbJhag\n"
    "OwIgMw0ain5Zg6toU4CqAv8lYVlpW10uJuD1cYRSNYK81skCIQChXSSCRPQfJEI5\n"
    "orSINlkYPtG8TU5pZIEBx0WdiEXt+wIgdIyR2OVIjXVxUwiAV2/zVKI5zcc0M1wf\n"
    "PY4ZAdoYefg=\n"
    "-----END PRIVATE KEY-----\n"
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


def spki_b64(key: crypto_rsa.RSAPrivateKey) -> str:
    """The public half of `key` as base64 DER SubjectPublicKeyInfo (MessageMedia's form)."""
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def pem_of(key: Any, pem_format: serialization.PrivateFormat, password: bytes = b"") -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, pem_format, encryption)


@pytest.fixture(scope="module")
def key(rsa_key: crypto_rsa.RSAPrivateKey) -> crypto_rsa.RSAPrivateKey:
    return rsa_key


# ------------------------------------------------------------------ signing


def test_api_vector_signed_data_has_no_separators() -> None:
    signature = base64.b64decode(VECTOR_SIGNATURE)
    joined = (VECTOR_REQUEST_LINE + VECTOR_DATE).encode() + VECTOR_BODY
    newline_joined = f"{VECTOR_REQUEST_LINE}\n{VECTOR_DATE}\n".encode() + VECTOR_BODY
    assert verifies(VECTOR_PUBLIC_KEY, signature, joined, "SHA224")
    assert not verifies(VECTOR_PUBLIC_KEY, signature, newline_joined, "SHA224")
    assert not verifies(VECTOR_PUBLIC_KEY, signature, joined, "SHA256")


@pytest.mark.parametrize("digest", DIGESTS)
def test_signatures_are_pkcs1v15_with_the_digest(
    key: crypto_rsa.RSAPrivateKey, digest: str
) -> None:
    data = (VECTOR_REQUEST_LINE + VECTOR_DATE).encode() + VECTOR_BODY
    signer = WebhookSigner(key, digest)
    signature = signer.sign(data)
    assert len(signature) == 128
    assert signature == key.sign(data, padding.PKCS1v15(), HASHES[digest])  # deterministic
    assert verifies(signer.public_key_b64, signature, data, digest)
    assert not verifies(signer.public_key_b64, signature, data + b" ", digest)


def test_the_public_key_is_base64_spki(key: crypto_rsa.RSAPrivateKey) -> None:
    public_b64 = WebhookSigner(key, "SHA256").public_key_b64
    assert public_b64 == spki_b64(key) and public_b64.startswith("MIGf")  # 1024 bits
    public = serialization.load_der_public_key(base64.b64decode(public_b64))
    assert isinstance(public, crypto_rsa.RSAPublicKey)
    assert public.public_numbers() == key.public_key().public_numbers()


@pytest.mark.parametrize(
    "pem_format",
    [serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8],
    ids=["pkcs1", "pkcs8"],
)
@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "str"])
def test_pem_keys_load_and_sign_alike(
    key: crypto_rsa.RSAPrivateKey, pem_format: serialization.PrivateFormat, as_text: bool
) -> None:
    pem = pem_of(key, pem_format)
    loaded = load_signing_key(pem.decode() if as_text else pem)
    assert loaded.private_numbers() == key.private_numbers()
    for digest in DIGESTS:
        assert WebhookSigner(pem, digest).sign(b"payload") == WebhookSigner(key, digest).sign(
            b"payload"
        )
    assert load_signing_key(key) is key


def test_unusable_pem_keys_are_value_errors(key: crypto_rsa.RSAPrivateKey) -> None:
    public_pem = f"-----BEGIN PUBLIC KEY-----\n{spki_b64(key)}\n-----END PUBLIC KEY-----"
    ec_pem = pem_of(ec.generate_private_key(ec.SECP256R1()), serialization.PrivateFormat.PKCS8)
    for bad in [
        pem_of(key, serialization.PrivateFormat.TraditionalOpenSSL, b"secret"),
        pem_of(key, serialization.PrivateFormat.PKCS8, b"secret"),
        "no pem here",
        b"-----BEGIN PRIVATE KEY-----\nMAM=\n-----END PRIVATE KEY-----",
        public_pem,
        ec_pem,
        "",
    ]:
        with pytest.raises(ValueError, match="webhook signing key"):
            load_signing_key(bad)
    with pytest.raises(ValueError, match="not an RSA key"):
        load_signing_key(ec_pem)


@pytest.mark.parametrize(
    "make_bad",
    [
        lambda key: 123,
        lambda key: bytearray(b"-----BEGIN PRIVATE KEY-----"),
        lambda key: {"n": 1},
        lambda key: key.public_key(),
        lambda key: ec.generate_private_key(ec.SECP256R1()),
    ],
    ids=["int", "bytearray", "dict", "public key", "EC key"],
)
def test_a_key_of_another_type_is_a_type_error_upfront(
    key: crypto_rsa.RSAPrivateKey, make_bad: Callable[[crypto_rsa.RSAPrivateKey], Any]
) -> None:
    bad = make_bad(key)
    with pytest.raises(TypeError, match="RSAPrivateKey or PEM"):
        load_signing_key(bad)
    with pytest.raises(TypeError, match="RSAPrivateKey or PEM"):
        WebhookDispatcher(signing_key=bad)
    with pytest.raises(TypeError, match="RSAPrivateKey or PEM"):
        SandboxServer(webhook_signing_key=bad)  # fails at construction, before start()


def test_the_server_takes_each_key_form(key: crypto_rsa.RSAPrivateKey, rsa_key_pem: bytes) -> None:
    for form in (key, rsa_key_pem, rsa_key_pem.decode()):
        server = SandboxServer(webhook_signing_key=form)
        assert isinstance(server.webhook_signing_key, crypto_rsa.RSAPrivateKey)
        assert server.webhook_signing_key.private_numbers() == key.private_numbers()
    with pytest.raises(ValueError, match="webhook signing key"):
        SandboxServer(webhook_signing_key="-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----")


def test_a_key_too_short_for_the_digest_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="512-bit key is too short for SHA512"):
        WebhookSigner(KEY_512_PEM, "SHA512")
    assert len(WebhookSigner(KEY_512_PEM, "SHA256").sign(b"x")) == 64
    with pytest.raises(ValueError, match="digest"):
        WebhookSigner(KEY_512_PEM, "MD5")


NO_CRYPTOGRAPHY = r"""
import json, sys, threading, urllib.request
from base64 import b64encode
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.modules["cryptography"] = None  # any import of it, or of a submodule, raises ImportError
from message_media_messages.sandbox import SandboxServer, main
from message_media_messages.sandbox._webhooks import WebhookDispatcher

received = []

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.append((dict(self.headers), json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

hook = HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()
with SandboxServer() as sandbox:
    body = {"messages": [{
        "content": "Hi", "destination_number": "+61491570156", "delivery_report": True,
        "callback_url": f"http://127.0.0.1:{hook.server_port}/hook",
    }]}
    credentials = b64encode(f"{sandbox.api_key}:{sandbox.api_secret}".encode()).decode()
    request = urllib.request.Request(
        sandbox.url + "/v1/messages", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Basic " + credentials},
    )
    assert urllib.request.urlopen(request, timeout=10).status == 202
    sandbox.advance(to_final=True)
    assert sandbox.webhooks.wait_idle(10)
    outcomes = [(d.outcome, d.signed) for d in sandbox.webhooks.deliveries]
    assert outcomes == [("delivered", False)] * 3, outcomes
assert [payload["status"] for _, payload in received] == ["enroute", "submitted", "delivered"]
assert not any(name.lower().startswith("x-messagemedia") for name in received[0][0])
hook.shutdown()

for make in (
    lambda: SandboxServer(webhook_signing_key=sys.argv[1]),
    lambda: WebhookDispatcher(signing_key=sys.argv[1].encode()),
):
    try:
        make()
    except ImportError as exc:
        print("ImportError:", exc)
try:
    SandboxServer(webhook_signing_key=object())
except TypeError as exc:
    print("TypeError:", exc)
print("exit", main(["--port", "0", "--signing-key-pem", sys.argv[2]]))
assert not [name for name in sys.modules if name.startswith("cryptography.")]
"""


def test_the_sandbox_runs_unsigned_without_cryptography(tmp_path: Path, rsa_key_pem: bytes) -> None:
    pem_file = tmp_path / "key.pem"
    pem_file.write_bytes(rsa_key_pem)
    done = subprocess.run(
        [sys.executable, "-c", NO_CRYPTOGRAPHY, rsa_key_pem.decode(), str(pem_file)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    hint = f"ImportError: signing sandbox webhooks needs cryptography: {INSTALL_HINT}"
    lines = done.stdout.splitlines()
    assert lines[:2] == [hint, hint]
    assert lines[2].startswith("TypeError: webhook signing key must be")
    assert lines[3:] == ["exit 2"]
    assert f"sandbox: signing sandbox webhooks needs cryptography: {INSTALL_HINT}" in done.stderr


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
    key: crypto_rsa.RSAPrivateKey,
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
    assert dispatcher.public_key_b64 == spki_b64(key)
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
    key: crypto_rsa.RSAPrivateKey,
    receiver: Receiver,
    make_dispatcher: Callable[..., WebhookDispatcher],
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
        assert verifies(spki_b64(key), signature, data, "SHA256")


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
    key: crypto_rsa.RSAPrivateKey,
    receiver: Receiver,
    make_dispatcher: Callable[..., WebhookDispatcher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dispatcher = make_dispatcher(signing_key=key)
    calls: list[int] = []

    real_sign = WebhookSigner.sign

    def flaky_sign(self: WebhookSigner, data: bytes) -> bytes:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real_sign(self, data)

    monkeypatch.setattr(WebhookSigner, "sign", flaky_sign)
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
        WebhookDispatcher(signing_key=KEY_512_PEM, digest="SHA512")
    with pytest.raises(TypeError):
        make_dispatcher().post("http://127.0.0.1:9/", {"when": object()})
