"""Command line: the app (on the sandbox with --demo), sandbox, config, screenshots, serve, claims.

Only the standard library is imported here: `tillui --help` and `--version` must not pay for
Textual, httpx or pydantic. Every subcommand lives in its own module (imported only when run)
with its own parser; this module knows each by one `SUBCOMMANDS` entry. The global options
`--till` and `--config` may stand before the subcommand (`tillui --till T1 config show`) or, for
subcommands that read the configuration, after it (`tillui config show --till T1`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tillui import __version__
from tillui.arguments import OneLineParser, non_empty, one_line_error

if TYPE_CHECKING:
    from tillui.logs import HealingFileHandler


@dataclass(frozen=True)
class Subcommand:
    module: str
    """Its module, whose `main(argv, ...)` runs it and returns the exit code."""
    help: str
    reads_config: bool = False
    """Whether it takes the global --till/--config: then it is run as
    `main(argv, till=..., config_path=...)`, else as `main(argv)`."""


SUBCOMMANDS = {
    "sandbox": Subcommand("tillui.sandbox.server", "serve the Intouch sandbox over loopback HTTP"),
    "config": Subcommand(
        "tillui.commands.config",
        "path | show | set | keys | check | set-pin — the layered configuration",
        reads_config=True,
    ),
    "screenshots": Subcommand(
        "tillui.commands.screenshots", "write SVG screenshots of every screen (demo data)"
    ),
    "serve": Subcommand(
        "tillui.commands.serve",
        "serve the app to a browser (textual-serve; loopback by default)",
        reads_config=True,
    ),
    "claims": Subcommand(
        "tillui.commands.claims",
        "send | reconcile | list — the claims outbox",
        reads_config=True,
    ),
}

GLOBAL_OPTIONS = ("till", "config")
"""Options of the till's configuration, for the app and every subcommand that reads it."""


def build_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  tillui {name:<12} {cmd.help}" for name, cmd in SUBCOMMANDS.items())
    parser = OneLineParser(
        prog="tillui",
        description="Keyboard-only till app for Capillary Intouch loyalty customers.",
        epilog=f"subcommands:\n{commands}\n\nRun 'tillui SUBCOMMAND --help' for its options."
        "\nCheck a till's configuration and connection: tillui [--till ID] config check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tillui {__version__}")
    _add_global_options(parser)
    _add_app_options(parser)
    parser.add_argument(
        "command", nargs="?", choices=SUBCOMMANDS, metavar="SUBCOMMAND", help=argparse.SUPPRESS
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--till",
        type=non_empty,
        metavar="ID",
        help="till ID to run as (else TILLUI_TILL, else the config's default)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file (else TILLUI_CONFIG, else the default path)",
    )


def _add_app_options(parser: argparse.ArgumentParser) -> None:
    """Options of the full-screen app only (not of a subcommand)."""
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run on the embedded sandbox with demo data (no account, no network)",
    )
    parser.add_argument("--theme", help="Textual theme, e.g. ansi-dark for 16-colour terminals")
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help="kiosk mode: quitting needs the PIN, no settings, identifiers masked",
    )


def _app_option_defaults() -> dict[str, object]:
    """Each app option and its default (an app option given with a subcommand is refused)."""
    probe = argparse.ArgumentParser(add_help=False)
    _add_app_options(probe)
    return vars(probe.parse_args([]))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            return run_app(args)
        return run_subcommand(args.command, args)
    except SystemExit as exit_:  # --help, --version (0) or a usage error (2), already printed
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)  # sys.exit("why"), as Python itself would
        return 1
    except KeyboardInterrupt:
        return 130


def run_subcommand(name: str, args: argparse.Namespace) -> int:
    from importlib import import_module

    command = SUBCOMMANDS[name]
    for option, default in _app_option_defaults().items():
        if getattr(args, option) != default:
            flag = f"--{option.replace('_', '-')}"
            return one_line_error("tillui", f"{flag} is an option of the app, not of `{name}`")
    given = {option: getattr(args, option) for option in GLOBAL_OPTIONS}
    if not command.reads_config:
        for option, value in given.items():
            if value is not None:
                return one_line_error("tillui", f"--{option} does not apply to `tillui {name}`")
        return int(import_module(command.module).main(args.arguments) or 0)
    run = import_module(command.module).main
    return int(run(args.arguments, till=given["till"], config_path=given["config"]) or 0)


