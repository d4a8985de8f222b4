"""Verify MessageMedia's signed webhooks and parse delivery-report and reply callbacks."""

# The public face of _payloads (parsing), _signatures (RSA checks) and _app (the WSGI
# receiver): users import from here, and no module of the package imports this one.

from __future__ import annotations

from ._app import Handler as Handler, WebhookApp, make_wsgi_app
from ._payloads import (
    Body as Body,
    Callback as Callback,
    WebhookPayloadError,
    parse_callback,
    parse_delivery_report,
    parse_reply,
)
from ._signatures import DIGEST_TYPES, WebhookSignatureError, verify_signature

__all__ = ["DIGEST_TYPES", "WebhookApp", "WebhookPayloadError", "WebhookSignatureError"]
__all__ += ["make_wsgi_app", "parse_callback", "parse_delivery_report", "parse_reply"]
__all__ += ["verify_signature"]
