"""Send from one client, fork 4 children, then all 5 processes send on it at once.

Usage: fork_senders.py URL API_KEY API_SECRET. Prints one JSON object: every send made,
as [process label, content, message id or null, error or null], and each child's exit
status. The process is single-threaded when it forks, as a pre-forking server is.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from message_media_messages import MessageMediaMessagesClient

CHILDREN = 4
SENDS = 12  # per process
DESTINATION = "+61491570156"


def send(client: MessageMediaMessagesClient, label: str, content: str) -> list[Any]:
    try:
        body = {"messages": [{"content": content, "destination_number": DESTINATION}]}
        result = client.messages.send_messages(body)
        return [label, content, result.messages[0].message_id, None]
    except Exception as exc:  # recorded: the test shows every failure
        return [label, content, None, f"{type(exc).__name__}: {exc}"]


def sends(client: MessageMediaMessagesClient, label: str) -> list[list[Any]]:
    return [send(client, label, f"{label} #{i} from pid {os.getpid()}") for i in range(SENDS)]


def child(client: MessageMediaMessagesClient, label: str, go: int, out: int) -> None:
    os.read(go, 1)  # every process starts sending at the same moment
    data = json.dumps(sends(client, label)).encode()
    while data:
        data = data[os.write(out, data) :]


def main() -> None:
    url, key, secret = sys.argv[1:4]
    client = MessageMediaMessagesClient(key, secret, base_uri=url, max_retries=0, timeout=(3, 3))
    records = [send(client, "parent", "parent before the fork")]  # the pool holds a connection
    go_read, go_write = os.pipe()
    children: list[tuple[int, int]] = []
    for n in range(CHILDREN):
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(go_write)
            os.close(out_read)
            try:
                child(client, f"child{n}", go_read, out_write)
            finally:
                os._exit(0)
        os.close(out_write)
        children.append((pid, out_read))
    os.close(go_read)
    os.write(go_write, b"g" * CHILDREN)
    records += sends(client, "parent")
    statuses = []
    for pid, out_read in children:
        with os.fdopen(out_read, "rb") as pipe:
            records += json.loads(pipe.read() or b"[]")
        statuses.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    records.append(send(client, "parent", "parent after the children"))  # its pool still works
    print(json.dumps({"records": records, "exit_codes": statuses}))


if __name__ == "__main__":
    main()
