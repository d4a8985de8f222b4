"""Webhook verification (API.md §4.3 vector), callback parsing (§4.1) and the WSGI receiver."""

import base64
import io
import json
import logging
import subprocess
import sys
from datetime import datetime, timezone
from email.utils import format_datetime
from wsgiref.util import setup_testing_defaults

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from hypothesis import given, settings, strategies as st

from message_media_messages.exceptions import ConfigurationError, MessageMediaError
from message_media_messages.models import DeliveryReport, Reply
from message_media_messages.webhooks import (
    WebhookApp,
    WebhookPayloadError,
    WebhookSignatureError,
    make_wsgi_app,
    parse_callback,
    parse_delivery_report,
    parse_reply,
    verify_signature,
)

# ---- API.md §4.3 test vector, verbatim
PUBLIC_KEY = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1/oF7i1mFc1KQ8jFUcrEQtlWSg22iy8f2cEAsZwhRPZKj7m8rYt6p"
    "YUttLK6kI5lJIp46wXGoiqoxwzvEz8uH/bpLZALvWeBcfR9EEq2qp2VXx4nTXDjJedGxGaE+laVNYMtS5UdGLwXwY2g1"
    "aTVZDW8fRPRoKPlJdwo0odp7AQIDAQAB"
)
METHOD, PATH, VERSION = "POST", "/webhooks/mm", "HTTP/1.1"
DATE = "Wed, 18 Jul 2018 06:33:52 GMT"
DATE_EPOCH = 1531895632.0
BODY = b'{"reply_id":"a175e797-2b54-468b-9850-41a3eab32f74","content":"Hi"}'
SIGNATURE = (
    "aZekJd8wb4nrNY6I/r2UcBH/+YkMNjroxHOPBiQ9leCaZSyznew08W0xR8wteTjxfYWEWjxbpiqTSmf4oN6uvS9tRtz4"
    "EZ0qgoAbt4IatYPuSiIsZS2E6F8zuJLba1krXKz5y+zGnMxf/8rvOzr1isrn4dcCIrA24DonfykE5DY="
)
HEADERS = {
    "X-Messagemedia-Cipher-Type": "RSA",
    "X-Messagemedia-Digest-Type": "SHA224",
    "X-Messagemedia-Key-Id": "key-1",
    "X-Messagemedia-Signature": SIGNATURE,
    "Date": DATE,
}

# ---- API.md §4.1 delivery-report example, verbatim
DR_BODY = (
    b'{"callback_url":"http://mockbin.org/bin/ac52...","delivery_report_id":'
    b'"693e87f2-a553-4281-9ffe-ddf04cbc4bf3","source_number":"+61491570156","date_received":'
    b'"2016-11-03T11:49:02.807Z","status":"delivered","delay":0,"billing_units":1,'
    b'"submitted_date":"2016-11-03T11:49:01.551Z","original_text":"Hello world!",'
    b'"message_id":"389dc1a8-62a4-4110-ba61-af94806c006f","vendor_account_id":'
    b'{"vendor_id":"MessageMedia","account_id":"MyAccount"},"error_code":"220",'
    b'"metadata":{"key":"value"}}'
)
REPLY = {
    "callback_url": "https://example.com/webhooks/mm",
    "content": "Yes please",
    "date_received": "2016-11-03T11:49:02.807Z",
    "destination_number": "+61491570157",
    "message_id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "metadata": {"key": "value"},
    "reply_id": "a175e797-2b54-468b-9850-41a3eab32f74",
    "source_number": "+61491570156",
    "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
}
HASHES = {"SHA224": hashes.SHA224, "SHA256": hashes.SHA256, "SHA512": hashes.SHA512}


def verify(**changes):
    args = {
        "method": METHOD,
        "path": PATH,
        "headers": HEADERS,
        "body": BODY,
        "public_key": PUBLIC_KEY,
        "http_version": VERSION,
    }
    verify_signature(**{**args, **changes})


def rejected(**changes) -> str:
    with pytest.raises(WebhookSignatureError) as info:
        verify(**changes)
    return info.value.reason


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def spki(private_key) -> str:
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def signed_headers(private_key, data: bytes, digest="SHA256", date=DATE) -> dict:
    signature = private_key.sign(data, padding.PKCS1v15(), HASHES[digest]())
    return {
        "X-Messagemedia-Digest-Type": digest,
        "X-Messagemedia-Signature": base64.b64encode(signature).decode(),
        "Date": date,
    }


