"""The `messagemedia` command line: argparse over the package's public API only."""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

from message_media_messages import (
    MessageMediaError,
    MessageMediaMessagesClient,
    SandboxServer,
    TransportError,
    __version__,
    cli_output,
)

Output = cli_output.Output
InputError = cli_output.InputError
Client = MessageMediaMessagesClient
Command = Callable[[Client, argparse.Namespace, Output], int]

PROG = "messagemedia"
EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_CONNECTION, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
FINAL_STATUSES = frozenset(
    {"delivered", "failed", "expired", "rejected", "undeliverable", "cancelled"}
)
_GLOBAL_VALUE_OPTIONS = ("--base-url", "--account")
DESCRIPTION = (
    "Send and track messages with the MessageMedia Messages API. Credentials come from "
    "MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET; --sandbox needs none."
)
NO_CREDENTIALS = (
    "no API credentials: set MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET, or try --sandbox"
)
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
EPILOG = (
    "exit status: 0 ok, 1 API error, 2 usage or input error, 3 connection failure, "
    "4 some batch rows not accepted"
)


# ---------------------------------------------------------------- argument parsing


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, not {text}")
        return value

    return parse


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {text!r}")
    return key, value


def _add_feed_parser(sub: Any, name: str, what: str, common: list[Any]) -> None:
    parser = sub.add_parser(name, parents=common, help=f"check, confirm or follow {what}")
    add = parser.add_argument
    add("action", nargs="?", choices=("check", "confirm"), default="check", help="(default: check)")
    add("ids", nargs="*", metavar="ID", help="the ids to confirm")
    add("--follow", action="store_true", help=f"print {what} as they come, confirming them")
    add("--poll-interval", type=_positive(float), metavar="S", help="while idle (default: 5)")
    add("--limit", type=_positive(int), metavar="N", help="stop following after N")


def _add_send_parser(sub: Any, common: list[Any]) -> None:
    add = sub.add_parser("send", parents=common, help="send one message").add_argument
    add("--to", required=True, metavar="NUMBER", help="destination, E.164 (+61491570156)")
    add("--text", required=True, help="message content")
    add("--from", dest="source", metavar="NUMBER", help="source number or sender id")
    add("--format", choices=("SMS", "MMS", "TTS"), help="default: SMS")
    add("--media", nargs="+", action="extend", metavar="URL", help="MMS image URLs")
    add("--subject", help="MMS subject")
    add("--schedule", metavar="ISO", help="send later, e.g. 2030-01-01T09:00:00Z")
    add("--delivery-report", action="store_true", help="request delivery reports")
    add("--callback-url", metavar="URL", help="where delivery reports and replies are POSTed")
    add("--metadata", nargs="+", action="extend", type=_pair, metavar="KEY=VALUE")


