"""A client used before fork(): every process gets the answers to its own requests.

`scripts/fork_senders.py` (a real, single-threaded process, as a pre-forking server is)
sends once, so that its pool holds a keep-alive connection, then forks 4 children; the 5
processes send at once on the same client. Each message id returned must name the message
that process sent, as the sandbox stored it: a child that reused the parent's socket would
read another process's answer.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

SCRIPT = Path(__file__).parent / "scripts" / "fork_senders.py"


def test_forked_children_never_share_the_parents_connections() -> None:
    with SandboxServer() as sandbox:
        run = subprocess.run(
            [sys.executable, str(SCRIPT), sandbox.url, sandbox.api_key, sandbox.api_secret],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        outcome = json.loads(run.stdout)
        records = outcome["records"]
        assert outcome["exit_codes"] == [0, 0, 0, 0]
        with MessageMediaMessagesClient(
            sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
        ) as checker:
            # An id whose stored message is another process's: that answer was not ours.
            crossed = [
                r for r in records
                if r[2] is not None and checker.messages.get_message_status(r[2]).content != r[1]
            ]  # fmt: skip
        failures = [r for r in records if r[3] is not None]
        assert (len(crossed), len(failures)) == (0, 0), (crossed[:3], failures[:3])
        assert Counter(r[0] for r in records) == {
            "parent": 14, "child0": 12, "child1": 12, "child2": 12, "child3": 12,
        }  # fmt: skip
        ids = [r[2] for r in records]
        assert len(set(ids)) == len(ids)  # no answer was read twice


HOLDER = Path(__file__).parent / "scripts" / "fork_holder.py"


def test_a_child_forked_by_a_killed_holder_does_not_keep_its_journal(tmp_path: Path) -> None:
    journal = str(tmp_path / "batch.journal")
    with SandboxServer() as sandbox:
        holder = subprocess.Popen(
            [sys.executable, str(HOLDER), sandbox.url, sandbox.api_key, sandbox.api_secret,
             journal],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert holder.stdout is not None
        worker = int(holder.stdout.readline())
        try:
            assert holder.wait(timeout=120) == -signal.SIGKILL
            os.kill(worker, 0)  # the holder's forked child is still running
            with MessageMediaMessagesClient(
                sandbox.api_key, sandbox.api_secret, base_uri=sandbox.url
            ) as client:
                rows = [{"content": f"row {i}", "destination_number": "+61491570156"}
                        for i in range(3)]  # fmt: skip
                with client.messages.send_batch(rows, journal=journal) as rerun:
                    assert rerun.counts == {"accepted": 3}  # resumed from the journal
            assert sandbox.requests_seen("/v1/messages") == 1  # nothing was sent twice
        finally:
            os.kill(worker, signal.SIGKILL)
            holder.stdout.close()
