"""The four clients the benchmark compares, each doing the same work per call.

Every client gets the same dict bodies and message ids, sends the same headers
(`User-Agent`, `Accept`, `Content-Type` on POST, Basic `Authorization`), checks the
status code and decodes the JSON answer. What each one does beyond that is its own cost:
the SDK validates the messages and builds response models; plain requests re-reads the
environment (proxies, CA bundle) and merges settings on every call.

The plain loops are written as a competent user would: every header (Basic
`Authorization` included) built once, the body `json.dumps`ed, `json.loads` on the bytes.
"""

from __future__ import annotations

import base64
import http.client
import json
from typing import Any

KEY, SECRET = "bench-api-key", "bench-api-secret"
SEND_PATH = "/v1/messages"
STATUS_PATH = "/v1/messages/{}"


def basic_authorization() -> str:
    """The `Authorization` header value for KEY and SECRET (Basic auth)."""
    return "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode("ascii")


class SDKClient:
    """message_media_messages, as its README shows it."""

    name = "sdk"

    def __init__(self, port: int) -> None:
        # Imported here: a plain-loop process never loads the SDK (nor tracks its objects).
        from message_media_messages import MessageMediaMessagesClient

        self.client = MessageMediaMessagesClient(KEY, SECRET, base_uri=f"http://127.0.0.1:{port}")
        self._messages = self.client.messages
        self.user_agent = self.client.config.user_agent

    def send(self, body: dict[str, Any]) -> Any:
        return self._messages.send_messages(body)

    def status(self, message_id: str) -> Any:
        return self._messages.get_message_status(message_id)

    def sent_ids(self, result: Any) -> list[str]:
        return [message.message_id for message in result.messages]

    def status_id(self, result: Any) -> str:
        return str(result.message_id)

    def close(self) -> None:
        self.client.close()


class RequestsClient:
    """What a reasonable user writes with a `requests.Session`."""

    name = "requests"

    def __init__(self, port: int, user_agent: str) -> None:
        import requests  # here: the http.client loop's process never loads requests

        self.session = requests.Session()
        self.base = f"http://127.0.0.1:{port}"
        self.get_headers = {
            "User-Agent": user_agent,
            "Accept": "application/json",
            "Authorization": basic_authorization(),
        }
        self.post_headers = {**self.get_headers, "Content-Type": "application/json; charset=utf-8"}

    def send(self, body: dict[str, Any]) -> Any:
        r = self.session.post(
            self.base + SEND_PATH,
            data=json.dumps(body),
            headers=self.post_headers,
            timeout=30,
        )
        r.raise_for_status()
        return json.loads(r.content)

    def status(self, message_id: str) -> Any:
        r = self.session.get(
            self.base + STATUS_PATH.format(message_id),
            headers=self.get_headers,
            timeout=30,
        )
        r.raise_for_status()
        return json.loads(r.content)

    def sent_ids(self, result: Any) -> list[str]:
        return [message["message_id"] for message in result["messages"]]

    def status_id(self, result: Any) -> str:
        return str(result["message_id"])

    def close(self) -> None:
        self.session.close()


class _BareLoop:
    """What the two bare loops share: headers built once, `json.dumps` out, `json.loads` in."""

    def __init__(self, user_agent: str) -> None:
        self.get_headers = {
            "User-Agent": user_agent,
            "Accept": "application/json",
            "Authorization": basic_authorization(),
        }
        self.post_headers = {**self.get_headers, "Content-Type": "application/json; charset=utf-8"}

    def _exchange(self, method: str, path: str, body: bytes | None, expect: int) -> Any:
        raise NotImplementedError

    def send(self, body: dict[str, Any]) -> Any:
        return self._exchange("POST", SEND_PATH, json.dumps(body).encode("utf-8"), 202)

    def status(self, message_id: str) -> Any:
        return self._exchange("GET", STATUS_PATH.format(message_id), None, 200)

    def sent_ids(self, result: Any) -> list[str]:
        return [message["message_id"] for message in result["messages"]]

    def status_id(self, result: Any) -> str:
        return str(result["message_id"])


class Urllib3Client(_BareLoop):
    """A bare `urllib3.HTTPConnectionPool` loop: the library under the SDK's transport, alone."""

    name = "urllib3"

    def __init__(self, port: int, user_agent: str) -> None:
        import urllib3  # here: only this flavour's process loads urllib3 directly

        super().__init__(user_agent)
        self.pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1, timeout=30)

    def _exchange(self, method: str, path: str, body: bytes | None, expect: int) -> Any:
        headers = self.post_headers if body is not None else self.get_headers
        r = self.pool.urlopen(method, path, body=body, headers=headers, retries=False)
        if r.status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {r.status}")
        return json.loads(r.data)

    def close(self) -> None:
        self.pool.close()


class HttpClientClient(_BareLoop):
    """A bare `http.client.HTTPConnection` keep-alive loop: the floor for stdlib Python."""

    name = "http.client"

    def __init__(self, port: int, user_agent: str) -> None:
        super().__init__(user_agent)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def _exchange(self, method: str, path: str, body: bytes | None, expect: int) -> Any:
        headers = self.post_headers if body is not None else self.get_headers
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {r.status}")
        return json.loads(data)

    def close(self) -> None:
        self.conn.close()


def make_client(
    name: str, port: int, user_agent: str
) -> SDKClient | RequestsClient | Urllib3Client | HttpClientClient:
    """The client called `name` ("sdk", "requests", "urllib3" or "http.client").

    `user_agent` is for the plain loops (give them the SDK's, so all send the same bytes).
    """
    if name == "sdk":
        return SDKClient(port)
    if name == "requests":
        return RequestsClient(port, user_agent)
    if name == "urllib3":
        return Urllib3Client(port, user_agent)
    if name == "http.client":
        return HttpClientClient(port, user_agent)
    raise ValueError(f"unknown client {name!r}")
