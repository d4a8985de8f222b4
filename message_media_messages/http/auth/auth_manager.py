"""AuthManager: the official 2.x module path, kept importable; signing lives in `http.auth`."""

from __future__ import annotations

from typing import Any, NoReturn

INSTEAD = (
    "AuthManager (official SDK 2.x) signed requests from global settings; here every "
    "client signs its own requests. Pass the credentials to "
    "MessageMediaMessagesClient(api_key, api_secret, use_hmac_authentication), or use "
    "message_media_messages.http.auth (basic_authorization, hmac_headers) directly"
)


class AuthManager:
    """Kept so that `from message_media_messages.http.auth.auth_manager import AuthManager`
    still imports; it has no role here.

    Instead: give credentials to `MessageMediaMessagesClient`, which signs every request
    it sends (Basic, or HMAC over the real method and the exact body); the pure signing
    functions are `message_media_messages.http.auth.basic_authorization` and
    `hmac_headers`. Calling any method raises `NotImplementedError` saying so.
    """

    @staticmethod
    def apply(*args: Any, **kwargs: Any) -> NoReturn:
        """Not available: see the class docstring."""
        raise NotImplementedError(INSTEAD)

    @staticmethod
    def apply_basic_auth(*args: Any, **kwargs: Any) -> NoReturn:
        """Not available: see the class docstring."""
        raise NotImplementedError(INSTEAD)

    @staticmethod
    def apply_hmac_auth(*args: Any, **kwargs: Any) -> NoReturn:
        """Not available: see the class docstring."""
        raise NotImplementedError(INSTEAD)

    @staticmethod
    def create_signature(*args: Any, **kwargs: Any) -> NoReturn:
        """Not available: see the class docstring."""
        raise NotImplementedError(INSTEAD)
