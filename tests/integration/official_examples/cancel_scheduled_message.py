"""Schedule a message an hour ahead, then cancel it (the official README's cancel call)."""

from datetime import datetime, timedelta, timezone

from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.cancel_scheduled_message_request import (
    CancelScheduledMessageRequest,
)
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = True

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
messages_controller = client.messages

later = datetime.now(timezone.utc) + timedelta(hours=1)
body = SendMessagesRequest(
    messages=[Message(content="Later", destination_number="+61491570156", scheduled=later)]
)
message_id = messages_controller.send_messages(body).messages[0].message_id

body = CancelScheduledMessageRequest()
body.status = "cancelled"
result = messages_controller.cancel_scheduled_message(message_id, body)
print(message_id, result["status"])
