"""Sandbox authentication: Basic, HMAC (API.md section 3.3-3.6), Date skew, Account header."""

from __future__ import annotations

import base64
import calendar
import http.client
import json
from email.utils import formatdate

import pytest
from sandbox_helpers import ApiClient, Resp, hmac_headers, message

from message_media_messages.sandbox import SandboxServer
from message_media_messages.sandbox._auth import (
    build_signing_string,
    compute_signature,
    content_md5,
)

# API.md section 3.6
VECTOR_EPOCH = calendar.timegm((2023, 2, 8, 3, 0, 0))
VECTOR_DATE = "Wed, 08 Feb 2023 03:00:00 GMT"
VECTOR_BODY = (
    b'{"messages": [{"content": "My tests message", "destination_number": "+61491570006", '
    b'"delivery_report": false, "format": "SMS"}]}'
)
VECTOR_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
CANCEL_BODY = b'{"status": "cancelled"}'


def test_section_3_6_vectors_with_the_sandbox_signer() -> None:
    assert len(VECTOR_BODY) == 128
    assert content_md5(VECTOR_BODY) == "089f310e3de3b6de78103eeee1b7eb4d"
    assert content_md5(b"") == "d41d8cd98f00b204e9800998ecf8427e"
    assert content_md5(CANCEL_BODY) == "3ec501b0caba01e27bef054414d0dc04"
    sdk = {"date": VECTOR_DATE, "x-content-md5": "089f310e3de3b6de78103eeee1b7eb4d"}
    post = build_signing_string(
        ["date", "x-Content-MD5", "request-line"], sdk, "POST /v1/messages HTTP/1.1"
    )
    assert post == (
        "date: Wed, 08 Feb 2023 03:00:00 GMT\n"
        "x-Content-MD5: 089f310e3de3b6de78103eeee1b7eb4d\nPOST /v1/messages HTTP/1.1"
    )
    assert post is not None
    assert compute_signature("testsecret", post, "hmac-sha1") == "76Y9QqwMxjklIldkiKzNS+au07g="
    assert compute_signature("testsecret", post, "hmac-sha256") == (
        "JRP0+Hf5mKR9iCcatd18Kln7H9fCe9azCtYMl13ZvVk="
    )
    doc = {"date": VECTOR_DATE, "content-md5": "089f310e3de3b6de78103eeee1b7eb4d"}
    doc_string = build_signing_string(
        ["Date", "Content-MD5", "request-line"], doc, "POST /v1/messages HTTP/1.1"
    )
    assert doc_string is not None
    assert (
        compute_signature("testsecret", doc_string, "hmac-sha1") == "R8SoGE0UfvOxHozVb5G2QYnGeL8="
    )
    assert compute_signature("testsecret", doc_string, "hmac-sha256") == (
        "Xx7wo7wqXsbNz/r8oyMiNy1oagTEHHulX0PIW9BE98s="
    )
    get = build_signing_string(
        ["date", "request-line"], {"date": VECTOR_DATE}, f"GET /v1/messages/{VECTOR_ID} HTTP/1.1"
    )
    assert get is not None
    assert compute_signature("testsecret", get, "hmac-sha1") == "3U7wfevi6xe+ns4SLVoTn/hAM3Q="
    assert compute_signature("testsecret", get, "hmac-sha256") == (
        "OP5AHhlPUIN9e9OcJf7Vr1Ak+pFq/lk3YLx2XiLa9os="
    )
    assert build_signing_string(["date", "x-Content-MD5"], {"date": VECTOR_DATE}, "") is None


def _raw(server: SandboxServer, method: str, path: str, body: bytes, headers: dict[str, str]):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        sent = {"Content-Type": "application/json", **headers} if body else headers
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        return Resp(response.status, dict(response.getheaders()), response.read())
    finally:
        conn.close()


def _vector_header(signature: str, names: str, algorithm: str = "hmac-sha1") -> str:
    return (
        f'hmac username="testkey", algorithm="{algorithm}", headers="{names}", '
        f'signature="{signature}"'
    )


@pytest.fixture
def vector_sandbox(make_sandbox) -> SandboxServer:
    return make_sandbox(accounts={"testkey": "testsecret"}, clock=lambda: float(VECTOR_EPOCH))


