"""Check delivery reports, print them, then confirm them (the official examples' flow)."""

from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = True

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
delivery_reports_controller = client.delivery_reports

result = delivery_reports_controller.get_check_delivery_reports()
ids = []
for report in result.delivery_reports:
    print(report.delivery_report_id, report.message_id, report.status, report.date_received)
    ids.append(report.delivery_report_id)

body = ConfirmDeliveryReportsAsReceivedRequest()
body.delivery_report_ids = ids
result = delivery_reports_controller.confirm_delivery_reports_as_received(body)
assert result is not None  # what the official 1.1.0 tests check
print("confirmed", len(ids))
