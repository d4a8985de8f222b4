"""`config=` is a complete Configuration: arguments beside it are refused, never ignored."""

from __future__ import annotations

from typing import Any

import pytest

from message_media_messages import ConfigurationError, MessageMediaMessagesClient
from message_media_messages.configuration import Configuration

CONFIG = Configuration("key", "secret", base_uri="http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"base_uri": "http://127.0.0.1:10"}, "base_uri"),
        ({"use_hmac_autentication": True}, "use_hmac_authentication"),  # 1.1.0's spelling
        ({"use_hmac_authentication": True}, "use_hmac_authentication"),
        ({"auth_user_name": "other-key"}, "auth_user_name"),
        ({"auth_password": "other-secret"}, "auth_password"),
        ({"timeout": 60}, "timeout"),
        ({"region": "eu", "max_retries": 0}, "max_retries, region"),
    ],
)
def test_arguments_beside_config_are_refused_by_name(given: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        MessageMediaMessagesClient(config=CONFIG, **given)
    assert f"set {named} on it" in str(caught.value)
    assert "other-secret" not in str(caught.value)


def test_config_alone_and_from_env_still_work() -> None:
    client = MessageMediaMessagesClient(config=CONFIG, retry_policy=None, http_call_back=None)
    assert client.config is CONFIG
    env = {"MESSAGEMEDIA_API_KEY": "k", "MESSAGEMEDIA_API_SECRET": "s"}
    assert MessageMediaMessagesClient.from_env(env, max_retries=0).config.max_retries == 0
