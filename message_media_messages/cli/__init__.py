"""The `messagemedia` entry point: parse the arguments, open a client, run the command."""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import math
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from message_media_messages import __version__

from . import _exit, _journal, _output

if TYPE_CHECKING:  # the client, the commands and the sandbox load when a command needs them
    from message_media_messages import MessageMediaMessagesClient as Client, SandboxServer

    from ._commands import Command

Output = _output.Output
InputError = _exit.InputError

PROG = _exit.PROG
_GLOBAL_VALUE_OPTIONS = ("--base-url", "--account")
DESCRIPTION = (
    "Send and track messages with the MessageMedia Messages API. Credentials come from "
    "MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET; --sandbox needs none."
)
NO_CREDENTIALS = (
    "no API credentials: set MESSAGEMEDIA_API_KEY and MESSAGEMEDIA_API_SECRET, or try --sandbox"
)
EPILOG = (
    "exit status: 0 ok, 1 API error, 2 usage or input error, 3 connection failure, "
    "4 some batch rows accepted and some not (a batch with none accepted exits 1, 2 or 3 "
    "as its cause would), 5 batch --watch timed out before every watched message was final; "
    "a closed stdout (| head) does not change it"
)


# ---------------------------------------------------------------- argument parsing


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not 0 < value < math.inf:  # nan and inf too: no timeout, no sleep can take them
            raise argparse.ArgumentTypeError(f"must be a finite number > 0, not {text}")
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


REGION_ENV = "MESSAGEMEDIA_DEFAULT_REGION"


def _add_batch_parser(sub: Any, common: list[Any]) -> None:
    add = sub.add_parser("batch", parents=common, help="send a CSV or JSON-lines file").add_argument
    add("file", metavar="FILE", help="CSV (, ; or tab separated), .jsonl/.ndjson, or - for stdin")
    add("--concurrency", type=_positive(int), default=1, metavar="N", help="parallel requests")
    add("--journal", metavar="PATH", help="resume file (default: one per FILE and account, "
        f"in ${_journal.STATE_ENV} or ~/.local/state/messagemedia/journals)")  # fmt: skip
    add("--no-journal", action="store_true", help="keep no journal: a rerun sends every row again")
    add("--new-run", action="store_true", help="send a FILE whose default journal completed, again")
    add("--dry-run", action="store_true", help="validate and count segments; send nothing")
    add(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="fill FIELD from COLUMN (default: same name, or phone/mobile/to -> "
        "destination_number, message/text/body -> content)",
    )
    add("--template", metavar="TEXT", help='content from columns: "Hi {first_name}, ..."')
    add("--template-file", metavar="PATH", help="the same, read from a UTF-8 file")
    add(
        "--max-segments",
        type=_positive(int),
        metavar="N",
        help="refuse (as invalid) SMS rows of more than N segments",
    )
    add(
        "--default-region",
        metavar="CC",
        default=os.environ.get(REGION_ENV) or None,
        help=f"country of local numbers, e.g. AU: 0491 570 156 -> +61491570156 (${REGION_ENV})",
    )
    add("--ledger", metavar="OUT.csv", help="write one CSV line per row (default: none)")
    add("--no-progress", action="store_true", help="no progress bar on stderr")
    add(
        "--watch",
        action="store_true",
        help="then follow the rows with delivery_report until final (a live summary)",
    )
    add("--watch-timeout", type=_positive(float), metavar="S", help="stop watching (default: 60)")
    add("-v", "--verbose", action="store_true", help="with --watch: a line per report and reply")
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
    from message_media_messages import MessageMediaMessagesClient as Client

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
        if not client.config.has_credentials and not getattr(args, "dry_run", False):
            raise InputError(NO_CREDENTIALS)  # a dry run sends nothing: it needs none
        yield client


@contextlib.contextmanager
def _sandbox(account: str | None) -> Iterator[SandboxServer]:
    """An embedded sandbox for the command's duration (a lifecycle step every 0.2 s)."""
    from message_media_messages import SandboxServer

    with SandboxServer(realtime=True, speed=1.0, step_seconds=0.2) as server:
        if account:
            server.add_account(server.api_key, server.api_secret, [account])
        print(f"{PROG}: using an embedded sandbox at {server.url}; nothing leaves this machine",
              file=sys.stderr)  # fmt: skip
        yield server


# ---------------------------------------------------------------- main


def _command(name: str) -> Command:
    """The function that runs command `name`; its module loads now, not with `--help`."""
    if name == "batch":
        from . import _batch

        return _batch.run
    from . import _commands

    command: Command = getattr(_commands, name)
    return command


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
        return exc.code if isinstance(exc.code, int) else _exit.EXIT_USAGE


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


def main(argv: list[str] | None = None) -> int:
    """Run `messagemedia` with `argv` (default: the process arguments); return the exit status."""
    if sys.stderr is None:  # started with stderr closed (`2>&-`): print(file=None) is stdout
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (for the process)
    try:
        args, sandbox_args = _parse(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else _exit.EXIT_USAGE
    except BrokenPipeError:  # --help into a closed pipe
        _exit.detach(sys.stdout)
        return _exit.EXIT_PIPE
    out = Output(args.json, sys.stdout)
    try:
        if sandbox_args is not None:
            return _run_sandbox(args, sandbox_args)
        with _debug_log(args.debug), _client(args) as client:
            return _command(args.command)(client, args, out)
    except _exit.OutputClosed:  # stdout gone before the command knew its status
        return _exit.EXIT_PIPE
    except (Exception, KeyboardInterrupt) as exc:  # one line on stderr, never a traceback
        if args.debug:
            traceback.print_exc()
        return _exit.failure(exc)
