"""Local emulator of the MessageMedia Messages API over real HTTP (standard library only).

The sandbox imports nothing else from `message_media_messages`: its validation and HMAC
checks are an independent reading of the API reference, so it cannot share a client bug.

Quick start:

```python
from message_media_messages.sandbox import SandboxServer

with SandboxServer() as sandbox:          # 127.0.0.1, free port, manual clock
    ...  # point a client at sandbox.url with sandbox.api_key / sandbox.api_secret
    sandbox.advance(to_final=True)        # queued -> enroute -> submitted -> final
    sandbox.fail_next("status", status=503, retry_after=1, path="/v1/messages")
```

or `python -m message_media_messages.sandbox --port 8080` (realtime lifecycle).

Endpoints: the eight of the Messages API (`/v1/messages`, `/v1/messages/{id}`,
`/v1/messaging/credits`, `/v1/delivery_reports[/confirmed]`, `/v1/replies[/confirmed]`)
with Basic or HMAC auth, plus the unauthenticated control endpoints `POST
/_sandbox/advance`, `POST /_sandbox/replies`, `POST|GET /_sandbox/faults`, `GET
/_sandbox/messages`, `POST /_sandbox/reset`, `GET /_sandbox/stats` and `GET
/_sandbox/requests`.

Lifecycle: every message goes `queued -> enroute -> submitted -> <final>`, one status per
step (a step is one `advance()`, or one realtime tick); a delivery report is filed at each
change after `queued` when `delivery_report` is true. A `scheduled` time after the
sandbox clock keeps the message `scheduled` (cancellable) until the clock reaches it; a
`message_expiry_timestamp` the clock has passed makes the next step `expired`.

Magic destination numbers (by the last three digits of `destination_number`; any other
number is delivered, DR error_code 220):

| suffix | outcome |
| ------ | ------- |
| `901` | `failed` (DR error_code `400`) |
| `902` | `expired` (DR error_code `401`) |
| `903` | `rejected` (DR error_code `402`) |
| `904` | `failed` as unreachable (DR error_code `414`; `undeliverable` before 2026) |
| `905` | `delivered`, then an automatic reply `"Auto-reply to: <first 20 chars>"` |
| `999` | the whole send is rejected with 400 at submit, nothing stored (see below) |

A `999` send's 400 detail reads `messages[i].destination_number: destination is not
reachable (sandbox magic number 999)`.

Intermediate DR codes: `enroute` 101, `submitted` 200. An account out of credits still
gets 202, but its message ends `rejected` with error_code `301`.

Memory is bounded: at most `max_messages` (default 1,000,000) messages are kept, each for
`retention_days` (default 45, as the API keeps an entity 45 days) of simulated time from
its acceptance (or its `scheduled` time, if later); the oldest is evicted first. An
evicted message is gone as if it never existed: its status lookup and cancel answer 404
`{"message": "Resource not found."}`, it leaves `messages()`, makes no more lifecycle
steps, and its unconfirmed delivery reports and replies are dropped with it
(`stats()["evicted_messages"]` counts evictions).

Faults (`fail_next(kind, count=1, path=None, method=None, **opts)`, consumed in order by
API requests whose path starts with `path`; `/_sandbox/` is never faulted): `status`
(`status=500`, `retry_after=None`: JSON error, not processed), `reset_before` (TCP reset,
not processed), `reset_after` (processed, then reset), `hang` (`seconds=10`,
`process=False`: no answer, then close), `truncate` (processed; full Content-Length, half
the body), `malformed_json` (processed; right status, invalid JSON body), `html`
(`status=502`: HTML error page, not processed), `empty` (processed; Content-Length 0),
`trickle` (`interval=0.05`: processed; body sent one byte per interval).
"""

from __future__ import annotations

from ._accounts import DEFAULT_API_KEY, DEFAULT_API_SECRET
from ._cli import main
from ._faults import KINDS as FAULT_KINDS
from ._lifecycle import MAGIC_NUMBERS
from ._server import SandboxServer

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "FAULT_KINDS",
    "MAGIC_NUMBERS",
    "SandboxServer",
    "main",
]
