"""Try the whole API offline: start an embedded sandbox and walk a message's life.

send -> status -> advance the sandbox to delivery -> delivery reports -> a handset reply
-> confirm both. Needs no credentials: the sandbox runs in this process on a free port.

Usage: python examples/sandbox_quickstart.py [DESTINATION_NUMBER]
"""

from __future__ import annotations

import sys

from message_media_messages import MessageMediaMessagesClient
from message_media_messages.sandbox import SandboxServer

DEFAULT_DESTINATION = "+61491570156"


def main(argv: list[str]) -> int:
    destination = argv[1] if len(argv) > 1 else DEFAULT_DESTINATION
    with SandboxServer() as sandbox:
        print(f"1. sandbox running at {sandbox.url}")
        key, secret, hmac = sandbox.api_key, sandbox.api_secret, True  # False: Basic auth
        with MessageMediaMessagesClient(key, secret, hmac, base_uri=sandbox.url) as client:
            sms = {"content": "Hi", "destination_number": destination, "delivery_report": True}
            body = {"messages": [sms]}
            message_id = client.messages.send_messages(body).messages[0].message_id
            print(f"2. sent message_id={message_id}")
            print(f"3. status: {client.messages.get_message_status(message_id).status}")
            sandbox.advance(to_final=True)  # queued -> enroute -> submitted -> delivered
            print(f"4. after advance: {client.messages.get_message_status(message_id).status}")
            reports = client.delivery_reports.check_delivery_reports().delivery_reports or []
            for report in reports:
                print(f"5. delivery report {report.delivery_report_id}: {report.status}")
            ids = [report.delivery_report_id for report in reports]
            client.delivery_reports.confirm_delivery_reports_as_received(
                {"delivery_report_ids": ids})  # fmt: skip
            print(f"6. confirmed {len(ids)} delivery report(s)")
            sandbox.inject_reply(message_id, "Thanks, got it!")  # as if the handset replied
            for reply in client.replies.check_replies().replies or []:
                print(f"7. reply {reply.reply_id}: {reply.content!r}")
                client.replies.confirm_replies_as_received({"reply_ids": [reply.reply_id]})
                print(f"8. confirmed reply {reply.reply_id}")
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