def _add_batch_parser(sub: Any, common: list[Any]) -> None:
    add = sub.add_parser("batch", parents=common, help="send a CSV or JSON-lines file").add_argument
    add("file", metavar="FILE", help="CSV with a header row, or .jsonl/.ndjson")
    add("--concurrency", type=_positive(int), default=1, metavar="N", help="parallel requests")
    add("--journal", metavar="PATH", help="resume file: a rerun skips rows already accepted")
    add("--dry-run", action="store_true", help="validate and count segments; send nothing")
    add("--ledger", metavar="OUT.csv", help="write one CSV line per row (default: none)")
    add("--no-progress", action="store_true", help="no progress bar on stderr")
    add("--watch", action="store_true", help="then follow reports and replies until all final")
    add("--watch-timeout", type=_positive(float), metavar="S", help="stop watching (default: 60)")
    add("--poll-interval", type=_positive(float), default=1.0, metavar="S", help="while watching")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `messagemedia` (the `sandbox` arguments are not parsed here)."""
    common = argparse.ArgumentParser(add_help=False)  # also accepted after the command
    flag = functools.partial(common.add_argument, action="store_true", default=argparse.SUPPRESS)
    flag("--json", help="machine output: one JSON document (JSON lines when following)")
    flag("--debug", help="log HTTP calls and show tracebacks on stderr")
    parser = argparse.ArgumentParser(prog=PROG, parents=[common], description=DESCRIPTION,
                                     epilog=EPILOG)  # fmt: skip
    add = parser.add_argument
    add("--version", action="version", version=f"%(prog)s {__version__}")
    add("--sandbox", action="store_true", help="run against an embedded local sandbox")
    add("--base-url", metavar="URL", help="API root (default: MESSAGEMEDIA_BASE_URL or live)")
    add("--account", metavar="ID", help="sub-account (the Account header)")
    add("--hmac", action="store_true", help="sign requests with HMAC instead of Basic auth")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_send_parser(sub, [common])
    for name, text in (("status", "a message's status"), ("cancel", "cancel a scheduled message")):
        sub.add_parser(name, parents=[common], help=text).add_argument("message_id")
    sub.add_parser("credits", parents=[common], help="prepaid credits remaining")
    _add_feed_parser(sub, "reports", "delivery reports", [common])
    _add_feed_parser(sub, "replies", "replies", [common])
    _add_batch_parser(sub, [common])
    sub.add_parser("sandbox", add_help=False, help="run a local sandbox API (see sandbox -h)")
    return parser


def _split_sandbox(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """Split `[globals] sandbox ARGS` so ARGS reach the sandbox's own parser untouched."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in _GLOBAL_VALUE_OPTIONS else 1
    if i < len(argv) and argv[i] == "sandbox":
        return argv[: i + 1], argv[i + 1 :]
    return argv, None


# ---------------------------------------------------------------- the client


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Client]:
    """The client for this command: env credentials, or an embedded sandbox's."""
    pool = max(10, getattr(args, "concurrency", 1))  # a connection per request in flight
    if args.sandbox:
        if args.base_url:
            raise InputError("--sandbox and --base-url cannot be combined")
        with _sandbox(args.account) as server:
            keys = (server.api_key, server.api_secret, args.hmac)
            with Client(
                *keys, base_uri=server.url, account_id=args.account, pool_maxsize=pool
            ) as client:
                yield client
        return
    settings = {
        "base_uri": args.base_url,
        "account_id": args.account,
        "use_hmac_authentication": args.hmac,
    }
    settings = {key: value for key, value in settings.items() if value}
    with Client.from_env(pool_maxsize=pool, **settings) as client:
        if not client.config.has_credentials:
            raise InputError(NO_CREDENTIALS)
        yield client


@contextlib.contextmanager
def _sandbox(account: str | None) -> Iterator[SandboxServer]:
    """An embedded sandbox for the command's duration (a lifecycle step every 0.2 s)."""
    with SandboxServer(realtime=True, speed=1.0, step_seconds=0.2) as server:
        if account:
            server.add_account(server.api_key, server.api_secret, [account])
        print(f"{PROG}: using an embedded sandbox at {server.url}; nothing leaves this machine",
              file=sys.stderr)  # fmt: skip
        yield server


# ---------------------------------------------------------------- simple commands


def _cmd_send(client: Client, args: argparse.Namespace, out: Output) -> int:
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
    out.show(response.to_dictionary(), cli_output.table(columns, rows))
    return EXIT_OK


def _cmd_status(client: Client, args: argparse.Namespace, out: Output) -> int:
    data = client.messages.get_message_status(args.message_id).to_dictionary()
    out.show(data, cli_output.fields(data))
    return EXIT_OK


def _cmd_cancel(client: Client, args: argparse.Namespace, out: Output) -> int:
    client.messages.cancel_scheduled_message(args.message_id)
    document = {"message_id": args.message_id, "status": "cancelled"}
    out.show(document, f"cancelled {args.message_id}")
    return EXIT_OK