@pytest.mark.parametrize(
    ("algorithm", "signature", "style"),
    [
        ("hmac-sha1", "76Y9QqwMxjklIldkiKzNS+au07g=", "sdk"),
        ("hmac-sha256", "JRP0+Hf5mKR9iCcatd18Kln7H9fCe9azCtYMl13ZvVk=", "sdk"),
        ("hmac-sha1", "R8SoGE0UfvOxHozVb5G2QYnGeL8=", "doc"),
        ("hmac-sha256", "Xx7wo7wqXsbNz/r8oyMiNy1oagTEHHulX0PIW9BE98s=", "doc"),
    ],
)
def test_section_3_6_post_vectors_accepted_over_http(
    vector_sandbox: SandboxServer, algorithm: str, signature: str, style: str
) -> None:
    md5 = "089f310e3de3b6de78103eeee1b7eb4d"
    if style == "sdk":
        headers = {"date": VECTOR_DATE, "x-Content-MD5": md5}
        names = "date x-Content-MD5 request-line"
    else:
        headers = {"Date": VECTOR_DATE, "Content-MD5": md5}
        names = "Date Content-MD5 request-line"
    headers["Authorization"] = _vector_header(signature, names, algorithm)
    response = _raw(vector_sandbox, "POST", "/v1/messages", VECTOR_BODY, headers)
    assert response.status == 202, response.body
    assert vector_sandbox.request_log()[-1]["auth_scheme"] == "hmac"
    assert vector_sandbox.messages()[0]["account"] == "testkey"
    tampered = {**headers, "Authorization": _vector_header(signature[:-2] + "x=", names, algorithm)}
    denied = _raw(vector_sandbox, "POST", "/v1/messages", VECTOR_BODY, tampered)
    assert denied.status == 401
    assert denied.json()["message"] == "Invalid authentication credentials"
    assert len(vector_sandbox.messages()) == 1


@pytest.mark.parametrize(
    ("algorithm", "signature"),
    [
        ("hmac-sha1", "3U7wfevi6xe+ns4SLVoTn/hAM3Q="),
        ("hmac-sha256", "OP5AHhlPUIN9e9OcJf7Vr1Ak+pFq/lk3YLx2XiLa9os="),
    ],
)
def test_section_3_6_get_vectors_pass_auth(
    vector_sandbox: SandboxServer, algorithm: str, signature: str
) -> None:
    headers = {
        "date": VECTOR_DATE,
        "Authorization": _vector_header(signature, "date request-line", algorithm),
    }
    response = _raw(vector_sandbox, "GET", f"/v1/messages/{VECTOR_ID}", b"", headers)
    assert response.status == 404  # authenticated; the message just does not exist


@pytest.mark.parametrize("tolerate", [True, False])
def test_put_signed_as_post_tolerance(make_sandbox, tolerate: bool) -> None:
    server = make_sandbox(
        accounts={"testkey": "testsecret"},
        clock=lambda: float(VECTOR_EPOCH),
        tolerate_put_signed_as_post=tolerate,
    )
    names = "date x-Content-MD5 request-line"
    base = {"date": VECTOR_DATE, "x-Content-MD5": "3ec501b0caba01e27bef054414d0dc04"}
    path = f"/v1/messages/{VECTOR_ID}"
    official = {**base, "Authorization": _vector_header("U/eK+kw7ZoyEvJL2psYADYXAVJs=", names)}
    correct = {**base, "Authorization": _vector_header("SLM43oUTLiNt2XQE6283YiNl40s=", names)}
    assert _raw(server, "PUT", path, CANCEL_BODY, correct).status == 404
    assert _raw(server, "PUT", path, CANCEL_BODY, official).status == (404 if tolerate else 401)
    assert server.stats()["legacy_put_signatures"] == (1 if tolerate else 0)
    # the tolerance is for PUT only: a GET signed as POST never passes
    get_as_post = hmac_headers(
        "GET", path, b"", "testkey", "testsecret", date=VECTOR_DATE, signed_method="POST"
    )
    assert _raw(server, "GET", path, b"", get_as_post).status == 401


