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
from .routes_workflow import RETRO_WORKFLOW_PATH

if TYPE_CHECKING:
    from starlette.applications import Starlette

_START_TIMEOUT_SECONDS = 10.0
_BACKLOG = 2048
"""uvicorn's own default."""


def _bound_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP (not 0): asyncio disables Nagle only on sockets that say they are TCP;
    # without it every reused-connection request waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        # Listening from here on, before the banner names the URL: a client that connects
        # while uvicorn is still starting waits in the backlog instead of being refused.
        sock.listen(_BACKLOG)
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


# long: argparse declarations
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
        "--checker-demo",
        action="store_true",
        help="the demo store's claims wait for a checker (some already do); approvals run 5 s later",
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
    parser.add_argument(
        "--extra-bills",
        type=int,
        default=0,
        metavar="N",
        help="add N recent non-member bills at the demo till (for soak runs)",
    )
    parser.add_argument(
        "--faults",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="fail this share of requests at random, seeded by --seed (e.g. 0.2): 5xx, 429 with "
        "Retry-After, timeouts, malformed bodies and, for writes, the commit faults",
    )
    parser.add_argument(
        "--fault-delay",
        type=seconds,
        default=15.0,
        metavar="SECONDS",
        help="how long timeouts and late commits of --faults last (above the till's read "
        "timeout; default 15)",
    )
    parser.add_argument(
        "--commit-fault",
        action="append",
        default=[],
        choices=("commit_drop", "commit_delay", "slow_commit"),
        help="arm one commit fault for the next claim POST (repeatable): commit_drop (commit, "
        "then drop the connection), commit_delay (commit, answer after --fault-delay), "
        "slow_commit (commit --fault-delay after the request, even if the client has gone)",
    )
    parser.add_argument(
        "--refuse-duplicates",
        action="store_true",
        help="refuse a second claim of a bill at POST time (a real server accepts it and the "
        "second request fails when it executes)",
    )
    parser.add_argument(
        "--registration-rule",
        choices=("billed_after_registration_minus_delay", "registered_delay_before_now"),
        default="billed_after_registration_minus_delay",
        help="reading of document 002's registration delay (default: its worked example)",
    )
    parser.add_argument(
        "--no-gateway-till-auth",
        action="store_true",
        help="accept workflow gateway calls without the till's Basic/OAuth credentials",
    )
    return parser


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a share between 0 and 1")
    return value


def _banner(base_url: str, journal: str | None, faults: str = "") -> str:
    d = DEMO
    lines = [
        f"Intouch sandbox serving at {base_url}  (Ctrl-C to stop)",
        "",
        "Demo credentials (sandbox only):",
        f"  Basic auth       {d.username} / {d.password}",
        f"  OAuth key/secret {d.oauth_key} / {d.oauth_secret}",
        f"  Workflow org ID  {d.org_id}   UI auth token {d.workflow_token}",
        f"  Checker token    {d.checker_token}  (CanCheckRequest: approves or rejects claims)",
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
    if faults:
        lines += ["", f"Faults: {faults}"]
    return "\n".join(lines)


SANDBOX_EXTRA_NOTE = (
    "tillui sandbox: serving over HTTP needs uvicorn, which is optional: "
    "pip install 'tillui[sandbox]' (or, in a checkout, pip install -e '.[sandbox]'). "
    "`tillui --demo` does not need it."
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        import uvicorn
    except ImportError:
        print(SANDBOX_EXTRA_NOTE, file=sys.stderr)
        return 2
    config = SandboxConfig(
        seed=args.seed,
        auto_approve=not args.no_auto_approve,
        latency_seconds=max(0.0, args.latency),
        dual_eligibility=not args.no_dual_eligibility,
        refuse_duplicates=args.refuse_duplicates,
        registration_rule=args.registration_rule,
        gateway_till_auth=not args.no_gateway_till_auth,
        fault_rate=args.faults,
        extra_bills=max(0, args.extra_bills),
        fault_delay_seconds=max(0.0, args.fault_delay),
        manual_approval_store_ids=(DEMO.store_id,) if args.checker_demo else (),
        execution_delay_seconds=5.0 if args.checker_demo else 0.0,
    )
    app = create_app(config)
    for kind in args.commit_fault:
        app.state.sandbox.faults.inject(
            RETRO_WORKFLOW_PATH, kind, method="POST", delay_seconds=config.fault_delay_seconds
        )
    try:
        sock = _bound_socket(args.host, args.port)
    except OSError as error:
        print(f"tillui sandbox: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    journal = str(write_demo_journal(args.journal, app.state.sandbox)) if args.journal else None
    fault_words = ", ".join(
        ([f"{args.faults:.0%} of requests at random"] if args.faults else [])
        + args.commit_fault
        + (["duplicates refused at POST"] if args.refuse_duplicates else [])
    )
    print(_banner(_base_url(args.host, sock), journal, fault_words), flush=True)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning" if args.faults else "info",
            access_log=not args.faults,
            timeout_graceful_shutdown=2,
        )
    )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
