"""Webhook public keys of every shape: accepted, or refused with a typed error, never a raw
TypeError / UnicodeEncodeError (issue 8 item 17)."""

from __future__ import annotations

import base64
import contextlib
import io
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings, strategies as st

from message_media_messages.exceptions import ConfigurationError
from message_media_messages.webhooks import (
    WebhookSignatureError,
    make_wsgi_app,
    verify_signature,
)

# API.md §4.3 test vector
PUBLIC_KEY = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1/oF7i1mFc1KQ8jFUcrEQtlWSg22iy8f2cEAsZwhRPZKj7m8rYt6p"
    "YUttLK6kI5lJIp46wXGoiqoxwzvEz8uH/bpLZALvWeBcfR9EEq2qp2VXx4nTXDjJedGxGaE+laVNYMtS5UdGLwXwY2g1"
    "aTVZDW8fRPRoKPlJdwo0odp7AQIDAQAB"
)
REQUEST: dict[str, Any] = {
    "method": "POST",
    "path": "/webhooks/mm",
    "http_version": "HTTP/1.1",
    "body": b'{"reply_id":"a175e797-2b54-468b-9850-41a3eab32f74","content":"Hi"}',
    "headers": {
        "X-Messagemedia-Digest-Type": "SHA224",
        "X-Messagemedia-Signature": (
            "aZekJd8wb4nrNY6I/r2UcBH/+YkMNjroxHOPBiQ9leCaZSyznew08W0xR8wteTjxfYWEWjxbpiqTSmf4o"
            "N6uvS9tRtz4EZ0qgoAbt4IatYPuSiIsZS2E6F8zuJLba1krXKz5y+zGnMxf/8rvOzr1isrn4dcCIrA24D"
            "onfykE5DY="
        ),
        "Date": "Wed, 18 Jul 2018 06:33:52 GMT",
    },
}
DER = base64.b64decode(PUBLIC_KEY)
PEM = serialization.load_der_public_key(DER).public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
GOOD_KEYS = {
    "str base64": PUBLIC_KEY,
    "bytes base64": PUBLIC_KEY.encode(),
    "bytearray base64": bytearray(PUBLIC_KEY.encode()),
    "memoryview base64": memoryview(PUBLIC_KEY.encode()),
    "bytearray DER": bytearray(DER),
    "memoryview DER": memoryview(DER),
    "str PEM": PEM.decode(),
    "bytearray PEM": bytearray(PEM),
}
BAD_KEYS = {
    "lone surrogate": PUBLIC_KEY[:20] + "\udcff" + PUBLIC_KEY[20:],
    "only a surrogate": "\ud800",
    "PEM with a surrogate": PEM.decode().replace("MIGf", "MI\udfffGf"),
    "empty str": "",
    "empty bytes": b"",
    "empty bytearray": bytearray(),
    "whitespace": " \n\t",
    "garbage": "not a key at all",
    "garbage bytearray": bytearray(b"\x00\xff" * 40),
    "int": 12345,
    "list": [PUBLIC_KEY],
    "not RSA": ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
}


@pytest.mark.parametrize("key", GOOD_KEYS.values(), ids=GOOD_KEYS.keys())
def test_text_and_every_bytes_type_verify_the_vector(key: object) -> None:
    verify_signature(public_key=key, **REQUEST)  # type: ignore[arg-type]
    app = make_wsgi_app(lambda callback: None, public_key=key)  # type: ignore[arg-type]
    assert wsgi_status(app) == "200 OK"


@pytest.mark.parametrize("key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_unusable_keys_are_refused_with_typed_errors(key: object) -> None:
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(public_key=key, **REQUEST)  # type: ignore[arg-type]
    assert "public key" in caught.value.reason
    with pytest.raises(ConfigurationError):
        make_wsgi_app(lambda callback: None, public_key=key)  # type: ignore[arg-type]


def test_a_wrong_key_of_another_shape_is_a_mismatch_not_a_crash() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    der = other.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(WebhookSignatureError, match="does not match"):
        verify_signature(public_key=bytearray(der), **REQUEST)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.binary(),
        st.binary().map(bytearray),
        st.binary().map(memoryview),
        st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1),
        st.builds(lambda a, b: a + "\udc80" + b, st.text(), st.text()),
    )
)
def test_any_key_input_is_accepted_or_refused_typed(key: object) -> None:
    with contextlib.suppress(WebhookSignatureError):
        verify_signature(public_key=key, **REQUEST)  # type: ignore[arg-type]
    with contextlib.suppress(ConfigurationError):
        make_wsgi_app(lambda callback: None, public_key=key)  # type: ignore[arg-type]


def wsgi_status(app: Any) -> str:
    """Run one signed request through the WSGI app; return its status line."""
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    body = REQUEST["body"]
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO=REQUEST["path"],
        SERVER_PROTOCOL="HTTP/1.1",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(body)),
        HTTP_DATE=REQUEST["headers"]["Date"],
        HTTP_X_MESSAGEMEDIA_DIGEST_TYPE="SHA224",
        HTTP_X_MESSAGEMEDIA_SIGNATURE=REQUEST["headers"]["X-Messagemedia-Signature"],
    )
    environ["wsgi.input"] = io.BytesIO(body)
    statuses: list[str] = []
    app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return statuses[0]
