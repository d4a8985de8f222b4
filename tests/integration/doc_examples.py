"""Running the Python examples of the README and the documentation pages against the sandbox."""

from __future__ import annotations

import http.client
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_webhooks_sandbox import UvicornServer

from message_media_messages import MessageMediaMessagesClient, SandboxServer
from message_media_messages.configuration import Configuration

ROOT = Path(__file__).resolve().parents[2]

# The API.md §4.3 signed-webhook test vector: what the webhook examples verify.
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


def python_blocks(path: Path) -> list[str]:
    """The fenced Python blocks of a Markdown file, in order (dedented, as in a list item)."""
    found = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    return [textwrap.dedent(block) for block in found]


def run_blocks(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run a file's blocks in order, in one namespace, as a reader would paste them.

    Names the examples take as given: `client` (a client as Getting started builds it),
    `raw_body`, `request_headers` and `PUBLIC_KEY_B64` (API.md's signed-webhook test
    vector). The sandbox's stored messages are returned as `stored`.
    """
    (tmp_path / "examples").mkdir(exist_ok=True)
    shutil.copy(ROOT / "examples" / "recipients.csv", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)  # the batch examples open examples/recipients.csv
    with SandboxServer() as sandbox:
        sandbox.add_account("API_KEY", "API_SECRET", sub_accounts=["SUB-ACCOUNT"])
        # Examples that leave the host to the default reach the sandbox the legacy way.
        monkeypatch.setattr(Configuration, "base_uri", sandbox.url)
        namespace: dict[str, Any] = {
            "__name__": "docs_example",  # a script of its own (Flask(__name__) needs one)
            "client": MessageMediaMessagesClient("API_KEY", "API_SECRET"),
            "raw_body": VECTOR_BODY,
            "request_headers": VECTOR_HEADERS,
            "PUBLIC_KEY_B64": VECTOR_KEY,
        }
        for block in python_blocks(path):
            exec(compile(block, str(path), "exec"), namespace)
        namespace["stored"] = sandbox.messages()
    return namespace


def post_the_vector(asgi_app: Any) -> tuple[int, bytes]:
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