# ------------------------------------------------------------------ the vector


def test_the_api_vector_verifies():
    assert verify() is None
    assert (
        verify_signature(
            method="POST", path="/webhooks/mm", headers=HEADERS, body=BODY, public_key=PUBLIC_KEY
        )
        is None
    )  # HTTP/1.1 is the default


def test_header_names_are_case_insensitive():
    for transform in (str.lower, str.upper):
        verify(headers={transform(name): value for name, value in HEADERS.items()})


def test_the_newline_joined_variant_does_not_verify(key):
    joined = "\n".join([f"{METHOD} {PATH} {VERSION}", DATE]).encode() + b"\n" + BODY
    reason = rejected(headers=signed_headers(key, joined), public_key=spki(key))
    assert "does not match" in reason
    concatenated = f"{METHOD} {PATH} {VERSION}{DATE}".encode() + BODY
    verify(headers=signed_headers(key, concatenated), public_key=spki(key))


def test_the_vector_signature_is_not_over_the_newline_joined_data():
    public = serialization.load_der_public_key(base64.b64decode(PUBLIC_KEY))
    joined = f"{METHOD} {PATH} {VERSION}\n{DATE}\n".encode() + BODY
    public.verify(
        base64.b64decode(SIGNATURE), joined.replace(b"\n", b""), padding.PKCS1v15(), hashes.SHA224()
    )
    with pytest.raises(InvalidSignature):
        public.verify(base64.b64decode(SIGNATURE), joined, padding.PKCS1v15(), hashes.SHA224())


def test_a_wrong_key_is_rejected(key):
    assert "does not match" in rejected(public_key=spki(key))


@pytest.mark.parametrize(
    "body", [BODY.replace(b"Hi", b"Ho"), BODY + b" ", BODY[:-1], b"", BODY.replace(b'":', b'": ')]
)
def test_a_modified_body_is_rejected(body):
    assert "does not match" in rejected(body=body)


@pytest.mark.parametrize(
    "date", ["Wed, 18 Jul 2018 06:33:53 GMT", "Wed, 18 Jul 2018 06:33:52 +0000", DATE + " "]
)
def test_a_modified_date_is_rejected(date):
    assert "does not match" in rejected(headers={**HEADERS, "Date": date})


@pytest.mark.parametrize(
    "change",
    [
        {"path": "/webhooks/mm2"},
        {"path": "/webhooks/MM"},
        {"path": "/webhooks/mm?x=1"},
        {"path": "/webhooks/mm/"},
        {"method": "PUT"},
        {"method": "post"},
        {"http_version": "HTTP/1.0"},
        {"http_version": "HTTP/2"},
    ],
)
def test_a_different_request_line_is_rejected(change):
    assert "does not match" in rejected(**change)


@pytest.mark.parametrize(
    "header", ["X-Messagemedia-Signature", "X-Messagemedia-Digest-Type", "Date"]
)
def test_each_missing_header_is_rejected(header):
    without = {name: value for name, value in HEADERS.items() if name != header}
    assert rejected(headers=without) == f"missing {header} header"
    assert rejected(headers={**HEADERS, header: ""}) == f"missing {header} header"


def test_cipher_type_is_optional_but_must_be_rsa():
    verify(headers={k: v for k, v in HEADERS.items() if k != "X-Messagemedia-Cipher-Type"})
    verify(headers={**HEADERS, "X-Messagemedia-Cipher-Type": "rsa"})
    assert "Cipher-Type" in rejected(headers={**HEADERS, "X-Messagemedia-Cipher-Type": "DSA"})


@pytest.mark.parametrize("digest", ["MD5", "SHA1", "SHA384", "SHA-224", "RSA-SHA224", "none"])
def test_an_unknown_digest_type_is_rejected(digest):
    reason = rejected(headers={**HEADERS, "X-Messagemedia-Digest-Type": digest})
    assert "unsupported X-Messagemedia-Digest-Type" in reason


def test_a_digest_type_other_than_the_signing_one_is_rejected():
    for digest in ("SHA256", "SHA512"):
        assert "does not match" in rejected(
            headers={**HEADERS, "X-Messagemedia-Digest-Type": digest}
        )


def test_the_digest_type_is_case_insensitive():
    verify(headers={**HEADERS, "X-Messagemedia-Digest-Type": "sha224"})