def run_app(args: argparse.Namespace) -> int:
    from functools import partial

    from tillui.config.kiosk import kiosk_from_env
    from tillui.wiring.lean import skip_unused_imports

    skip_unused_imports()
    flags: dict[str, object] = {"theme": args.theme} if args.theme else {}
    kiosk = args.kiosk or kiosk_from_env()
    if args.kiosk or (args.demo and kiosk):  # the configured wiring reads TILLUI_KIOSK itself
        flags["kiosk"] = True
    config_verdict = (
        (lambda: None) if args.demo else config_problem_meanwhile(args.till, args.config, flags)
    )
    if not has_terminal():
        problem = config_verdict()
        if problem:  # one thing to fix at a time: the config first
            print(f"tillui: config error: {problem}", file=sys.stderr)
            return 2
        print(
            "tillui: needs a terminal; over SSH connect with ssh -t "
            "(a ForceCommand login needs PermitTTY yes)",
            file=sys.stderr,
        )
        return 2
    if args.demo:
        from tillui.wiring.demo import demo_services

        factory = partial(demo_services, flags=flags)
    else:
        from tillui.wiring.configured import configured_services

        factory = partial(configured_services, till=args.till, config_path=args.config, flags=flags)
    from tillui.app import TillApp
    from tillui.logs import configure_logging

    problem = config_verdict()
    if problem:  # before the full-screen app: a one-line message on a normal terminal
        print(f"tillui: config error: {problem}", file=sys.stderr)
        return 2
    log = configure_logging()
    app = TillApp(factory, demo=args.demo, kiosk=kiosk, freeze_when_loaded=True)
    if log is not None:  # a log it cannot write never stops the till: a notice until fixed
        app.lasting.watch("log", partial(log_problem, log))
    app.run()
    if app.startup_error:
        print(f"tillui: {app.startup_error}", file=sys.stderr)
        return 2
    return int(app.return_code or 0)


def log_problem(log: HealingFileHandler) -> str | None:
    return None if log.retry() else f"Not logging: {log.problem}"


def has_terminal() -> bool:
    """Without a TTY the app would paint into a pipe and wait forever (e.g. `ssh host` with a
    forced command but no -t). textual-serve's browser sessions bring their own driver."""
    import os

    return bool(os.environ.get("TEXTUAL_DRIVER")) or (sys.stdin.isatty() and sys.stdout.isatty())


def config_problem_meanwhile(
    till: str | None, path: Path | None, flags: dict[str, object]
) -> Callable[[], str | None]:
    """Start checking the configuration while Textual is imported; the returned call waits for
    the verdict. A bad config must be told before the full-screen app starts, but checking it
    costs pydantic's import (~270 ms) that the first frame must not wait for: a forked child
    checks it on the other core and writes the one-line problem (or nothing) to a pipe."""
    import os

    if not hasattr(os, "fork"):
        return lambda: config_problem(till, path, flags)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's exit status is all the coverage it has
        os.close(read_end)
        try:
            problem = config_problem(till, path, flags) or ""
        except BaseException as error:  # noqa: BLE001 - any failure is one line, never a trace
            problem = f"{type(error).__name__}: {error}"
        os.write(write_end, problem.encode("utf-8", "replace")[:4000])
        os._exit(0)
    os.close(write_end)

    def verdict() -> str | None:
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(4096):
                chunks.append(chunk)
        os.waitpid(child, 0)
        return b"".join(chunks).decode("utf-8", "replace").strip() or None

    return verdict


def config_problem(till: str | None, path: Path | None, flags: dict[str, object]) -> str | None:
    """Why the configuration cannot be used (one line), or None. A missing file is no problem:
    the app then opens its first-run setup."""
    from tillui.config.layers import ConfigError, config_exists, default_config_path, load_config

    try:
        config_path = path or default_config_path()
        if not config_exists(config_path):
            return None
        load_config(path=config_path, till=till, flags=flags)
    except ConfigError as error:
        return str(error)
    return None


if __name__ == "__main__":
    sys.exit(main())
