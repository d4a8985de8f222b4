"""Background delivery of sandbox webhooks, optionally RSA-signed the way MessageMedia signs."""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any, Literal
from urllib.parse import SplitResult, urlsplit

from ._signing import SigningKey, WebhookSigner, check_digest

__all__ = ["DeliveryRecord", "WebhookDispatcher"]

logger = logging.getLogger("message_media_messages.sandbox")

USER_AGENT = "MessageMedia-Sandbox-Webhooks/1.0"
Outcome = Literal["delivered", "failed", "refused"]


@dataclass(frozen=True)
class DeliveryRecord:
    """The final result of one webhook.

    Attributes:
        url: The callback URL.
        payload: The JSON payload as sent (decoded back from the body bytes).
        outcome: `"delivered"` (a 2xx came back), `"failed"` (attempts exhausted or
            the dispatcher closed) or `"refused"` (never contacted: URL not allowed).
        attempts: Number of HTTP attempts made (0 when refused).
        status: HTTP status of the last attempt that got a response, else None.
        error: Why the last attempt failed or why the URL was refused, else None.
        signed: Whether the requests carried the X-Messagemedia-* signature headers.
    """

    url: str
    payload: dict[str, Any]
    outcome: Outcome
    attempts: int
    status: int | None
    error: str | None
    signed: bool


@dataclass(frozen=True)
class _Job:
    url: str
    target: SplitResult
    body: bytes


