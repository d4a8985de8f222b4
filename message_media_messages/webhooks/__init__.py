"""Verify MessageMedia's signed webhooks and parse delivery-report and reply callbacks."""

# The public face of _payloads (parsing), _signatures (RSA checks), _app (the WSGI receiver)
# and _asgi (the ASGI receiver): users import from here, and no module of the package imports
# this one. Names load on first use, so the WSGI receiver never imports asyncio.

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models._lazy import lazy_names

if TYPE_CHECKING:
    from ._app import Handler as Handler, WebhookApp as WebhookApp, make_wsgi_app as make_wsgi_app
    from ._asgi import (
        AsgiHandler as AsgiHandler,
        AsgiWebhookApp as AsgiWebhookApp,
        make_asgi_app as make_asgi_app,
    )
    from ._payloads import (
        Body as Body,
        Callback as Callback,
        WebhookPayloadError as WebhookPayloadError,
        parse_callback as parse_callback,
        parse_delivery_report as parse_delivery_report,
        parse_reply as parse_reply,
    )
    from ._signatures import (
        DIGEST_TYPES as DIGEST_TYPES,
        WebhookSignatureError as WebhookSignatureError,
        verify_signature as verify_signature,
    )

_HOMES = {
    **dict.fromkeys(["Handler", "WebhookApp", "make_wsgi_app"], "_app"),
    **dict.fromkeys(["AsgiHandler", "AsgiWebhookApp", "make_asgi_app"], "_asgi"),
    **dict.fromkeys(
        ["Body", "Callback", "WebhookPayloadError", "parse_callback", "parse_delivery_report"],
        "_payloads",
    ),
    "parse_reply": "_payloads",
    **dict.fromkeys(["DIGEST_TYPES", "WebhookSignatureError", "verify_signature"], "_signatures"),
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES)
__all__ = __dir__()
