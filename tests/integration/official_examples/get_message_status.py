"""Get a message's status; the error handler prints what the official example prints."""

import sys

from message_media_messages.exceptions.api_exception import APIException
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = False

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
messages_controller = client.messages
message_id = sys.argv[1]

try:
    result = messages_controller.get_message_status(message_id)
    print("status:", result.status)
except APIException as e:
    print("response code:", e.response_code)
    print("parameters:", e.context.request.parameters)
    print("query parameters:", e.context.request.query_parameters)
    print("files:", e.context.request.files)
    print("body:", e.context.response.raw_body)
