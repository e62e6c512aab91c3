"""`tillui serve`: the same app in a browser, one app process per browser tab (textual-serve).

Bound to loopback; another address is refused unless --allow-remote says so. The page opens
only with its secret link (a token, see serve_door.py); that is a key, not a login. For remote access, put a reverse proxy with TLS and
authentication in front of it (see README, "Browser kiosk"); never expose it as is. textual-serve is an optional extra: `pip install 'tillui[serve]'`.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from tillui.arguments import OneLineParser, non_empty, one_line_error, port_number
from tillui.commands.serve_door import DoorError, locked_server, the_token

DEFAULT_PORT = 8790
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="tillui serve",
        description="Serve the till app to a browser (one app per tab), on loopback by default.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}"
    )
    parser.add_argument(
        "--public-url",
        help="the URL browsers use, when a reverse proxy is in front (e.g. https://till7.example)",
    )
    parser.add_argument("--till", type=non_empty, help="till ID every session runs as")
    parser.add_argument("--config", type=Path, help="config file of every session")
    parser.add_argument("--kiosk", action="store_true", help="every session in kiosk mode")
    parser.add_argument("--demo", action="store_true", help="every session on the demo sandbox")
    parser.add_argument("--theme", help="Textual theme of every session")
    parser.add_argument(
        "--token-file",
        type=Path,
        help="the secret link's token, kept in this file (made, 0600, if missing) for a kiosk "
        "that restarts; default: TILLUI_SERVE_TOKEN, else a new token each run",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback --host (only behind a reverse proxy with TLS and login)",
    )
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


def main(argv: list[str], *, till: str | None = None, config_path: Path | None = None) -> int:
    """`till` and `config_path`: the global options given before `serve` (`tillui --till T1
    serve`); the same options after it are accepted too, not both at once."""
    args = build_parser().parse_args(argv)
    for name, given in (("till", till), ("config", config_path)):
        mine = getattr(args, name)
        if given is not None and mine is not None and given != mine:
            return one_line_error("tillui serve", f"--{name} given twice ({given} and {mine})")
        if mine is None:
            setattr(args, name, given)
    if args.host not in LOOPBACK and not args.allow_remote:
        return one_line_error(
            "tillui serve",
            f"refusing to listen on {args.host}: whoever reaches it is the till; use "
            "--allow-remote only behind a reverse proxy with TLS and login",
        )
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("tillui serve needs the serve extra: pip install 'tillui[serve]'", file=sys.stderr)
        return 2
    try:
        token, origin = the_token(args.token_file)
    except DoorError as error:
        return one_line_error("tillui serve", str(error))
    server = locked_server(
        token,
        origin,
        command=app_command(args),
        host=args.host,
        port=args.port,
        title="tillui",
        public_url=args.public_url,
    )
    server.serve()
    return 0
