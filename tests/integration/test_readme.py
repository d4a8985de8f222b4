"""Every Python example of our README runs, in order, against the sandbox."""

import http.client
import re
import shutil
from pathlib import Path

import pytest
from test_webhooks_sandbox import UvicornServer

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.configuration import Configuration
from message_media_messages.models.reply import Reply

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# The API.md §4.3 signed-webhook test vector: what the README's webhook example verifies.
VECTOR_KEY = (
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1/oF7i1mFc1KQ8jFUcrEQtlWSg22iy8f2cEAsZwhRPZKj7m8r"
    "Yt6pYUttLK6kI5lJIp46wXGoiqoxwzvEz8uH/bpLZALvWeBcfR9EEq2qp2VXx4nTXDjJedGxGaE+laVNYMtS5UdG"
    "LwXwY2g1aTVZDW8fRPRoKPlJdwo0odp7AQIDAQAB"
)
VECTOR_BODY = b'{"reply_id":"a175e797-2b54-468b-9850-41a3eab32f74","content":"Hi"}'
VECTOR_HEADERS = {
    "Date": "Wed, 18 Jul 2018 06:33:52 GMT",
    "X-Messagemedia-Digest-Type": "SHA224",
    "X-Messagemedia-Cipher-Type": "RSA",
    "X-Messagemedia-Signature": (
        "aZekJd8wb4nrNY6I/r2UcBH/+YkMNjroxHOPBiQ9leCaZSyznew08W0xR8wteTjxfYWEWjxbpiqTSmf4oN6u"
        "vS9tRtz4EZ0qgoAbt4IatYPuSiIsZS2E6F8zuJLba1krXKz5y+zGnMxf/8rvOzr1isrn4dcCIrA24DonfykE"
        "5DY="
    ),
}


def readme_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_its_examples():
    blocks = readme_blocks()
    assert len(blocks) >= 7
    assert any("send_batch" in b for b in blocks)
    assert any("verify_signature" in b for b in blocks)


def test_every_readme_example_runs_against_the_sandbox(tmp_path, monkeypatch, capsys):
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "recipients.csv", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)  # the batch example opens examples/recipients.csv
    with SandboxServer() as sandbox:
        sandbox.add_account("API_KEY", "API_SECRET", sub_accounts=["SUB-ACCOUNT"])
        # Where the README leaves the host to the default, point it at the sandbox the
        # way official-SDK code did: through the legacy class attribute.
        monkeypatch.setattr(Configuration, "base_uri", sandbox.url)
        namespace = {
            "raw_body": VECTOR_BODY,
            "request_headers": VECTOR_HEADERS,
            "PUBLIC_KEY_B64": VECTOR_KEY,
        }
        for block in readme_blocks():
            exec(compile(block, str(README), "exec"), namespace)
        client = namespace["client"]  # the last one: the sandbox section's own
        assert isinstance(client, MessageMediaMessagesClient)
        assert client.config.base_uri.startswith("http://127.0.0.1:")
        assert namespace["sub_client"].config.account_id == "SUB-ACCOUNT"
        assert namespace["status"].status == "scheduled"
        assert sandbox.messages()[0]["content"] == "Hello!"
        result = namespace["result"]
        assert result.counts["accepted"] > 250 and result.counts["invalid"] > 0
        assert isinstance(namespace["event"], Reply)
        assert callable(namespace["app"])
        assert post_the_vector(namespace["asgi_app"]) == (200, b'{"ok": true}')
        client.close()
    out = capsys.readouterr().out
    assert "queued" in out
    assert "received Reply" in out  # the ASGI example's handler, behind Starlette's Mount


def post_the_vector(asgi_app) -> tuple[int, bytes]:
    """Serve `asgi_app` with uvicorn on 127.0.0.1 and POST it the signed test vector."""
    server = UvicornServer(asgi_app)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        connection.request("POST", "/webhooks/mm", body=VECTOR_BODY, headers=VECTOR_HEADERS)
        response = connection.getresponse()
        answer = (response.status, response.read())
        connection.close()
        return answer
    finally:
        server.close()


@pytest.mark.parametrize("name", ["client", "sub_client"])
def test_readme_clients_never_default_to_the_real_api_in_tests(name):
    # The examples must not name a real host other than in comments.
    code = "\n".join(readme_blocks())
    assert "api.messagemedia.com" not in code.replace("# region", "")
    assert f"{name} = MessageMediaMessagesClient(" in code
