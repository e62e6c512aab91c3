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
    "config": ("tillui.config.command", "path | show | set | check — the layered configuration"),
    "screenshots": ("tillui.screenshots", "write SVG screenshots of every screen (demo data)"),
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
    from functools import partial

    from tillui.wiring.lean import skip_unused_imports

    skip_unused_imports()
    from tillui.app import TillApp
    from tillui.logs import configure_logging

    configure_logging()
    flags = {"theme": args.theme} if args.theme else {}
    if args.demo:
        from tillui.wiring.demo import demo_services

        factory = partial(demo_services, flags=flags)
    else:
        from tillui.wiring.configured import configured_services

        factory = partial(configured_services, till=args.till, config_path=args.config, flags=flags)
    app = TillApp(factory, demo=args.demo, freeze_when_loaded=True)
    app.run()
    if app.startup_error:
        print(f"tillui: {app.startup_error}", file=sys.stderr)
        return 2
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