def _refusal(url: str, allow_non_loopback: bool) -> tuple[SplitResult | None, str | None]:
    """Parse `url`; return (parts, None) if it may be contacted, else (None, reason)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return None, f"malformed URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return None, f"scheme {parts.scheme!r} is not http or https"
    host = parts.hostname
    if not host:
        return None, "URL has no host"
    if allow_non_loopback or host == "localhost":
        return parts, None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return parts, None
    except ValueError:
        pass  # a name other than localhost: not resolved, so never contacted
    return None, f"non-loopback destination {host!r} (pass allow_non_loopback=True to allow)"


class WebhookDispatcher:
    """Deliver webhooks in order from one daemon thread, with retries and optional signing.

    Args:
        allow_non_loopback: Allow destinations other than 127.0.0.0/8, ::1 and localhost.
        signing_key: If set, sign each request as MessageMedia does: a `cryptography`
            `RSAPrivateKey` or its PEM (`str` or `bytes`); needs the `webhooks` extra.
        digest: `"SHA224"`, `"SHA256"` or `"SHA512"` (used when signing).
        key_id: Value of `X-Messagemedia-Key-Id`; a fresh UUID4 by default.
        max_attempts: HTTP attempts per webhook before it is recorded as failed.
        backoff: Seconds before the first retry; doubles after each failed attempt.
        timeout: Connect and read timeout of each attempt, in seconds.

    Raises:
        TypeError: `signing_key` is of another type.
        ValueError: A bad digest, PEM or setting, or a key too short for the digest.
        ImportError: Signing without `cryptography` installed.
    """

    def __init__(
        self,
        allow_non_loopback: bool = False,
        signing_key: SigningKey | None = None,
        digest: str = "SHA256",
        key_id: str | None = None,
        max_attempts: int = 5,
        backoff: float = 0.2,
        timeout: float = 5.0,
    ) -> None:
        check_digest(digest)  # even unsigned: a setting that could never sign is refused
        if max_attempts < 1 or backoff < 0 or timeout <= 0:
            raise ValueError("need max_attempts >= 1, backoff >= 0 and timeout > 0")
        self._signer = WebhookSigner(signing_key, digest) if signing_key is not None else None
        self.allow_non_loopback = allow_non_loopback
        self.signing_key = self._signer.key if self._signer is not None else None
        self.digest = digest
        self.key_id = key_id if key_id is not None else str(uuid.uuid4())
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.timeout = timeout
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._records: list[DeliveryRecord] = []
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = threading.Event()
        self._worker = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._worker.start()

    @property
    def public_key_b64(self) -> str | None:
        """Base64 DER SubjectPublicKeyInfo of the signing key, or None when unsigned."""
        return self._signer.public_key_b64 if self._signer is not None else None

    @property
    def deliveries(self) -> list[DeliveryRecord]:
        """A snapshot of the finished webhooks, in the order they finished."""
        with self._idle:
            return list(self._records)

    def post(self, url: str, payload: dict[str, Any]) -> None:
        """Queue `payload` for delivery to `url` and return at once.

        A URL that may not be contacted (see `allow_non_loopback`; non-http(s) schemes
        always) is recorded as refused right away, with a WARNING log line.

        Args:
            url: The callback URL; its path and query go into the request line.
            payload: The JSON object to send, serialized now (later changes are not sent).

        Raises:
            TypeError: `payload` is not JSON-serializable.
            ValueError: `payload` is not JSON-serializable (e.g. a circular reference).
        """
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        parts, reason = _refusal(url, self.allow_non_loopback)
        with self._idle:  # the same lock as close(): nothing is queued after the sentinel
            if parts is not None and not self._closed.is_set():
                self._pending += 1
                self._queue.put(_Job(url, parts, body))
                return
        reason = reason or "dispatcher is closed"
        logger.warning("webhook to %s refused, not contacted: %s", url, reason)
        self._finish(url, body, "refused", 0, None, reason)

    def wait_idle(self, timeout: float) -> bool:
        """Block until every queued webhook has finished.

        Args:
            timeout: Maximum seconds to wait.

        Returns:
            True if idle, False if the timeout expired first.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = None) -> None:
        """Stop the worker and join it.

        The attempt in flight (if any) completes; retries are abandoned and webhooks still
        queued are recorded as failed. Later `post` calls are recorded as refused.

        Args:
            timeout: Maximum seconds to wait for the worker; None waits for it.
        """
        with self._idle:
            self._closed.set()
            self._queue.put(None)
        self._worker.join(timeout)

    def __enter__(self) -> WebhookDispatcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------ worker

    def _run(self) -> None:
        """Worker loop: one job at a time, in order, until the `None` sentinel."""
        while (job := self._queue.get()) is not None:
            if self._closed.is_set():
                self._finish(
                    job.url, job.body, "failed", 0, None, "dispatcher closed before delivery"
                )
                continue
            try:
                self._deliver(job)
            except Exception as exc:  # the worker must outlive any bug or odd failure
                logger.exception("webhook to %s: unexpected error", job.url)
                self._finish(job.url, job.body, "failed", 0, None, f"unexpected error: {exc!r}")

    def _deliver(self, job: _Job) -> None:
        """Attempt `job` up to max_attempts times with exponential backoff."""
        status: int | None = None
        error: str | None = None
        attempt = 0
        while attempt < self.max_attempts:
            if attempt and self._closed.wait(self.backoff * 2 ** (attempt - 1)):
                error = "dispatcher closed during retries"
                break
            attempt += 1
            try:
                status, error = self._attempt(job), None
            except (OSError, http.client.HTTPException) as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            if status is not None and 200 <= status < 300:
                logger.debug("webhook to %s: %d after %d attempt(s)", job.url, status, attempt)
                self._finish(job.url, job.body, "delivered", attempt, status, None)
                return
            logger.info(
                "webhook to %s: attempt %d failed (%s)", job.url, attempt, error or f"HTTP {status}"
            )
        logger.warning("webhook to %s dropped after %d attempt(s)", job.url, attempt)
        self._finish(job.url, job.body, "failed", attempt, status, error or f"HTTP {status}")

    def _attempt(self, job: _Job) -> int:
        """One POST; returns the status code. Date (and signature) are made per attempt."""
        target = job.target
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        headers = self._headers(path, job.body)
        connection_class = (
            http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(target.hostname or "", target.port, timeout=self.timeout)
        try:
            connection.request("POST", path, body=job.body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def _headers(self, path: str, body: bytes) -> dict[str, str]:
        """Request headers; with a signing key, the X-Messagemedia-* set of API.md section 4.3."""
        date = formatdate(usegmt=True)
        headers = {
            "Content-Type": "application/json",
            "Date": date,
            "User-Agent": USER_AGENT,
        }
        if self._signer is not None:
            # http.client always sends HTTP/1.1; the receiver rebuilds this exact line.
            signed = f"POST {path} HTTP/1.1{date}".encode("latin-1") + body
            signature = self._signer.sign(signed)
            headers.update(
                {
                    "X-Messagemedia-Cipher-Type": "RSA",
                    "X-Messagemedia-Digest-Type": self.digest,
                    "X-Messagemedia-Key-Id": self.key_id,
                    "X-Messagemedia-Signature": base64.b64encode(signature).decode("ascii"),
                }
            )
        return headers

    def _finish(
        self,
        url: str,
        body: bytes,
        outcome: Outcome,
        attempts: int,
        status: int | None,
        error: str | None,
    ) -> None:
        """Record the final result and wake `wait_idle` callers."""
        record = DeliveryRecord(
            url=url,
            payload=json.loads(body),
            outcome=outcome,
            attempts=attempts,
            status=status,
            error=error,
            signed=self._signer is not None and attempts > 0,
        )
        with self._idle:
            self._records.append(record)
            if outcome != "refused":
                self._pending -= 1
            self._idle.notify_all()
