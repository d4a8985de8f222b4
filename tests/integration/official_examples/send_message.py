"""Send an SMS the way the official 2.x README does, with `metadata` from JSON text.

The official example decodes the metadata with `jsonpickle.decode`; this SDK does not
install jsonpickle, so `json.loads` does the same job (the migration guide's advice).
"""

import json

from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.format_enum import FormatEnum
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest

auth_user_name = "YOUR_API_KEY"
auth_password = "YOUR_SECRET_KEY"
use_hmac = False

client = MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)
messages_controller = client.messages

body = SendMessagesRequest()
body.messages = []
body.messages.append(Message())
body.messages[0].content = "My first message"
body.messages[0].destination_number = "+61491570156"
body.messages[0].format = FormatEnum.SMS
body.messages[0].delivery_report = True
body.messages[0].metadata = json.loads('{"key1": "value1", "key2": "value2"}')

result = messages_controller.send_messages(body)
print(result.messages[0].message_id, result.messages[0].status)
