"""Check replies with the 1.x name the official 2.x example uses, then confirm them."""

from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.confirm_replies_as_received_request import (
    ConfirmRepliesAsReceivedRequest,
)

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = False

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
replies_controller = client.replies

result = replies_controller.get_check_replies()
for reply in result.replies:
    print(reply.reply_id, reply.message_id, reply.content)

body = ConfirmRepliesAsReceivedRequest()
body.reply_ids = [reply.reply_id for reply in result.replies]
if body.reply_ids:  # an empty confirm is refused before sending (ValidationError)
    replies_controller.create_confirm_replies_as_received(body)
print("confirmed", len(body.reply_ids))
