"""Command line: run the app (on the sandbox with --demo), the sandbox, config, screenshots.

Only the standard library is imported here: `tillui --help` and `--version` must not pay for
Textual, httpx or pydantic.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tillui import __version__

SUBCOMMANDS = {
    "sandbox": ("tillui.sandbox.server", "serve the Intouch sandbox over loopback HTTP"),
    "config": (
        "tillui.config.command",
        "path | show | set | check | set-pin — the layered configuration",
    ),
    "screenshots": ("tillui.screenshots", "write SVG screenshots of every screen (demo data)"),
    "serve": ("tillui.serve", "serve the app to a browser (textual-serve; loopback by default)"),
    "claims": ("tillui.wiring.claims_command", "send | reconcile | list — the claims outbox"),
}


def build_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  tillui {name:<12} {text}" for name, (_, text) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="tillui",
        description="Keyboard-only till app for Capillary Intouch loyalty customers.",
        epilog=f"subcommands:\n{commands}\n\nRun 'tillui SUBCOMMAND --help' for its options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tillui {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run on the embedded sandbox with demo data (no account, no network)",
    )
    parser.add_argument(
        "--till", help="till ID to run as (else TILLUI_TILL, else the config's default)"
    )
    parser.add_argument(
        "--config", type=Path, help="config file (else TILLUI_CONFIG, else the default path)"
    )
    parser.add_argument("--theme", help="Textual theme, e.g. ansi-dark for 16-colour terminals")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="kiosk mode: quitting needs the PIN, no settings, identifiers masked",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        from importlib import import_module

        module = import_module(SUBCOMMANDS[argv[0]][0])
        return int(module.main(argv[1:]) or 0)
    args = build_parser().parse_args(argv)
    return run_app(args)


def run_app(args: argparse.Namespace) -> int:
    if not has_terminal():
        print(
            "tillui: needs a terminal; over SSH connect with ssh -t "
            "(a ForceCommand login needs PermitTTY yes)",
            file=sys.stderr,
        )
        return 2
    from functools import partial

    from tillui.app import TillApp
    from tillui.kiosk import kiosk_from_env
    from tillui.logs import configure_logging

    configure_logging()
    flags: dict[str, object] = {"theme": args.theme} if args.theme else {}
    kiosk = args.kiosk or kiosk_from_env()
    if args.kiosk or (args.demo and kiosk):  # the configured wiring reads TILLUI_KIOSK itself
        flags["kiosk"] = True
    if args.demo:
        from tillui.wiring.demo import demo_services

        factory = partial(demo_services, flags=flags)
    else:
        from tillui.wiring.configured import configured_services

        factory = partial(configured_services, till=args.till, config_path=args.config, flags=flags)
    app = TillApp(factory, demo=args.demo, kiosk=kiosk)
    app.run()
    if app.startup_error:
        print(f"tillui: {app.startup_error}", file=sys.stderr)
        return 2
    return int(app.return_code or 0)


def has_terminal() -> bool:
    """Without a TTY the app would paint into a pipe and wait forever (e.g. `ssh host` with a
    forced command but no -t). textual-serve's browser sessions bring their own driver."""
    import os

    return bool(os.environ.get("TEXTUAL_DRIVER")) or (sys.stdin.isatty() and sys.stdout.isatty())


if __name__ == "__main__":
    sys.exit(main())
