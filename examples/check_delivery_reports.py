"""Print the unconfirmed delivery reports, then confirm them so they are not returned again.

The API returns the oldest 100 unconfirmed reports, and keeps returning them until they are
confirmed: confirm only what you have processed. Credentials come from the environment
(MESSAGEMEDIA_API_KEY, MESSAGEMEDIA_API_SECRET, ...).

Usage: python examples/check_delivery_reports.py
"""

from __future__ import annotations

import sys

from message_media_messages import MessageMediaError, MessageMediaMessagesClient


def main(argv: list[str]) -> int:
    with MessageMediaMessagesClient.from_env() as client:
        reports = client.delivery_reports.check_delivery_reports().delivery_reports or []
        for report in reports:
            print(f"delivery_report_id={report.delivery_report_id} "
                  f"message_id={report.message_id} status={report.status} "
                  f"error_code={report.error_code} received={report.date_received}")  # fmt: skip
        if not reports:
            print("no unconfirmed delivery reports")
            return 0
        ids = [report.delivery_report_id for report in reports]
        client.delivery_reports.confirm_delivery_reports_as_received({"delivery_report_ids": ids})
        print(f"confirmed {len(ids)} delivery report(s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except MessageMediaError as exc:
        sys.exit(f"error: {exc}")