def _cmd_credits(client: Client, args: argparse.Namespace, out: Output) -> int:
    data = client.messages.check_credits_remaining()
    out.show(data, cli_output.fields(data) if isinstance(data, Mapping) else str(data))
    return EXIT_OK


def _feed_command(kind: str, listing: str) -> Command:
    """The `reports` / `replies` command: check, confirm IDs, or --follow."""

    def run(client: Client, args: argparse.Namespace, out: Output) -> int:
        resource, plural = getattr(client, listing), listing.replace("_", " ")
        if args.action == "confirm" or args.ids:
            if args.action != "confirm" or not args.ids or args.follow:
                raise InputError(f"usage: {PROG} {args.command} confirm ID [ID ...]")
            confirm = getattr(resource, f"confirm_{listing}_as_received")
            for start in range(0, len(args.ids), 100):  # the API takes 100 ids per call
                confirm({f"{kind}_ids": args.ids[start : start + 100]})
            out.show({"confirmed": args.ids}, f"confirmed {plural}: {len(args.ids)}")
            return EXIT_OK
        if args.follow:
            return _follow(resource, kind, args, out)
        if args.limit or args.poll_interval:
            raise InputError("--limit and --poll-interval go with --follow")
        response = getattr(resource, f"check_{listing}")()
        items = getattr(response, listing) or []
        lines = [cli_output.event_line(kind, item) for item in items]
        text = "\n".join([cli_output.event_header(), *lines])
        out.show(response.to_dictionary(), text if lines else f"no unconfirmed {plural}")
        return EXIT_OK

    return run


def _follow(resource: Any, kind: str, args: argparse.Namespace, out: Output) -> int:
    """Print items as they arrive; the iterator confirms each once we move past it."""
    items = resource.iter_unconfirmed(
        follow=True, poll_interval=args.poll_interval or 5.0, limit=args.limit
    )
    out.note(cli_output.event_header())
    try:
        for item in items:
            out.event(kind, item)
    except KeyboardInterrupt:
        pass  # the normal way to stop following
    finally:
        items.close()  # confirms what was handed over before the one being printed
    return EXIT_OK


# ---------------------------------------------------------------- batch


def _cmd_batch(client: Client, args: argparse.Namespace, out: Output) -> int:
    if args.dry_run and args.watch:
        raise InputError("--watch cannot be combined with --dry-run")
    if args.watch_timeout is not None and not args.watch:
        raise InputError("--watch-timeout needs --watch")
    total = sum(1 for _ in cli_output.read_messages(args.file))  # check it all before sending
    ledger = _open_ledger(args.ledger)  # opened first: a send must never lose its ledger
    desc = "checking" if args.dry_run else "sending"
    progress = None if args.no_progress else cli_output.Progress(total, desc)
    try:
        result = client.messages.send_batch(
            cli_output.read_messages(args.file),
            concurrency=args.concurrency,
            journal=args.journal,
            dry_run=args.dry_run,
            on_progress=progress,
        )
        summary = cli_output.summarize(result.rows, ledger, dry_run=args.dry_run, keep_all=out.json)
    finally:
        if progress:
            progress.close()
        if ledger:
            ledger.close()
    context = {name: getattr(args, name) for name in ("file", "dry_run", "ledger", "journal")}
    document = cli_output.batch_document(summary, result, context)
    if args.watch:
        document = {"type": "batch", **document}
    out.show(document, cli_output.batch_text(summary, result, args.dry_run), line=args.watch)
    if args.watch:
        _watch(client, set(summary.accepted), args, out)
    return EXIT_PARTIAL if summary.failures else EXIT_OK