@pytest.mark.parametrize("signature", ["not base64!", SIGNATURE[:-1], "é" + SIGNATURE, "====="])
def test_undecodable_base64_is_rejected(signature):
    reason = rejected(headers={**HEADERS, "X-Messagemedia-Signature": signature})
    assert reason == "X-Messagemedia-Signature is not valid base64"


def test_a_truncated_but_decodable_signature_is_rejected():
    short = base64.b64encode(base64.b64decode(SIGNATURE)[:-4]).decode()
    assert "does not match" in rejected(headers={**HEADERS, "X-Messagemedia-Signature": short})


@pytest.mark.parametrize("digest", ["SHA224", "SHA256", "SHA512"])
def test_each_supported_digest_verifies(key, digest):
    data = f"POST /cb?a=1&b=2 HTTP/1.1{DATE}".encode() + BODY
    headers = signed_headers(key, data, digest)
    verify(path="/cb?a=1&b=2", headers=headers, public_key=spki(key))
    other = "SHA512" if digest != "SHA512" else "SHA256"
    wrong = {**headers, "X-Messagemedia-Digest-Type": other}
    assert "does not match" in rejected(path="/cb?a=1&b=2", headers=wrong, public_key=spki(key))


def pem_of(b64: str) -> str:
    return f"-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----"


def test_the_pem_form_and_raw_der_of_the_key_are_accepted():
    verify(public_key=pem_of(PUBLIC_KEY))
    verify(public_key=pem_of(PUBLIC_KEY).encode())
    verify(public_key=PUBLIC_KEY.encode())
    verify(public_key=base64.b64decode(PUBLIC_KEY))
    verify(public_key=f"  {PUBLIC_KEY[:40]}\n{PUBLIC_KEY[40:]}\n")  # wrapped base64


def test_a_pkcs1_pem_key_is_accepted():
    public = serialization.load_der_public_key(base64.b64decode(PUBLIC_KEY))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    assert pem.startswith(b"-----BEGIN RSA PUBLIC KEY-----")
    verify(public_key=pem)


@pytest.mark.parametrize(
    "public_key",
    ["", "AAAA", "not a key at all", PUBLIC_KEY[:-8], pem_of("AAAA"), b"\x30\x03\x02\x01\x01"],
)
def test_a_malformed_key_is_rejected(public_key):
    assert rejected(public_key=public_key).startswith("malformed public key")


def test_a_non_rsa_key_is_rejected():
    ec_key = ec.generate_private_key(ec.SECP256R1())
    assert "not RSA" in rejected(public_key=spki(ec_key))


def test_the_expected_key_id_is_checked():
    verify(expected_key_id="key-1")
    assert "Key-Id" in rejected(expected_key_id="key-2")
    without = {k: v for k, v in HEADERS.items() if k != "X-Messagemedia-Key-Id"}
    assert "Key-Id" in rejected(headers=without, expected_key_id="key-1")
    verify(headers=without)  # not checked unless asked for


def test_max_age_is_off_by_default_and_rejects_old_or_future_dates():
    verify()  # the vector's Date is from 2018
    verify(max_age=60, now=lambda: DATE_EPOCH + 59)
    verify(max_age=60, now=lambda: DATE_EPOCH - 59)
    assert "max_age" in rejected(max_age=60, now=lambda: DATE_EPOCH + 61)
    assert "max_age" in rejected(max_age=60, now=lambda: DATE_EPOCH - 61)


def test_max_age_rejects_an_unparsable_date(key):
    data = f"{METHOD} {PATH} {VERSION}yesterday".encode() + BODY
    headers = signed_headers(key, data, date="yesterday")
    verify(headers=headers, public_key=spki(key))  # signed, so valid without max_age
    reason = rejected(headers=headers, public_key=spki(key), max_age=60, now=lambda: 0.0)
    assert "not an HTTP date" in reason


def test_a_request_line_that_cannot_be_encoded_is_rejected():
    assert "cannot be encoded" in rejected(path="/\ud800")


def test_the_error_is_in_the_sdk_tree():
    assert issubclass(WebhookSignatureError, MessageMediaError)
    error = WebhookSignatureError("why")
    assert error.reason == "why" and "why" in str(error)


def test_the_module_works_without_cryptography_until_verification():
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "cryptography":
            raise ImportError("blocked " + name)
sys.meta_path.insert(0, Block())
import message_media_messages.webhooks as w
assert w.parse_reply(b'{"reply_id": "r"}').reply_id == "r"
w.make_wsgi_app(print)
for call in (
    lambda: w.verify_signature(method="POST", path="/", headers={}, body=b"", public_key="AAAA"),
    lambda: w.make_wsgi_app(print, public_key="AAAA"),
):
    try:
        call()
    except ImportError as exc:
        print("ImportError:", exc)
