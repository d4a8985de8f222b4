"""Command line: run the sandbox until Ctrl-C (`python -m message_media_messages.sandbox`)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
import sys
import threading
from collections.abc import Sequence

from ._accounts import DEFAULT_API_KEY, DEFAULT_API_SECRET
from ._lifecycle import MAGIC_NUMBERS
from ._server import SandboxServer

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the sandbox command."""
    parser = argparse.ArgumentParser(
        prog="python -m message_media_messages.sandbox",
        description="Local emulator of the MessageMedia Messages API.",
    )
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    add(
        "--allow-remote",
        action="store_true",
        help="allow a --host that is not loopback (the /_sandbox/* control endpoints "
        "have no authentication)",
    )
    add("--port", type=int, default=8080, help="port to bind, 0 for a free one (default: 8080)")
    add("--api-key", default=DEFAULT_API_KEY, help="API key accepted (default: %(default)s)")
    add("--api-secret", default=DEFAULT_API_SECRET, help="its secret (default: %(default)s)")
    add(
        "--sub-account",
        action="append",
        default=[],
        metavar="ID",
        help="sub-account id the key may select with the Account header (repeatable)",
    )
    add("--speed", type=float, default=1.0, help="realtime pace multiplier (default: 1)")
    add(
        "--step-seconds",
        type=float,
        default=1.0,
        help="simulated seconds per lifecycle step (default: 1)",
    )
    add("--manual", action="store_true", help="no realtime steps: only POST /_sandbox/advance")
    add("--initial-credits", type=int, default=1_000_000, help="credits per account")
    add("--hmac-skew", type=float, default=300.0, help="allowed HMAC Date drift in seconds")
    _add_limit_arguments(parser)
    _add_webhook_arguments(parser)
    add("--verbose", "-v", action="store_true", help="log at DEBUG")
    return parser


def _add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The bounds of the sandbox's memory."""
    add = parser.add_argument
    add("--max-messages", type=int, default=1_000_000,
        help="messages kept; the oldest are evicted first (default: %(default)s)")  # fmt: skip
    add("--retention-days", type=float, default=45.0,
        help="simulated days a message is kept, as in the API (default: %(default)s)")  # fmt: skip


def _add_webhook_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the webhooks the sandbox delivers."""
    parser.add_argument(
        "--signing-key-pem", metavar="FILE", help="RSA private key (PEM) to sign webhooks with"
    )
    parser.add_argument(
        "--allow-non-loopback-callbacks",
        action="store_true",
        help="let webhooks go to hosts other than loopback",
    )


def _read_key(path: str | None) -> bytes | None:
    """The PEM bytes of the --signing-key-pem file, if one was given."""
    if path is None:
        return None
    with open(path, "rb") as handle:
        return handle.read()


UNAUTHENTICATED = (
    "the /_sandbox/* control endpoints (reset, faults, advance, the message log) need no "
    "authentication, and the sandbox credentials are printed below"
)


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) binds to loopback only; "" is every interface."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP) if host else []
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in found}
    return bool(addresses) and all(is_loopback(str(a).split("%")[0]) for a in addresses)


def _banner(server: SandboxServer) -> str:
    host, port = server.address
    where = server.url  # the bound address, except for a wildcard
    if host in ("", "0.0.0.0", "::"):
        where = f"[{host}]:{port}" if ":" in host else f"{host or '0.0.0.0'}:{port}"
        where += f" (every interface); from this machine: {server.url}"
    lines = [
        f"MessageMedia sandbox listening on {where}",
        f"  API key:    {server.api_key}",
        f"  API secret: {server.api_secret}",
        f"  lifecycle:  {'realtime' if server.realtime else 'manual'}"
        + (f", one step per {server.step_seconds / server.speed:g} s" if server.realtime else ""),
    ]
    dispatcher = server.webhooks
    if dispatcher is not None and dispatcher.public_key_b64:
        lines.append(f"  webhook signing public key (base64 SPKI): {dispatcher.public_key_b64}")
    lines.append("  magic destination suffixes:")
    lines.extend(f"    ...{suffix}: {text}" for suffix, text in MAGIC_NUMBERS.items())
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def _server(args: argparse.Namespace) -> SandboxServer:
    """Build (not start) the server the arguments describe."""
    server = SandboxServer(
        host=args.host,
        port=args.port,
        accounts={args.api_key: args.api_secret},
        realtime=not args.manual,
        speed=args.speed,
        step_seconds=args.step_seconds,
        hmac_skew=args.hmac_skew,
        initial_credits=args.initial_credits,
        max_messages=args.max_messages,
        retention_days=args.retention_days,
        allow_non_loopback_callbacks=args.allow_non_loopback_callbacks,
        webhook_signing_key=_read_key(args.signing_key_pem),
    )
    if args.sub_account:
        server.add_account(args.api_key, args.api_secret, args.sub_account)
    return server


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until interrupted.

    Args:
        argv: Arguments (`sys.argv[1:]` when None).

    Returns:
        Exit status: 0 after Ctrl-C, 1 if the server cannot start, 2 on bad arguments
        (a --host that is not loopback, without --allow-remote; a key file that cannot
        be read or loaded, or --signing-key-pem without `cryptography` installed).
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    remote = not is_loopback(args.host)
    if remote and not args.allow_remote:
        print(f"sandbox: refusing to listen on {args.host!r}, which is not loopback: "
              f"{UNAUTHENTICATED}; pass --allow-remote to serve the network anyway",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        server = _server(args)
    except (OSError, ValueError, ImportError) as exc:  # ImportError: signing, no cryptography
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        server.start()
    except OSError as exc:
        print(f"sandbox: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    _serve(server, remote)
    return 0


def _serve(server: SandboxServer, remote: bool) -> None:
    """Print the banner (and the warning of a network bind), then serve until Ctrl-C."""
    if remote:
        host, port = server.address
        print(f"sandbox: WARNING: reachable from the network on {host}:{port}; {UNAUTHENTICATED}",
              file=sys.stderr, flush=True)  # fmt: skip
    try:
        print(_banner(server), flush=True)  # inside: a Ctrl-C right after it is handled
        threading.Event().wait()
    except KeyboardInterrupt:
        print("sandbox: stopping", flush=True)
    finally:
        server.stop()
