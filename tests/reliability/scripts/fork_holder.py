"""Run a journaled batch, fork a long-lived worker, then die by SIGKILL, result still open.

Usage: fork_holder.py URL API_KEY API_SECRET JOURNAL. The worker (a multiprocessing or
pre-fork child, as it would be) prints its pid once it runs, then sleeps; the holder kills
itself only after that line, so the worker is alive and past fork when the test looks.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from message_media_messages import MessageMediaMessagesClient

ROWS = [{"content": f"row {i}", "destination_number": "+61491570156"} for i in range(3)]


def main() -> None:
    url, key, secret, journal = sys.argv[1:5]
    client = MessageMediaMessagesClient(key, secret, base_uri=url)
    result = client.messages.send_batch(ROWS, journal=journal)  # kept open: the lock is held
    assert result.counts == {"accepted": 3}, result.counts
    ready, told = os.pipe()
    if os.fork() == 0:
        print(os.getpid(), flush=True)
        os.write(told, b"x")
        time.sleep(120)
        os._exit(0)
    os.read(ready, 1)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
