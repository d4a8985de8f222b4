"""Every public import path of the official 1.1.0 / 2.x SDK resolves, with the same names."""

import importlib
import importlib.metadata
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import message_media_messages

# Every module of the official 2.1.3 wheel (API.md 6.2) and the classes it defines.
PATHS = {
    "message_media_messages": [],
    "message_media_messages.api_helper": ["APIHelper"],
    "message_media_messages.decorators": ["lazy_property"],
    "message_media_messages.controllers": [],
    "message_media_messages.exceptions": [],
    "message_media_messages.http": [],
    "message_media_messages.http.auth": [],
    "message_media_messages.http.auth.auth_manager": ["AuthManager"],
    "message_media_messages.http.http_call_back": ["HttpCallBack"],
    "message_media_messages.http.http_client": ["HttpClient"],
    "message_media_messages.http.http_method_enum": ["HttpMethodEnum"],
    "message_media_messages.http.requests_client": ["RequestsClient"],
    "message_media_messages.models": [],
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


def test_the_list_is_every_module_of_the_official_wheel():
    # The official 2.1.3 wheel's RECORD lists exactly these 43 modules (API.md 6.2).
    assert len(PATHS) == 43
    assert sum(1 for name in PATHS if name.startswith("message_media_messages.models.")) == 19


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


def test_auth_is_a_package_as_in_the_official_wheel():
    # The official wheel installs http/auth/ as a package; a module of ours of the same
    # name would be shadowed by it when installed over the official SDK (issue 9 item 8).
    from message_media_messages.http import auth

    assert auth.__file__.endswith("__init__.py")
    assert callable(auth.basic_authorization) and callable(auth.hmac_headers)
    namespace: dict = {}
    exec("from message_media_messages.http.auth import *", namespace)  # broken in 2.1.3
    assert "basic_authorization" in namespace


def test_auth_star_import_gives_auth_manager_in_a_fresh_interpreter():
    # 2.1.3's `__all__ = ['auth_manager.py']` meant the submodule; a fresh process, as the
    # submodule would be an attribute of the package once anything had imported it.
    code = (
        "from message_media_messages.http.auth import *\n"
        "print(auth_manager.AuthManager.__name__, basic_authorization('k', 's'))\n"
        "print(sorted(n for n in ('hashlib', 'base64', 'hmac', 'formatdate') if n in dir()))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["AuthManager Basic azpz", "[]"]


def test_api_helper_json_round_trip_on_stdlib_json():
    from message_media_messages.api_helper import APIHelper
    from message_media_messages.models.confirm_replies_as_received_request import (
        ConfirmRepliesAsReceivedRequest,
    )
    from message_media_messages.models.message import Message
    from message_media_messages.models.send_messages_request import SendMessagesRequest

    body = APIHelper.json_deserialize(
        '{"reply_ids":["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]}',
        ConfirmRepliesAsReceivedRequest.from_dictionary,
    )
    assert body.reply_ids == ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]
    request = SendMessagesRequest(
        messages=[Message(content="hi", destination_number="+61491570156")]
    )
    text = APIHelper.json_serialize(request)
    assert json.loads(text) == {
        "messages": [
            {"content": "hi", "destination_number": "+61491570156", "delivery_report": False}
        ]
    }
    assert APIHelper.to_dictionary(request) == json.loads(text)
    assert APIHelper.json_serialize(None) == "{}"
    assert APIHelper.json_deserialize(None) is None
    assert APIHelper.json_deserialize("not json") == "not json"  # the official contract
    assert APIHelper.json_deserialize("[1, 2]", lambda n: n * 10) == [10, 20]


def test_api_helper_never_runs_code_named_by_the_payload(capsys):
    from message_media_messages.api_helper import APIHelper

    hostile = '{"py/reduce": [{"py/function": "builtins.print"}, {"py/tuple": ["pwned"]}]}'
    decoded = APIHelper.json_deserialize(hostile)
    assert decoded == json.loads(hostile)  # plain data, nothing called
    assert "pwned" not in capsys.readouterr().out
    assert "jsonpickle" not in sys.modules


def test_http_method_enum_and_lazy_property():
    from message_media_messages.decorators import lazy_property
    from message_media_messages.http.http_method_enum import HttpMethodEnum

    assert HttpMethodEnum.PUT == "PUT"
    assert HttpMethodEnum.to_string("DELETE") == "DELETE"
    assert HttpMethodEnum.from_string("patch") == "PATCH"
    assert HttpMethodEnum.from_string("BREW") is None

    calls = []

    class Holder:
        @lazy_property
        def value(self):
            calls.append(1)
            return object()

    holder = Holder()
    assert holder.value is holder.value
    assert calls == [1]
    assert Holder.value is None  # as the official descriptor


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("message_media_messages.http.requests_client", "RequestsClient"),
        ("message_media_messages.http.http_client", "HttpClient"),
    ],
)
def test_official_http_clients_import_and_say_what_to_use(module, name):
    cls = getattr(importlib.import_module(module), name)
    assert "MessageMediaMessagesClient" in cls.__doc__
    with pytest.raises(NotImplementedError, match="timeout=") as caught:
        cls(timeout=60, max_retries=3, retry_interval=1)
    assert name in str(caught.value)


def test_official_auth_manager_imports_and_says_what_to_use():
    from message_media_messages.http.auth.auth_manager import AuthManager

    assert "MessageMediaMessagesClient" in AuthManager.__doc__
    for method in ("apply", "apply_basic_auth", "apply_hmac_auth", "create_signature"):
        with pytest.raises(NotImplementedError, match="MessageMediaMessagesClient"):
            getattr(AuthManager, method)(None, "https://api.messagemedia.com/v1/messages")


def test_http_call_back_base_methods_raise_as_in_2x():
    from message_media_messages.http.http_call_back import HttpCallBack

    with pytest.raises(NotImplementedError):
        HttpCallBack().on_before_request(None)
    with pytest.raises(NotImplementedError):
        HttpCallBack().on_after_response(None)


def test_jsonpickle_stays_out_of_the_package_and_the_guide_says_so():
    root = Path(__file__).resolve().parents[2]
    assert "jsonpickle" not in (root / "pyproject.toml").read_text()
    requires = importlib.metadata.requires("message-media-messages") or []
    assert requires and not [r for r in requires if r.lower().startswith("jsonpickle")]
    code = (
        "import importlib, pkgutil, sys, message_media_messages as m\n"
        "for info in pkgutil.walk_packages(m.__path__, m.__name__ + '.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        importlib.import_module(info.name)\n"
        "print('jsonpickle' in sys.modules, len(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "False"
    readme = (root / "README.md").read_text(encoding="utf-8")
    guide = (root / "docs" / "guides" / "migrating.md").read_text(encoding="utf-8")
    assert "list it in your own requirements" in guide
    assert "json.loads(" in guide and "jsonpickle.decode" in guide
    assert "pip install --force-reinstall --no-deps ." in guide  # from the checkout
    install = readme[readme.index("## Install") : readme.index("## Two commands")]
    assert "pip install --force-reinstall --no-deps ." in install
