"""Helpers of the sandbox tests: a raw http.client API client, an HMAC signer, raw sockets."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from message_media_messages.sandbox import SandboxServer

HMAC_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}


@dataclass
class Resp:
    """A response read completely."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def hmac_headers(
    method: str,
    path: str,
    body: bytes,
    key: str,
    secret: str,
    *,
    algorithm: str = "sha1",
    date: str | None = None,
    style: str = "sdk",
    signed_method: str | None = None,
) -> dict[str, str]:
    """Sign a request the way the official SDK does (style "sdk") or the docs show ("doc")."""
    date = date or formatdate(usegmt=True)
    date_name, md5_name = ("date", "x-Content-MD5") if style == "sdk" else ("Date", "Content-MD5")
    headers = {date_name: date}
    lines = [f"{date_name}: {date}"]
    names = [date_name]
    if body:
        digest = hashlib.md5(body).hexdigest()
        headers[md5_name] = digest
        lines.append(f"{md5_name}: {digest}")
        names.append(md5_name)
    lines.append(f"{signed_method or method} {path} HTTP/1.1")
    names.append("request-line")
    mac = hmac.new(secret.encode(), "\n".join(lines).encode(), HMAC_DIGESTS[algorithm])
    signature = base64.b64encode(mac.digest()).decode()
    headers["Authorization"] = (
        f'hmac username="{key}", algorithm="hmac-{algorithm}", '
        f'headers="{" ".join(names)}", signature="{signature}"'
    )
    return headers


class ApiClient:
    """A keep-alive http.client connection to a sandbox with Basic (default) or HMAC auth."""

    def __init__(
        self,
        url: str,
        key: str,
        secret: str,
        *,
        scheme: str = "basic",
        algorithm: str = "sha1",
        account: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.key, self.secret, self.scheme, self.algorithm = key, secret, scheme, algorithm
        self.account, self.timeout = account, timeout
        self.conn: http.client.HTTPConnection | None = None

    def auth_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        if self.scheme == "hmac":
            return hmac_headers(method, path, body, self.key, self.secret, algorithm=self.algorithm)
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> Resp:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        sent: dict[str, str] = {"Accept": "application/json"}
        if data:
            sent["Content-Type"] = "application/json; charset=utf-8"
        if auth:
            sent.update(self.auth_headers(method, path, data))
        if self.account is not None:
            sent["Account"] = self.account
        sent.update(headers or {})
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(
                method, path, body=data if data or method != "GET" else None, headers=sent
            )
            response = self.conn.getresponse()
            payload = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return Resp(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)

    def send(self, *messages: dict[str, Any]) -> Resp:
        return self.request("POST", "/v1/messages", {"messages": list(messages)})

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def message(number: str = "+61491570156", content: str = "Hello", **fields: Any) -> dict[str, Any]:
    """A valid message body."""
    return {"content": content, "destination_number": number, **fields}


def control(server: SandboxServer, method: str, path: str, body: Any = None) -> Resp:
    """Call a /_sandbox/ endpoint (no auth) on a fresh connection."""
    api = ApiClient(server.url, "", "")
    try:
        return api.request(method, path, body, auth=False)
    finally:
        api.close()


def raw_exchange(server: SandboxServer, data: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes on a new socket; return everything read until the server closes."""
    with socket.create_connection((urlsplit(server.url).hostname, server.port), timeout) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Receiver:
    """A local webhook receiver that records every POST."""

    url: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)
    event: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.event:
            while len(self.calls) < count and time.monotonic() < deadline:
                self.event.wait(0.05)
            return list(self.calls)