assert not any(name.startswith("cryptography") for name in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    hint = (
        "ImportError: signed webhooks need cryptography: "
        'pip install "message-media-messages[webhooks]"'
    )
    assert done.stdout.splitlines() == [hint, hint]


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize("form", [bytes, lambda b: b.decode(), json.loads])
def test_the_documented_delivery_report_parses(form):
    report = parse_delivery_report(form(DR_BODY))
    assert isinstance(report, DeliveryReport)
    assert report.delivery_report_id == "693e87f2-a553-4281-9ffe-ddf04cbc4bf3"
    assert report.message_id == "389dc1a8-62a4-4110-ba61-af94806c006f"
    assert report.status == "delivered" and report.delay == 0
    assert report.billing_units == 1 and report.error_code == "220"
    assert report.date_received == datetime(2016, 11, 3, 11, 49, 2, 807000, tzinfo=timezone.utc)
    assert report.submitted_date == datetime(2016, 11, 3, 11, 49, 1, 551000, tzinfo=timezone.utc)
    assert report.vendor_account_id.account_id == "MyAccount"
    assert report.metadata == {"key": "value"} and report.original_text == "Hello world!"
    assert parse_callback(form(DR_BODY)) == report


def test_a_reply_parses_and_keeps_unknown_keys():
    reply = parse_reply(json.dumps({**REPLY, "attachments": []}).encode())
    assert isinstance(reply, Reply)
    assert reply.reply_id == REPLY["reply_id"] and reply.content == "Yes please"
    assert reply.source_number == "+61491570156" and reply.destination_number == "+61491570157"
    assert reply.vendor_account_id.vendor_id == "MessageMedia"
    assert reply.date_received.tzinfo is not None
    assert reply.additional_properties == {"attachments": []}
    assert isinstance(parse_callback(json.dumps(REPLY)), Reply)
    assert isinstance(parse_reply(BODY), Reply)  # the §4.3 vector's body


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b"null",
        b"1",
        b'"text"',
        b"\xff\xfe\x00garbage",
        b'{"delivery_report_id": "x"',
        b'{"delivery_report_id": "x", "delay": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
        "{\ud800}",
        b'{"delivery_report_id": 5}',
        b'{"delivery_report_id": ""}',
        b'{"delivery_report_id": "x", "date_received": "yesterday"}',
        b'{"delivery_report_id": "x", "vendor_account_id": ["MessageMedia"]}',
        b'{"reply_id": "x"}',
    ],
)
def test_a_bad_delivery_report_body_raises_payload_error(body):
    with pytest.raises(WebhookPayloadError):
        parse_delivery_report(body)


@pytest.mark.parametrize("body", [b'{"delivery_report_id": "x"}', b'{"reply_id": null}', 42, None])
def test_a_bad_reply_body_raises_payload_error(body):
    with pytest.raises(WebhookPayloadError):
        parse_reply(body)


@pytest.mark.parametrize(
    ("body", "which"),
    [
        (b"{}", "neither"),
        (b'{"content": "x"}', "neither"),
        (b'{"reply_id":"a","delivery_report_id":"b"}', "both"),
    ],
)
def test_parse_callback_needs_exactly_one_id(body, which):
    with pytest.raises(WebhookPayloadError, match=which):
        parse_callback(body)


def test_payload_error_is_a_value_error_in_the_sdk_tree():
    assert issubclass(WebhookPayloadError, ValueError)
    assert issubclass(WebhookPayloadError, MessageMediaError)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = st.sampled_from(
    [
        "delivery_report_id",
        "reply_id",
        "date_received",
        "submitted_date",
        "vendor_account_id",
        "metadata",
        "content",
        "status",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, JSON, max_size=5))
def test_any_json_object_parses_or_raises_payload_error(data):
    for body in (data, json.dumps(data)):
        try:
            result = parse_callback(body)
        except WebhookPayloadError:
            continue
        assert isinstance(result, (DeliveryReport, Reply))


# ------------------------------------------------------------------ WSGI receiver


class Recorder:
    def __init__(self, error: Exception | None = None):
        self.calls, self.error = [], error

    def __call__(self, callback):
        self.calls.append(callback)
        if self.error is not None:
            raise self.error


