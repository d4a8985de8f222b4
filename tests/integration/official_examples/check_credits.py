"""Check the credits left, and the delivery reports, as the official HEAD example does
(it calls the 1.x name `get_check_delivery_reports` from a 2.x-era file)."""

from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = False

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
messages_controller = client.messages
result = messages_controller.check_credits_remaining()
print("credits:", result["remaining_credits"])

delivery_reports_controller = client.delivery_reports
result = delivery_reports_controller.get_check_delivery_reports()
print("reports:", len(result.delivery_reports))
