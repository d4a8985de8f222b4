"""The one-call commands of `messagemedia`: send, status, cancel, credits, reports, replies."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any

from message_media_messages import MessageMediaMessagesClient

from . import _exit, _output

Output = _output.Output
InputError = _exit.InputError
Client = MessageMediaMessagesClient
Command = Callable[[Client, argparse.Namespace, Output], int]

PROG, EXIT_OK = _exit.PROG, _exit.EXIT_OK
SEND_FIELDS = {  # message field -> `send` option
    "destination_number": "to",
    "content": "text",
    "source_number": "source",
    "format": "format",
    "media": "media",
    "subject": "subject",
    "scheduled": "schedule",
    "callback_url": "callback_url",
}


def send(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`send`: send one message built from the options; print its id and status."""
    options = {field: getattr(args, name) for field, name in SEND_FIELDS.items()}
    message = {field: value for field, value in options.items() if value is not None}
    if args.metadata:
        message["metadata"] = dict(args.metadata)
    if args.delivery_report:
        message["delivery_report"] = True
    response = client.messages.send_messages({"messages": [message]})
    rows = [
        (m.message_id, m.status, m.destination_number, m.format) for m in response.messages or []
    ]
    columns = ("message_id", "status", "destination_number", "format")
    out.show(response.to_dictionary(), _output.table(columns, rows))
    return EXIT_OK


def status(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`status MESSAGE_ID`: print the message's current status."""
    data = client.messages.get_message_status(args.message_id).to_dictionary()
    out.show(data, _output.fields(data))
    return EXIT_OK


def cancel(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`cancel MESSAGE_ID`: cancel a scheduled message."""
    client.messages.cancel_scheduled_message(args.message_id)
    document = {"message_id": args.message_id, "status": "cancelled"}
    out.show(document, f"cancelled {args.message_id}")
    return EXIT_OK


def credits(client: Client, args: argparse.Namespace, out: Output) -> int:
    """`credits`: print the prepaid credits remaining."""
    data = client.messages.check_credits_remaining()
    out.show(data, _output.fields(data) if isinstance(data, Mapping) else str(data))
    return EXIT_OK


def _feed_command(kind: str, listing: str) -> Command:
    """The `reports` / `replies` command: check, confirm IDs, or --follow."""

    def run(client: Client, args: argparse.Namespace, out: Output) -> int:
        resource, plural = getattr(client, listing), listing.replace("_", " ")
        if args.action == "confirm" or args.ids:
            if args.action != "confirm" or not args.ids or args.follow:
                raise InputError(f"usage: {PROG} {args.command} confirm ID [ID ...]")
            confirm, most = getattr(resource, f"confirm_{listing}_as_received"), resource.MAX_IDS
            for start in range(0, len(args.ids), most):  # the API's limit per call
                confirm({f"{kind}_ids": args.ids[start : start + most]})
            out.show({"confirmed": args.ids}, f"confirmed {plural}: {len(args.ids)}")
            return EXIT_OK
        if args.follow:
            return _follow(resource, kind, args, out)
        if args.limit or args.poll_interval:
            raise InputError("--limit and --poll-interval go with --follow")
        response = getattr(resource, f"check_{listing}")()
        items = getattr(response, listing) or []
        lines = [_output.event_line(kind, item) for item in items]
        text = "\n".join([_output.event_header(), *lines])
        out.show(response.to_dictionary(), text if lines else f"no unconfirmed {plural}")
        return EXIT_OK

    return run


def _follow(resource: Any, kind: str, args: argparse.Namespace, out: Output) -> int:
    """Print items as they arrive; the iterator confirms each once we move past it."""
    items = resource.iter_unconfirmed(
        follow=True, poll_interval=args.poll_interval or 5.0, limit=args.limit
    )
    out.note(_output.event_header())
    try:
        for item in items:
            out.event(kind, item)
    except (KeyboardInterrupt, _exit.OutputClosed):
        pass  # the normal ways to stop following: Ctrl-C, or `| head` closing stdout
    finally:
        items.close()  # confirms what was handed over before the one being printed
    return EXIT_OK


reports = _feed_command("delivery_report", "delivery_reports")
replies = _feed_command("reply", "replies")
