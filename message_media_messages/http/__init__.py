"""HTTP plumbing: plain request/response data, auth, retry policy, and the one transport.

`BaseTransport` is the interface `MessageMediaMessagesClient(transport=...)` accepts, and
`AsyncBaseTransport` the one `AsyncMessageMediaMessagesClient(transport=...)` accepts.
"""

from ._base_transport import AsyncBaseTransport, BaseTransport, Timeout

__all__ = ["AsyncBaseTransport", "BaseTransport", "Timeout"]
