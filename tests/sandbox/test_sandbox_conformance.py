"""The sandbox conforms to both Messages OpenAPI specs (schemathesis, over real HTTP).

Checks run, and why only these: `not_a_server_error` (no 5xx, whatever the input),
`status_code_conformance` (every status is one the spec documents for the operation),
`content_type_conformance` and `response_schema_conformance` (each body matches the
documented media type and schema). Left out: the checks that expect every schema-valid
request to be accepted (`positive_data_acceptance`) or every schema-invalid one refused,
because the API's real rules are partly prose-only (8 to 15 digits after "+", MMS-only
fields, metadata limits): a schema-valid body the API refuses gets a documented 400, which
the four checks above still verify.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from message_media_messages.sandbox import DEFAULT_API_KEY, DEFAULT_API_SECRET, SandboxServer

SPECS = Path(__file__).parent / "specs"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = 7  # the documented ones: send, status, cancel, DRs, confirm DRs, replies, confirm
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE


@dataclass
class Tally:
    """What one run saw: cases per operation, response statuses, failed checks."""

    cases: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _exercise(
    operation: Any, headers: dict[str, str], mode: Any, examples: int, tally: Tally
) -> None:
    """Run `examples` generated cases of one operation; record results, never stop early."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        derandomize=True,  # the same cases on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case: Any) -> None:
        tally.cases[case.operation.label] += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            tally.statuses[response.status_code] += 1
        except Exception as error:  # a failed check: keep going, report them all
            tally.failures.append(f"{case.operation.label}: {str(error)[:800]}")

    exercise()


def _run(spec: str, headers: dict[str, str], mode: Any, examples: int) -> Tally:
    """Drive every operation of `spec` against a fresh sandbox on 127.0.0.1."""
    tally = Tally()
    with SandboxServer() as sandbox:
        schema = schemathesis.openapi.from_path(SPECS / spec)
        schema.config.update(base_url=sandbox.url)
        for found in schema.get_all_operations():
            _exercise(found.ok(), headers, mode, examples, tally)
    return tally


def _credentials() -> dict[str, str]:
    """Basic auth with the key and secret a default sandbox accepts."""
    token = base64.b64encode(f"{DEFAULT_API_KEY}:{DEFAULT_API_SECRET}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize("spec", ["openapi-messages.yaml", "openapi-messages-2026.yaml"])
@pytest.mark.parametrize(("mode", "examples"), [(POSITIVE, 60), (NEGATIVE, 30)])
def test_sandbox_conforms_to_the_spec(spec: str, mode: Any, examples: int) -> None:
    tally = _run(spec, _credentials(), mode, examples)
    statuses = tally.statuses
    print(f"\n{spec} {mode.value}: {tally.cases.total()} cases, {dict(sorted(statuses.items()))}")
    assert tally.failures == []
    assert len(tally.cases) == OPERATIONS and min(tally.cases.values()) >= 5, tally.cases
    assert statuses[400] > 0  # the generated bodies did reach the sandbox's rules
    if mode is POSITIVE:
        assert statuses[202] > 0 and statuses[200] > 0 and statuses[404] > 0
    assert not set(statuses) & {401, 403}  # every case was authenticated


def test_without_credentials_every_operation_gets_the_documented_401() -> None:
    """The 2026 spec documents 401 (not 403) for authentication failures everywhere."""
    tally = _run("openapi-messages-2026.yaml", {}, POSITIVE, 10)
    print(f"\n2026 without credentials: {tally.cases.total()} cases, {dict(tally.statuses)}")
    assert tally.failures == []
    assert len(tally.cases) == OPERATIONS
    assert set(tally.statuses) == {401}


def test_lifecycle_responses_conform_to_the_2026_spec() -> None:
    """Generated cases hardly reach stored messages: walk real ones through every final
    status (magic numbers, scheduled, cancelled) and validate each answer against the spec."""
    schema = schemathesis.openapi.from_path(SPECS / "openapi-messages-2026.yaml")
    headers = _credentials()
    numbers = [f"+61491570{suffix}" for suffix in ("156", "901", "902", "903", "904", "905")]
    checked: Counter[str] = Counter()

    def call(path: str, method: str, **parts: Any) -> Any:
        operation = schema[path][method]
        response = operation.Case(headers=headers, **parts).call_and_validate(checks=CHECKS)
        checked[operation.label] += 1
        return response.json() if response.content else None

    with SandboxServer() as sandbox:
        schema.config.update(base_url=sandbox.url)
        body = {"messages": [{"content": "hi", "destination_number": n, "delivery_report": True}
                             for n in numbers]}  # fmt: skip
        body["messages"].append({**body["messages"][0], "scheduled": "2099-01-01T00:00:00Z"})
        sent = call("/v1/messages", "POST", body=body)["messages"]
        ids = [m["message_id"] for m in sent]
        call("/v1/messages/{messageId}", "PUT", path_parameters={"messageId": ids[-1]},
             body={"status": "cancelled"})  # fmt: skip
        seen = set()
        while True:
            for message_id in ids:
                status = call("/v1/messages/{messageId}", "GET",
                              path_parameters={"messageId": message_id})["status"]  # fmt: skip
                seen.add(status)
            if not sandbox.advance()["transitions"]:
                break
        sandbox.inject_reply(ids[0], "thanks")
        reports = call("/v1/delivery_reports", "GET")["delivery_reports"]
        replies = call("/v1/replies", "GET")["replies"]
        call("/v1/delivery_reports/confirmed", "POST",
             body={"delivery_report_ids": [r["delivery_report_id"] for r in reports]})
        call("/v1/replies/confirmed", "POST", body={"reply_ids": [r["reply_id"] for r in replies]})
    assert {"queued", "enroute", "submitted", "cancelled", "delivered", "failed", "expired",
            "rejected"} <= seen  # fmt: skip
    assert {r["status"] for r in reports} >= {"delivered", "failed", "expired", "rejected"}
    assert len(replies) == 2  # the 905 auto-reply and the injected one
    assert len(checked) == OPERATIONS