def call(app, body=b"", headers=(), **environ_changes):
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO=PATH,
        SERVER_PROTOCOL=VERSION,
        CONTENT_LENGTH=str(len(body)),
    )
    environ["wsgi.input"] = io.BytesIO(body)
    for name, value in dict(headers).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    environ.update(environ_changes)
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(response_headers)

    chunks = app(environ, start_response)
    payload = b"".join(chunks)
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["headers"]["Content-Length"] == str(len(payload))
    return int(seen["status"].split()[0]), json.loads(payload), seen["headers"]


def test_the_app_accepts_the_signed_vector():
    handler = Recorder()
    status, answer, _ = call(
        make_wsgi_app(handler, public_key=PUBLIC_KEY, path=PATH), BODY, HEADERS
    )
    assert (status, answer) == (200, {"ok": True})
    assert [type(c) for c in handler.calls] == [Reply]
    assert handler.calls[0].content == "Hi"


def test_the_app_without_a_key_accepts_unsigned_delivery_reports():
    handler = Recorder()
    assert call(make_wsgi_app(handler), DR_BODY)[:2] == (200, {"ok": True})
    assert handler.calls[0].billing_units == 1 and isinstance(handler.calls[0], DeliveryReport)


@pytest.mark.parametrize(
    ("body", "headers", "environ"),
    [
        (BODY + b" ", HEADERS, {}),
        (BODY, {**HEADERS, "Date": "Wed, 18 Jul 2018 06:33:53 GMT"}, {}),
        (BODY, {k: v for k, v in HEADERS.items() if k != "X-Messagemedia-Signature"}, {}),
        (BODY, {}, {}),
        (BODY, HEADERS, {"SERVER_PROTOCOL": "HTTP/1.0"}),
        (BODY, HEADERS, {"QUERY_STRING": "a=1"}),
    ],
)
def test_the_app_answers_401_when_the_signature_fails(body, headers, environ, caplog):
    handler = Recorder()
    app = make_wsgi_app(handler, public_key=PUBLIC_KEY)
    with caplog.at_level(logging.WARNING, "message_media_messages.webhooks"):
        status, answer, _ = call(app, body, headers, **environ)
    assert (status, answer["ok"]) == (401, False)
    assert handler.calls == []
    assert "rejected" in caplog.text


def test_the_app_rebuilds_query_and_percent_encoding(key):
    handler = Recorder()
    app = make_wsgi_app(handler, public_key=spki(key))
    data = f"POST /hooks/a%20b?x=%2F HTTP/1.1{DATE}".encode() + BODY
    headers = signed_headers(key, data)
    assert call(app, BODY, headers, PATH_INFO="/hooks/a b", QUERY_STRING="x=%2F")[0] == 200
    # SCRIPT_NAME is part of the request line
    data = f"POST /mount/cb HTTP/1.1{DATE}".encode() + BODY
    assert (
        call(app, BODY, signed_headers(key, data), SCRIPT_NAME="/mount", PATH_INFO="/cb")[0] == 200
    )
    # A server that gives the raw target (gunicorn RAW_URI) is trusted over PATH_INFO.
    data = f"POST /a%2Fb HTTP/1.1{DATE}".encode() + BODY
    assert call(app, BODY, signed_headers(key, data), PATH_INFO="/a/b", RAW_URI="/a%2Fb")[0] == 200
    assert len(handler.calls) == 3


def test_the_app_checks_key_id_and_max_age():
    app = WebhookApp(
        Recorder(),
        public_key=PUBLIC_KEY,
        expected_key_id="key-1",
        max_age=30,
        now=lambda: DATE_EPOCH + 10,
    )
    assert call(app, BODY, HEADERS)[0] == 200
    assert call(app, BODY, {**HEADERS, "X-Messagemedia-Key-Id": "key-2"})[0] == 401
    late = WebhookApp(Recorder(), public_key=PUBLIC_KEY, max_age=30, now=lambda: DATE_EPOCH + 31)
    assert call(late, BODY, HEADERS)[0] == 401


def test_the_app_answers_405_to_other_methods():
    handler = Recorder()
    for method in ("GET", "PUT", "HEAD", "OPTIONS"):
        status, _, headers = call(make_wsgi_app(handler), DR_BODY, REQUEST_METHOD=method)
        assert (status, headers["Allow"]) == (405, "POST")
    assert handler.calls == []