def test_put_signed_as_post_cancels_for_real(sandbox: SandboxServer, make_client) -> None:
    api = make_client(sandbox, scheme="hmac")
    sent = api.send(message(scheduled="2099-01-01T00:00:00Z")).json()["messages"][0]
    path = f"/v1/messages/{sent['message_id']}"
    headers = hmac_headers(
        "PUT", path, CANCEL_BODY, sandbox.api_key, sandbox.api_secret, signed_method="POST"
    )
    response = api.request("PUT", path, raw=CANCEL_BODY, headers=headers, auth=False)
    assert response.status == 200 and response.json()["status"] == "cancelled"
    assert sandbox.stats()["legacy_put_signatures"] == 1


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_hmac_client_uses_every_endpoint(
    sandbox: SandboxServer, make_client, algorithm: str
) -> None:
    api = make_client(sandbox, scheme="hmac", algorithm=algorithm)
    sent = api.send(message(delivery_report=True)).json()["messages"][0]
    sandbox.advance()
    assert api.request("GET", f"/v1/messages/{sent['message_id']}").json()["status"] == "enroute"
    reports = api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
    ids = [r["delivery_report_id"] for r in reports]
    assert (
        api.request("POST", "/v1/delivery_reports/confirmed", {"delivery_report_ids": ids}).status
        == 202
    )
    assert api.request("GET", "/v1/messaging/credits").status == 200
    assert api.request("GET", "/v1/replies").status == 200
    assert api.request("POST", "/v1/replies/confirmed", {"reply_ids": []}).status == 202
    assert sandbox.stats()["auth_failures"] == 0


def test_basic_auth(sandbox: SandboxServer, make_client) -> None:
    good = make_client(sandbox)
    assert good.request("GET", "/v1/replies").status == 200
    assert sandbox.request_log()[-1]["auth_scheme"] == "basic"
    for key, secret in (("sandbox-key", "wrong"), ("other", "sandbox-secret"), ("", "")):
        response = make_client(sandbox, key=key, secret=secret).request("GET", "/v1/replies")
        assert response.status == 401
        assert response.json()["message"] == "Invalid authentication credentials"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Basic",
        "Basic !!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Bearer abc",
        "hmac",
        "hmac garbage",
        'hmac username="sandbox-key", algorithm="hmac-md5", headers="date request-line", '
        'signature="x"',
    ],
)
def test_missing_or_malformed_credentials_are_401(
    sandbox: SandboxServer, client: ApiClient, authorization: str | None
) -> None:
    headers = {"Date": formatdate(usegmt=True)}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = client.request("GET", "/v1/messaging/credits", headers=headers, auth=False)
    assert response.status == 401
    assert response.json()["message"] == "Invalid authentication credentials"
    assert sandbox.stats()["auth_failures"] == 1


def _hmac_problem(sandbox: SandboxServer, client: ApiClient, **change: object) -> Resp:
    body = b'{"messages":[{"content":"x","destination_number":"+61491570156"}]}'
    headers = hmac_headers(
        "POST",
        "/v1/messages",
        body,
        sandbox.api_key,
        sandbox.api_secret,
        date=str(change.get("date") or formatdate(usegmt=True)),
    )
    if "md5" in change:
        headers["x-Content-MD5"] = str(change["md5"])
    if "names" in change:
        auth = headers["Authorization"]
        headers["Authorization"] = auth.replace(
            "date x-Content-MD5 request-line", str(change["names"])
        )
    sent = body + bytes(str(change.get("suffix", "")), "ascii")
    return client.request("POST", "/v1/messages", raw=sent, headers=headers, auth=False)


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({}, None),
        ({"date": formatdate(1_000_000_000, usegmt=True)}, "Date is"),
        ({"date": "yesterday"}, "malformed Date header"),
        ({"md5": "0" * 32}, "x-content-md5 is not the hex MD5 of the body"),
        ({"suffix": " "}, "x-content-md5 is not the hex MD5 of the body"),
        ({"names": "date request-line"}, "a request with a body must list x-Content-MD5"),
        ({"names": "x-Content-MD5 request-line"}, 'headers="..." must list date'),
        ({"names": "date x-Content-MD5 x-missing request-line"}, "signed header x-missing"),
        ({"names": "x-Content-MD5 date request-line"}, "signature does not match"),
    ],
)
def test_hmac_checks(
    sandbox: SandboxServer, client: ApiClient, change: dict[str, object], detail: str | None
) -> None:
    response = _hmac_problem(sandbox, client, **change)
    if detail is None:
        assert response.status == 202
    else:
        assert response.status == 401
        assert response.json()["details"][0].startswith(detail), response.json()
        assert sandbox.messages() == []


