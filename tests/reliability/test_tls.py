"""TLS: certificates are verified by default; turning that off takes an explicit, loud argument.

A local HTTPS server on 127.0.0.1 presents a certificate from a private CA generated here
(subjectAltName IP:127.0.0.1). Without that CA the client must refuse the connection before
anything is sent; with `verify="ca.pem"` it must succeed silently; with `verify=False` it
succeeds, but only after a warning.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from message_media_messages import (
    APIConnectionError,
    MessageMediaError,
    MessageMediaMessagesClient,
    TransportError,
)

CREDITS = b'{"remaining_credits": 42}'
SENT = b'{"messages": [{"message_id": "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a", "status": "queued"}]}'
BODY = {"messages": [{"content": "hi", "destination_number": "+61491570156"}]}


@dataclass
class Pki:
    ca_pem: Path
    cert_pem: Path
    key_pem: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=False, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=True,
    crl_sign=True, encipher_only=False, decipher_only=False,
)  # fmt: skip


CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=False, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=True,
    crl_sign=True, encipher_only=False, decipher_only=False,
)  # fmt: skip


def _make_pki(directory: Path) -> Pki:
    """A private CA and a server certificate for IP 127.0.0.1 that it signed.

    Both carry the extensions that strict verification (Python 3.13's default) requires.
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("reliability test CA"))
        .issuer_name(_name("reliability test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(CA_KEY_USAGE, critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    pki.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pki


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    requests: list[str]

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append(f"{self.command} {self.path}")
        body = SENT if self.path == "/v1/messages" else CREDITS
        self.send_response(202 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _GarblingHandler(_Handler):
    """Reads the request, then answers in plain bytes under TLS: no valid TLS record."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append(f"{self.command} {self.path}")
        os.write(self.connection.fileno(), b"HTTP/1.1 202 Accepted\r\n\r\n")

    do_GET = do_POST = _answer


class _TLSServer(ThreadingHTTPServer):
    """Handshakes in the connection's thread, so that a refused handshake blocks nothing."""

    daemon_threads = True

    def __init__(
        self, context: ssl.SSLContext, requests: list[str], base: type[_Handler] = _Handler
    ) -> None:
        self.context = context
        handler = type("Handler", (base,), {"requests": requests})
        super().__init__(("127.0.0.1", 0), handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate: nothing was sent
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()  # wrap_socket detached `request`: closing that one closes nothing

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Server:
    url: str
    pki: Pki
    requests: list[str]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    pki = _make_pki(tmp_path_factory.mktemp("pki"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.cert_pem, pki.key_pem)
    requests: list[str] = []
    httpd = _TLSServer(context, requests)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield Server(f"https://127.0.0.1:{httpd.server_address[1]}", pki, requests)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_ca_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundle requests would take from the environment is the system's, never our CA."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


def _client(url: str, **settings: Any) -> MessageMediaMessagesClient:
    settings.setdefault("max_retries", 0)
    return MessageMediaMessagesClient("key", "secret", base_uri=url, **settings)


def test_https_pool_requires_certificates_by_default() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default is silent
        client = _client("https://api.messagemedia.com")
    with client:
        assert client.config.verify is True
        pool = client._transport._pool
        assert pool.cert_reqs == "CERT_REQUIRED"
        assert pool.ca_certs or pool.ca_cert_dir  # a real trust store, never none
        assert pool.assert_hostname is not False


def test_self_signed_server_is_refused_before_anything_is_sent(server: Server) -> None:
    before = len(server.requests)
    with _client(server.url) as client:
        with pytest.raises(APIConnectionError) as credits_error:
            client.messages.check_credits_remaining()
        with pytest.raises(APIConnectionError) as send_error:
            client.messages.send_messages(BODY)
    for error in (credits_error.value, send_error.value):
        assert isinstance(error, TransportError)
        assert error.maybe_sent is False  # a TLS refusal means the request never left
        assert "certificate" in str(error).lower()
    assert len(server.requests) == before


def test_empty_ca_bundle_variables_do_not_turn_verification_off(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (a classic misconfiguration) still verifies."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "")
    monkeypatch.setenv("CURL_CA_BUNDLE", "")
    with _client(server.url) as client:
        assert client._transport._pool.cert_reqs == "CERT_REQUIRED"
        with pytest.raises(APIConnectionError) as error:
            client.messages.check_credits_remaining()
    assert error.value.maybe_sent is False


def test_verify_false_warns_then_connects(server: Server) -> None:
    with pytest.warns(UserWarning, match="verif"):
        client = _client(server.url, verify=False)
    with client, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's per-request InsecureRequestWarning
        assert client._transport._pool.cert_reqs == "CERT_NONE"
        assert client.messages.check_credits_remaining() == {"remaining_credits": 42}
        assert client.messages.send_messages(BODY).messages[0].status == "queued"


def test_verify_with_the_private_ca_connects_silently(server: Server) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at construction nor per request
        with _client(server.url, verify=str(server.pki.ca_pem)) as client:
            assert client._transport._pool.cert_reqs == "CERT_REQUIRED"
            assert client.messages.check_credits_remaining() == {"remaining_credits": 42}
            assert client.messages.send_messages(BODY).messages[0].message_id


def test_ca_bundle_from_the_environment_is_honoured(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.pki.ca_pem))
    with _client(server.url) as client:
        assert client.messages.check_credits_remaining() == {"remaining_credits": 42}


def test_hostname_is_checked_even_with_a_trusted_ca(server: Server) -> None:
    """The certificate names IP 127.0.0.1 only: reaching it as `localhost` must fail."""
    url = server.url.replace("127.0.0.1", "localhost")
    before = len(server.requests)
    with (
        _client(url, verify=str(server.pki.ca_pem)) as client,
        pytest.raises(APIConnectionError) as error,
    ):
        client.messages.check_credits_remaining()
    assert error.value.maybe_sent is False
    assert len(server.requests) == before


def test_missing_ca_file_fails_typed_and_never_falls_back(server: Server, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-ca.pem")
    before = len(server.requests)
    with pytest.raises(MessageMediaError), _client(server.url, verify=missing) as client:
        client.messages.check_credits_remaining()
    assert len(server.requests) == before


def test_a_tls_failure_after_the_request_was_written_is_maybe_sent(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A TLS error is "never sent" only before the request went out, never once it was written."""
    pki = _make_pki(tmp_path_factory.mktemp("pki-garbling"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.cert_pem, pki.key_pem)
    requests: list[str] = []
    httpd = _TLSServer(context, requests, _GarblingHandler)
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    url = f"https://127.0.0.1:{httpd.server_address[1]}"
    try:
        with (
            _client(url, verify=str(pki.ca_pem), max_retries=2) as client,
            pytest.raises(APIConnectionError) as error,
        ):
            client.messages.send_messages(BODY)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert error.value.maybe_sent is True  # the API may have accepted the messages
    assert requests == ["POST /v1/messages"]  # so it was never sent again
