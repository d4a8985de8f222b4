"""Exceptions raised by the SDK (2.x module paths kept)."""

from .api_exception import (
    APIConnectionError,
    APIException,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    MessageMediaError,
    NotFoundError,
    Problem,
    RateLimitError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from .send_messages_400_response_exception import SendMessages400ResponseException

__all__ = [
    "APIConnectionError",
    "APIException",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "MessageMediaError",
    "NotFoundError",
    "Problem",
    "RateLimitError",
    "SendMessages400ResponseException",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
]
