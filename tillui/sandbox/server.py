"""Serving the sandbox over loopback HTTP: `running_sandbox` for tests, `main` for
`tillui sandbox`. uvicorn is imported only here, and only when serving."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tillui.arguments import OneLineParser, port_number, seconds, whole_number

from .app import create_app
from .config import SandboxConfig
from .demo import DEMO
from .journal import write_demo_journal

if TYPE_CHECKING:
    from starlette.applications import Starlette

_START_TIMEOUT_SECONDS = 10.0


def _bound_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _base_url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def running_sandbox(
    config: SandboxConfig | None = None,
    *,
    app: Starlette | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve a sandbox (a new one from `config`, or `app`) on a free loopback port in a
    background thread; yields its base URL and stops the server on exit."""
    import uvicorn

    served = app if app is not None else create_app(config)
    sock = _bound_socket(host, port)
    server = uvicorn.Server(
        uvicorn.Config(
            served,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="tillui-sandbox", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        yield _base_url(host, sock)
    finally:
        server.should_exit = True
        thread.join(_START_TIMEOUT_SECONDS)
        sock.close()


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="tillui sandbox",
        description="Serve the embedded Intouch sandbox (demo data) over loopback HTTP.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=port_number, default=8765, help="port (0 picks a free one)")
    parser.add_argument("--seed", type=whole_number, default=42, help="seed of the demo data")
    parser.add_argument(
        "--no-auto-approve",
        action="store_true",
        help="leave claims awaiting a checker (state AdminTask)",
    )
    parser.add_argument(
        "--latency",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="delay added to every request",
    )
    parser.add_argument(
        "--no-dual-eligibility",
        action="store_true",
        help="any identifier that names one customer finds them",
    )
    parser.add_argument(
        "--journal", metavar="PATH", help="also write the demo till's recent-bills journal to PATH"
    )
    return parser


def _banner(base_url: str, journal: str | None) -> str:
    d = DEMO
    lines = [
        f"Intouch sandbox serving at {base_url}  (Ctrl-C to stop)",
        "",
        "Demo credentials (sandbox only):",
        f"  Basic auth       {d.username} / {d.password}",
        f"  OAuth key/secret {d.oauth_key} / {d.oauth_secret}",
        f"  Workflow org ID  {d.org_id}   UI auth token {d.workflow_token}",
        f"  Till {d.till_id}  store {d.store_id}  zone {d.zone_id}  concept {d.concept_id}",
        "",
        "Customers to try (mobile):",
        f"  {d.asha.mobile}  {d.asha.full_name}: points in two programs, requests in every state",
        f"  {d.ravi.mobile} / {d.meera.mobile}  Ravi and Meera Kumar: share {d.ravi.email}",
        f"  {d.nikhil.mobile}  {d.nikhil.full_name}: registered an hour ago",
        f"  {d.omar.mobile}  {d.omar.full_name}: a clean claimant",
        f"  {d.bulk.mobile}  {d.bulk.full_name}: {d.bulk_request_count} retro requests",
    ]
    if journal:
        lines += ["", f"Recent-bills journal written to {journal}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import uvicorn

    config = SandboxConfig(
        seed=args.seed,
        auto_approve=not args.no_auto_approve,
        latency_seconds=max(0.0, args.latency),
        dual_eligibility=not args.no_dual_eligibility,
    )
    app = create_app(config)
    try:
        sock = _bound_socket(args.host, args.port)
    except OSError as error:
        print(f"tillui sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    journal = str(write_demo_journal(args.journal, app.state.sandbox)) if args.journal else None
    print(_banner(_base_url(args.host, sock), journal), flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="info", timeout_graceful_shutdown=2))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
