"""HTTP plumbing: plain request/response data, auth, retry policy, and the one transport.

`BaseTransport` is the interface `MessageMediaMessagesClient(transport=...)` accepts.
"""

from ._base_transport import BaseTransport, Timeout

__all__ = ["BaseTransport", "Timeout"]
