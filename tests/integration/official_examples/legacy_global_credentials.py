"""The official 1.1.0 tests' way: a client without credentials, then the class attributes,
and a response catcher set on the controller."""

import json

from message_media_messages.api_helper import APIHelper
from message_media_messages.configuration import Configuration
from message_media_messages.http.http_call_back import HttpCallBack
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.send_messages_request import SendMessagesRequest


class HttpResponseCatcher(HttpCallBack):
    """Keeps the last response."""

    def on_before_request(self, request):
        pass

    def on_after_response(self, context):
        self.response = context.response


client = MessageMediaMessagesClient()
Configuration.basic_auth_user_name = "YOUR_API_KEY"
Configuration.basic_auth_password = "YOUR_SECRET_KEY"

controller = client.messages
catcher = HttpResponseCatcher()
controller.http_call_back = catcher

body = APIHelper.json_deserialize(
    '{"messages":[{"content":"Legacy","destination_number":"+61491570156"}]}',
    SendMessagesRequest.from_dictionary,
)
result = controller.create_send_messages(body)
assert catcher.response.status_code == 202
print(catcher.response.status_code, result.messages[0]["message_id"])
print(json.loads(catcher.response.raw_body)["messages"][0]["status"])