def test_date_skew_is_configurable_and_uses_wall_time(make_sandbox, make_client) -> None:
    now = [1_700_000_000.0]
    server = make_sandbox(hmac_skew=10.0, clock=lambda: now[0])
    api = make_client(server)
    path = "/v1/messaging/credits"

    def call(offset: float) -> int:
        date = formatdate(now[0] + offset, usegmt=True)
        headers = hmac_headers("GET", path, b"", server.api_key, server.api_secret, date=date)
        return api.request("GET", path, headers=headers, auth=False).status

    assert [call(-9), call(9), call(-12), call(12)] == [200, 200, 401, 401]
    server.advance(seconds=3600)  # simulated time moves; HMAC still checks the wall clock
    assert call(0) == 200
    now[0] += 100
    assert [call(-100), call(0)] == [401, 200]


def test_account_header_selects_sub_account_with_isolation(
    sandbox: SandboxServer, make_client
) -> None:
    sandbox.add_account(sandbox.api_key, sandbox.api_secret, sub_accounts=["sub-a", "sub-b"])
    sandbox.add_account("other-key", "other-secret")
    parent = make_client(sandbox)
    sub_a = make_client(sandbox, account="sub-a")
    sub_b = make_client(sandbox, account="sub-b", scheme="hmac")
    other = make_client(sandbox, key="other-key", secret="other-secret")
    ids = {}
    for name, api in (("parent", parent), ("a", sub_a), ("b", sub_b), ("other", other)):
        response = api.send(message(delivery_report=True))
        assert response.status == 202
        ids[name] = response.json()["messages"][0]["message_id"]
    sandbox.advance()
    for name, api in (("parent", parent), ("a", sub_a), ("b", sub_b), ("other", other)):
        reports = api.request("GET", "/v1/delivery_reports").json()["delivery_reports"]
        assert [r["message_id"] for r in reports] == [ids[name]]
        for other_name, message_id in ids.items():
            status = api.request("GET", f"/v1/messages/{message_id}").status
            assert status == (200 if other_name == name else 404)
        assert api.request("GET", "/v1/messaging/credits").json()["remaining_credits"] == 999_999
    accounts = {m["message_id"]: m["account"] for m in sandbox.messages()}
    assert accounts == {
        ids["parent"]: "sandbox-key",
        ids["a"]: "sub-a",
        ids["b"]: "sub-b",
        ids["other"]: "other-key",
    }
    assert [m["message_id"] for m in sandbox.messages(account="sub-a")] == [ids["a"]]
    assert make_client(sandbox, account="sandbox-key").request("GET", "/v1/replies").status == 200


def test_unknown_account_header_is_403(sandbox: SandboxServer, make_client) -> None:
    sandbox.add_account("other-key", "other-secret", sub_accounts=["theirs"])
    for account in ("INVALID ACCOUNT", "theirs", "other-key"):
        response = make_client(sandbox, account=account).request("GET", "/v1/replies")
        assert response.status == 403
        assert response.json()["message"] == "Invalid authentication credentials"
    lower = make_client(sandbox, account=None)
    response = lower.request("GET", "/v1/replies", headers={"account": "nope"})
    assert response.status == 403  # the header name is case-insensitive
    wrong = make_client(sandbox, secret="wrong", account="INVALID ACCOUNT")
    assert wrong.request("GET", "/v1/replies").status == 401  # credentials are checked first


def test_bad_credentials_get_the_documented_401_body(sandbox: SandboxServer, make_client) -> None:
    for scheme in ("basic", "hmac"):
        guess = make_client(sandbox, secret="guessed-s3cret", scheme=scheme)
        response = guess.request("GET", "/v1/replies")
        assert response.status == 401
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert body["message"] == "Invalid authentication credentials"
        assert set(body) <= {"message", "details"}
        assert "guessed-s3cret" not in json.dumps(body)  # never echoes the secret


def test_auth_is_checked_before_body(sandbox: SandboxServer, make_client) -> None:
    bad = make_client(sandbox, secret="wrong")
    response = bad.request("POST", "/v1/messages", raw=b"not json")
    assert response.status == 401
