"""Every public import path of the official 1.1.0 / 2.x SDK resolves, with the same names."""

import importlib
import inspect

import pytest

import message_media_messages

PATHS = {
    "message_media_messages.message_media_messages_client": ["MessageMediaMessagesClient"],
    "message_media_messages.configuration": ["Configuration"],
    "message_media_messages.controllers.base_controller": ["BaseController"],
    "message_media_messages.controllers.messages_controller": ["MessagesController"],
    "message_media_messages.controllers.delivery_reports_controller": ["DeliveryReportsController"],
    "message_media_messages.controllers.replies_controller": ["RepliesController"],
    "message_media_messages.exceptions.api_exception": ["APIException"],
    "message_media_messages.exceptions.send_messages_400_response_exception": [
        "SendMessages400ResponseException"
    ],
    "message_media_messages.http.http_request": ["HttpRequest"],
    "message_media_messages.http.http_response": ["HttpResponse"],
    "message_media_messages.http.http_context": ["HttpContext"],
    "message_media_messages.models.cancel_scheduled_message_request": [
        "CancelScheduledMessageRequest"
    ],
    "message_media_messages.models.check_delivery_reports_response": [
        "CheckDeliveryReportsResponse"
    ],
    "message_media_messages.models.check_replies_response": ["CheckRepliesResponse"],
    "message_media_messages.models.confirm_delivery_reports_as_received_request": [
        "ConfirmDeliveryReportsAsReceivedRequest"
    ],
    "message_media_messages.models.confirm_delivery_reports_as_received_request_1": [
        "ConfirmDeliveryReportsAsReceivedRequest1"
    ],
    "message_media_messages.models.confirm_replies_as_received_request": [
        "ConfirmRepliesAsReceivedRequest"
    ],
    "message_media_messages.models.confirm_replies_as_received_request_1": [
        "ConfirmRepliesAsReceivedRequest1"
    ],
    "message_media_messages.models.delivery_report": ["DeliveryReport"],
    "message_media_messages.models.format_1_enum": ["Format1Enum"],
    "message_media_messages.models.format_enum": ["FormatEnum"],
    "message_media_messages.models.get_message_status_response": ["GetMessageStatusResponse"],
    "message_media_messages.models.message": ["Message"],
    "message_media_messages.models.reply": ["Reply"],
    "message_media_messages.models.send_messages_request": ["SendMessagesRequest"],
    "message_media_messages.models.send_messages_response": ["SendMessagesResponse"],
    "message_media_messages.models.source_number_type_enum": ["SourceNumberTypeEnum"],
    "message_media_messages.models.status_2_enum": ["Status2Enum"],
    "message_media_messages.models.status_enum": ["StatusEnum"],
    "message_media_messages.models.vendor_account_id": ["VendorAccountId"],
}

SEED_METHODS = {
    "messages": [
        "create_send_messages",
        "get_message_status",
        "update_cancel_scheduled_message",
    ],
    "delivery_reports": [
        "get_check_delivery_reports",
        "create_confirm_delivery_reports_as_received",
    ],
    "replies": ["get_check_replies", "create_confirm_replies_as_received"],
}
V2_METHODS = {
    "messages": [
        "send_messages",
        "get_message_status",
        "cancel_scheduled_message",
        "check_credits_remaining",
    ],
    "delivery_reports": ["check_delivery_reports", "confirm_delivery_reports_as_received"],
    "replies": ["check_replies", "confirm_replies_as_received"],
}


@pytest.mark.parametrize("module", sorted(PATHS))
def test_import_path(module):
    loaded = importlib.import_module(module)
    for name in PATHS[module]:
        assert inspect.isclass(getattr(loaded, name))


@pytest.mark.parametrize("module", ["models", "exceptions", "controllers"])
def test_package_star_exports(module):
    loaded = importlib.import_module(f"message_media_messages.{module}")
    namespace: dict = {}
    exec(f"from message_media_messages.{module} import *", namespace)
    for name in loaded.__all__:
        assert name in namespace


@pytest.mark.parametrize(("controller", "names"), [*SEED_METHODS.items(), *V2_METHODS.items()])
def test_controller_method_names(controller, names):
    from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

    client = MessageMediaMessagesClient("k", "s")
    for name in names:
        method = getattr(getattr(client, controller), name)
        assert "account_header" in inspect.signature(method).parameters


def test_client_positional_parameters_are_the_seeds():
    from message_media_messages.message_media_messages_client import MessageMediaMessagesClient

    params = list(inspect.signature(MessageMediaMessagesClient).parameters.values())
    assert [p.name for p in params[:3]] == [
        "auth_user_name",
        "auth_password",
        "use_hmac_authentication",
    ]
    assert all(p.kind is p.KEYWORD_ONLY or p.kind is p.VAR_KEYWORD for p in params[3:])


def test_top_level_exports_and_version():
    assert message_media_messages.__version__.count(".") == 2
    for name in message_media_messages.__all__:
        assert hasattr(message_media_messages, name)
    assert "MessageMediaMessagesClient" in message_media_messages.__all__


def test_send_400_exception_is_an_api_exception_with_message():
    from message_media_messages.exceptions.api_exception import APIException
    from message_media_messages.exceptions.send_messages_400_response_exception import (
        SendMessages400ResponseException,
    )

    assert issubclass(SendMessages400ResponseException, APIException)
