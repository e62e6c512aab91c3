"""`tillui serve`: the same app in a browser, one app process per browser tab (textual-serve).

Bound to loopback by default: the page is the till, with no login of its own. For remote
access, put a reverse proxy with TLS and authentication in front of it (see README, "Browser
kiosk"); never expose it as is. textual-serve is an optional extra: `pip install 'tillui[serve]'`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

DEFAULT_PORT = 8790
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillui serve",
        description="Serve the till app to a browser (one app per tab), on loopback by default.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    parser.add_argument(
        "--public-url",
        help="the URL browsers use, when a reverse proxy is in front (e.g. https://till7.example)",
    )
    parser.add_argument("--till", help="till ID every session runs as")
    parser.add_argument("--config", type=Path, help="config file of every session")
    parser.add_argument("--kiosk", action="store_true", help="every session in kiosk mode")
    parser.add_argument("--demo", action="store_true", help="every session on the demo sandbox")
    parser.add_argument("--theme", help="Textual theme of every session")
    return parser


def app_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each browser session."""
    words = [sys.executable, "-m", "tillui"]
    if args.demo:
        words.append("--demo")
    if args.kiosk:
        words.append("--kiosk")
    for option in ("till", "config", "theme"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option}", str(value)]
    return shlex.join(words)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        from textual_serve.server import Server
    except ImportError:
        print("tillui serve needs the serve extra: pip install 'tillui[serve]'", file=sys.stderr)
        return 2
    if args.host not in LOOPBACK:
        print(
            f"tillui serve: WARNING: listening on {args.host}: anyone who reaches this port "
            "uses the till. Put a reverse proxy with TLS and authentication in front.",
            file=sys.stderr,
        )
    server = Server(
        app_command(args),
        host=args.host,
        port=args.port,
        title="tillui",
        public_url=args.public_url,
    )
    server.serve()
    return 0
