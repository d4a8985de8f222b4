"""Auth headers pinned to the worked vectors of API.md §3.6 (machine time zone irrelevant)."""

import os
import time

import pytest

from message_media_messages.http import auth

DATE = "Wed, 08 Feb 2023 03:00:00 GMT"
EPOCH = 1675825200.0  # 2023-02-08T03:00:00Z
KEY, SECRET = "testkey", "testsecret"
SEND_BODY = (
    b'{"messages": [{"content": "My tests message", "destination_number": "+61491570006", '
    b'"delivery_report": false, "format": "SMS"}]}'
)
MESSAGE_PATH = "/v1/messages/877c19ef-fa2e-4cec-827a-e1df9b5509f7"


@pytest.mark.parametrize("tz", ["UTC", "Australia/Melbourne", "America/Los_Angeles"])
def test_http_date_ignores_the_machine_time_zone(tz, monkeypatch):
    monkeypatch.setenv("TZ", tz)
    if hasattr(time, "tzset"):
        time.tzset()
    try:
        assert auth.http_date(EPOCH) == DATE
    finally:
        monkeypatch.delenv("TZ")
        if hasattr(time, "tzset"):
            time.tzset()
    assert "TZ" not in os.environ


def test_basic_vector():
    assert auth.basic_authorization(KEY, SECRET) == "Basic dGVzdGtleTp0ZXN0c2VjcmV0"


def test_basic_vector_from_the_api_docs():
    value = auth.basic_authorization("thisisakey", "thisisasecretformmbasicauthrestapi")
    assert value == "Basic dGhpc2lzYWtleTp0aGlzaXNhc2VjcmV0Zm9ybW1iYXNpY2F1dGhyZXN0YXBp"


def test_post_vector_a():
    headers = auth.hmac_headers(KEY, SECRET, "POST", "/v1/messages", SEND_BODY, DATE)
    assert len(SEND_BODY) == 128
    assert headers["x-Content-MD5"] == "089f310e3de3b6de78103eeee1b7eb4d"
    assert headers["date"] == DATE
    assert headers["Authorization"] == (
        'hmac username="testkey", algorithm="hmac-sha1", '
        'headers="date x-Content-MD5 request-line", signature="76Y9QqwMxjklIldkiKzNS+au07g="'
    )


def test_post_vector_a_sha256():
    headers = auth.hmac_headers(KEY, SECRET, "POST", "/v1/messages", SEND_BODY, DATE, "sha256")
    assert 'algorithm="hmac-sha256"' in headers["Authorization"]
    assert 'signature="JRP0+Hf5mKR9iCcatd18Kln7H9fCe9azCtYMl13ZvVk="' in headers["Authorization"]


def test_signing_string_form():
    text = auth.signing_string("POST", "/v1/messages", DATE, "089f310e3de3b6de78103eeee1b7eb4d")
    assert text == (
        "date: Wed, 08 Feb 2023 03:00:00 GMT\n"
        "x-Content-MD5: 089f310e3de3b6de78103eeee1b7eb4d\n"
        "POST /v1/messages HTTP/1.1"
    )


@pytest.mark.parametrize(
    ("algorithm", "signature"),
    [
        ("sha1", "3U7wfevi6xe+ns4SLVoTn/hAM3Q="),
        ("sha256", "OP5AHhlPUIN9e9OcJf7Vr1Ak+pFq/lk3YLx2XiLa9os="),
    ],
)
def test_get_vector_b(algorithm, signature):
    headers = auth.hmac_headers(KEY, SECRET, "GET", MESSAGE_PATH, None, DATE, algorithm)
    assert "x-Content-MD5" not in headers
    assert 'headers="date request-line"' in headers["Authorization"]
    assert f'signature="{signature}"' in headers["Authorization"]


def test_put_vector_c_is_signed_as_put_not_post():
    body = b'{"status": "cancelled"}'
    headers = auth.hmac_headers(KEY, SECRET, "PUT", MESSAGE_PATH, body, DATE)
    assert headers["x-Content-MD5"] == "3ec501b0caba01e27bef054414d0dc04"
    assert 'signature="SLM43oUTLiNt2XQE6283YiNl40s="' in headers["Authorization"]
    # The official SDK's (wrong) POST form differs: we must not produce it for a PUT.
    assert "U/eK+kw7ZoyEvJL2psYADYXAVJs=" not in headers["Authorization"]
    post = auth.hmac_headers(KEY, SECRET, "POST", MESSAGE_PATH, body, DATE)
    assert 'signature="U/eK+kw7ZoyEvJL2psYADYXAVJs="' in post["Authorization"]


def test_md5_of_empty_body_vector_d():
    assert auth.content_md5(b"") == "d41d8cd98f00b204e9800998ecf8427e"


def test_md5_hashes_exact_utf8_bytes():
    body = '{"content":"héllo €"}'.encode()
    assert auth.content_md5(body) == auth.content_md5(body)
    assert auth.content_md5(body) != auth.content_md5(body.decode().encode("latin-1", "replace"))