def _open_ledger(path: str | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write the ledger {path}: {exc}") from None


def _watch(client: Client, pending: set[str], args: argparse.Namespace, out: Output) -> None:
    """Follow reports and replies (printing and confirming) until `pending` are all final."""
    timeout = 60.0 if args.watch_timeout is None else args.watch_timeout
    watch = cli_output.Watch(len(pending), timeout)
    out.note(watch.banner())
    deadline = last_sweep = time.monotonic()
    deadline += timeout
    while True:
        before = watch.seen
        for report in client.delivery_reports.iter_unconfirmed():
            out.event("delivery_report", report)
            watch.reports += 1
            if report.status in FINAL_STATUSES and report.message_id in pending:
                pending.discard(report.message_id)
                watch.final[report.status] += 1
        for reply in client.replies.iter_unconfirmed():
            out.event("reply", reply)
            watch.replies += 1
        now = time.monotonic()
        if not pending or now >= deadline:
            break
        if watch.seen == before and now - last_sweep >= 5.0:  # quiet: ask for the status
            _sweep(client, pending, watch)
            last_sweep = now
        time.sleep(min(args.poll_interval, max(0.0, deadline - now)))
    watch.pending = len(pending)
    out.show(watch.document(), watch.text(), line=True)
    if pending:
        print(f"{PROG}: {watch.timed_out()}", file=sys.stderr)


def _sweep(client: Client, pending: set[str], watch: cli_output.Watch) -> None:
    """Status of up to 50 pending messages (those without delivery reports end here)."""
    for message_id in sorted(pending)[:50]:
        status = client.messages.get_message_status(message_id).status
        if status in FINAL_STATUSES:
            pending.discard(message_id)
            watch.final[str(status)] += 1


# ---------------------------------------------------------------- main

COMMANDS: dict[str, Command] = {
    "send": _cmd_send,
    "status": _cmd_status,
    "cancel": _cmd_cancel,
    "credits": _cmd_credits,
    "reports": _feed_command("delivery_report", "delivery_reports"),
    "replies": _feed_command("reply", "replies"),
    "batch": _cmd_batch,
}


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str] | None]:
    own, sandbox_args = _split_sandbox(argv)
    args = build_parser().parse_args(own)
    args.json, args.debug = getattr(args, "json", False), getattr(args, "debug", False)
    return args, sandbox_args


def _run_sandbox(args: argparse.Namespace, sandbox_args: list[str]) -> int:
    from message_media_messages import sandbox

    if args.sandbox or args.base_url or args.json:
        raise InputError("the sandbox command takes its own options, after `sandbox`")
    try:
        return sandbox.main(sandbox_args)
    except SystemExit as exc:  # its argparse: -h or a bad option
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


@contextlib.contextmanager
def _debug_log(enabled: bool) -> Iterator[None]:
    """With --debug: the SDK's DEBUG log on stderr (request lines; never credentials)."""
    logger, handler = logging.getLogger("message_media_messages"), logging.StreamHandler()
    level = logger.level
    if enabled:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _failure(exc: BaseException) -> int:
    """The exit status of an error, whose one-line description goes to stderr."""
    if isinstance(exc, KeyboardInterrupt):
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    code = EXIT_API
    if isinstance(exc, ValueError) and isinstance(exc, (MessageMediaError, InputError)):
        code = EXIT_USAGE  # ValidationError, ConfigurationError, a wrong journal: nothing sent
    if isinstance(exc, TransportError):
        code = EXIT_CONNECTION
    label = "error" if code != EXIT_CONNECTION else "connection failed"
    if not isinstance(exc, (MessageMediaError, InputError)):
        label = f"unexpected {type(exc).__name__} (--debug shows the traceback)"
    text = " ".join(str(exc).split()) or type(exc).__name__
    print(f"{PROG}: {label}: {text}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run `messagemedia` with `argv` (default: the process arguments); return the exit status."""
    try:
        args, sandbox_args = _parse(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    out = Output(args.json, sys.stdout)
    try:
        if sandbox_args is not None:
            return _run_sandbox(args, sandbox_args)
        with _debug_log(args.debug), _client(args) as client:
            return COMMANDS[args.command](client, args, out)
    except (Exception, KeyboardInterrupt) as exc:  # one line on stderr, never a traceback
        if args.debug:
            traceback.print_exc()
        return _failure(exc)
