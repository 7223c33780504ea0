"""`unship serve`: the same app in a web browser, through textual-serve (the `serve` extra).

Each browser tab starts its own `unship` process on the same order file, so the lock and the
change polling keep tabs and terminals consistent. There is no login: by default the server
listens on 127.0.0.1 only, and another address needs --allow-remote and gets a warning.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(Exception):
    """Serving is not possible as asked; the message says why and what to do."""


def add_parser(sub) -> None:
    serve = sub.add_parser(
        "serve",
        help="open the app in a web browser (needs the serve extra: pip install 'unship[serve]')",
        description="Serve the app over HTTP with textual-serve. There is no authentication: "
        "it listens on 127.0.0.1 unless --allow-remote is given.",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (8000)")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow an address other than loopback (anyone who reaches it sees your orders)",
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def check_address(host: str, port: int, allow_remote: bool) -> str | None:
    """None when fine; a warning to print when remote is allowed; ServeError when refused."""
    if not 0 < port < 65536:
        raise ServeError(f"--port {port} is not a port number (1-65535)")
    if is_loopback(host):
        return None
    if not allow_remote:
        raise ServeError(
            f"{host} is not a loopback address and the web view has no password: anyone who "
            "can reach it could read and change your orders. Use --allow-remote to do it anyway "
            "(better: keep 127.0.0.1 and forward the port with ssh -L)."
        )
    return (
        f"warning: serving on {host}:{port} with NO authentication: anyone who can reach this "
        "address can read and change your orders."
    )


def run(args: argparse.Namespace, app_command: list[str]) -> int:
    from unship.cli_errors import CliError

    try:
        warning = check_address(args.host, args.port, args.allow_remote)
    except ServeError as error:
        raise CliError(str(error)) from None
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CliError("unship serve needs textual-serve: pip install 'unship[serve]'") from None
    if warning:
        print(warning, file=sys.stderr)
    print(f"unship: serving on http://{args.host}:{args.port} (ctrl+c to stop)", file=sys.stderr)
    Server(shlex.join(app_command), host=args.host, port=args.port, title="unship").serve()
    return 0