def test_the_app_answers_404_off_its_path():
    handler = Recorder()
    app = make_wsgi_app(handler, path="/webhooks/mm")
    assert call(app, DR_BODY, PATH_INFO="/other")[0] == 404
    assert call(app, DR_BODY, PATH_INFO="/webhooks/mm/")[0] == 404
    assert call(app, DR_BODY, PATH_INFO="/other", REQUEST_METHOD="GET")[0] == 404
    assert call(app, DR_BODY, SCRIPT_NAME="/webhooks", PATH_INFO="/mm")[0] == 200
    assert call(make_wsgi_app(handler), DR_BODY, PATH_INFO="/anything")[0] == 200
    assert len(handler.calls) == 2


class Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("the body must not be read")


def test_the_app_answers_413_over_max_body_without_reading():
    handler = Recorder()
    app = make_wsgi_app(handler, max_body=len(DR_BODY))
    assert call(app, DR_BODY)[0] == 200
    environ = {"CONTENT_LENGTH": str(len(DR_BODY) + 1), "wsgi.input": Unreadable()}
    assert call(app, DR_BODY, **environ)[0] == 413
    assert len(handler.calls) == 1


def test_the_app_reads_a_chunked_body_up_to_max_body():
    handler = Recorder()
    app = make_wsgi_app(handler, max_body=len(DR_BODY))
    chunked = {"CONTENT_LENGTH": "", "wsgi.input_terminated": True}
    assert call(app, DR_BODY, **chunked)[0] == 200
    assert (
        call(app, DR_BODY + b" ", **chunked, **{"wsgi.input": io.BytesIO(DR_BODY + b" ")})[0] == 413
    )
    assert call(app, DR_BODY, CONTENT_LENGTH="")[0] == 411
    assert len(handler.calls) == 1


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "²", " 10x"])
def test_the_app_answers_400_to_a_bad_content_length(length):
    assert call(make_wsgi_app(Recorder()), DR_BODY, CONTENT_LENGTH=length)[0] == 400


def test_the_app_reads_exactly_content_length_bytes():
    handler = Recorder()
    app = make_wsgi_app(handler)
    stream = io.BytesIO(DR_BODY + b"trailing bytes of the next request")
    assert call(app, DR_BODY, **{"wsgi.input": stream})[0] == 200
    status, answer, _ = call(app, DR_BODY, CONTENT_LENGTH=str(len(DR_BODY) + 5))
    assert (status, answer["error"]) == (400, "body shorter than Content-Length")
    assert len(handler.calls) == 1


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"reply_id": 5}'])
def test_the_app_answers_400_to_a_bad_payload(body):
    handler = Recorder()
    status, answer, _ = call(make_wsgi_app(handler), body)
    assert status == 400 and answer["ok"] is False and answer["error"]
    assert handler.calls == []


def test_the_app_answers_500_when_the_handler_fails(caplog):
    app = make_wsgi_app(Recorder(RuntimeError("database down")))
    with caplog.at_level(logging.ERROR, "message_media_messages.webhooks"):
        status, answer, _ = call(app, DR_BODY)
    assert (status, answer) == (500, {"ok": False, "error": "handler failed"})
    assert "database down" in caplog.text


@pytest.mark.parametrize("public_key", ["AAAA", pem_of("AAAA")])
def test_a_bad_key_fails_at_construction(public_key):
    with pytest.raises(ConfigurationError, match="malformed public key"):
        make_wsgi_app(Recorder(), public_key=public_key)


def test_a_negative_max_body_fails_at_construction():
    with pytest.raises(ConfigurationError):
        make_wsgi_app(Recorder(), max_body=-1)


def test_make_wsgi_app_passes_its_options():
    handler = Recorder()
    app = make_wsgi_app(
        handler, public_key=PUBLIC_KEY, path="/p", max_body=9, expected_key_id="k", max_age=5.0
    )
    assert isinstance(app, WebhookApp) and app.handler is handler
    assert (app.public_key, app.path, app.max_body) == (PUBLIC_KEY, "/p", 9)
    assert (app.expected_key_id, app.max_age) == ("k", 5.0)


def test_dates_made_by_format_datetime_pass_max_age(key):
    now = 1_700_000_000.0
    date = format_datetime(datetime.fromtimestamp(now, timezone.utc), usegmt=True)
    data = f"POST {PATH} HTTP/1.1{date}".encode() + BODY
    headers = signed_headers(key, data, date=date)
    verify(headers=headers, public_key=spki(key), max_age=1, now=lambda: now + 0.5)
