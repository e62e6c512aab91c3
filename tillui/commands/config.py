"""`tillui config path | show | set | keys | check | set-pin`: see, change and check the
configuration.

Exit codes: 0 success, 1 a connection or journal check failed, 2 bad configuration or bad usage.
No Textual here; the API client is imported only by `check`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tillui.arguments import OneLineParser, non_empty, one_line_error
from tillui.commands.set_pin import add_arguments as add_set_pin_arguments
from tillui.commands.set_pin import set_pin
from tillui.config.keys import keys_table
from tillui.config.layers import (
    ConfigError,
    ResolvedConfig,
    default_config_path,
    load_config,
)
from tillui.config.rows import setting_rows
from tillui.config.settings import Secrets, Settings
from tillui.config.writing import set_value

PROG = "tillui config"


def main(argv: list[str], *, till: str | None = None, config_path: Path | None = None) -> int:
    """`till` and `config_path` are the global options given before `config` (`tillui --till T1
    config show`); the same options after the command are accepted too, not both at once."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2): argparse has printed why
        return int(exit_.code or 0)
    if args.command is None:
        return one_line_error(PROG, "a command is needed: path, show, set, keys, check or set-pin")
    for name, given in (("till", till), ("config", config_path)):
        mine = getattr(args, name, None)
        if given is not None and mine is not None and given != mine:
            return one_line_error(PROG, f"--{name} given twice ({given} and {mine})")
        if given is not None and not hasattr(args, name):
            return one_line_error(PROG, f"--{name} does not apply to `{args.command}`")
        if mine is None and hasattr(args, name):
            setattr(args, name, given)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"tillui: config error: {exc}", file=sys.stderr)
        return 2


def _build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="See, change and check the configuration.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    def command(
        name: str, run: Any, help_text: str, *, till: bool = False, **extra: Any
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, **extra)
        sub.add_argument(
            "--config",
            type=Path,
            metavar="PATH",
            help="config file (else TILLUI_CONFIG, else the default path)",
        )
        if till:
            sub.add_argument(
                "--till", type=non_empty, help="till ID (else TILLUI_TILL, else default_till)"
            )
        sub.set_defaults(run=run)
        return sub

    command("path", _path, "print the config file and secrets file paths")
    command("show", _show, "every effective setting with where it came from", till=True)
    setter = command(
        "set",
        _set,
        "set one key, e.g. till.T1.retro_max_age_days 14 (the value is converted to the "
        "key's type; an empty value clears a setting that may be empty)",
        epilog=f"keys:\n{keys_table()}\n\nSections: defaults, concept.<id>, zone.<id>, "
        "store.<id>, till.<id> (most specific wins).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    setter.add_argument("key", metavar="SECTION.KEY")
    setter.add_argument("value", metavar="VALUE")
    command("keys", _keys, "every key with its type, default and where it may be set")
    command(
        "check",
        _check,
        "check the config and secrets files, the API host and credentials, OAuth, the workflow "
        "gateway and token, and the recent-bills journal: one verdict line each",
        till=True,
        epilog="exit status: 0 every part passed, 1 a connection or the journal failed, "
        "2 the config or secrets file is unusable",
    )
    add_set_pin_arguments(
        command("set-pin", set_pin, "store the kiosk quit PIN (salted hash) in secrets", till=True)
    )
    return parser


def _path(args: argparse.Namespace) -> int:
    print(_paths_text(args.config or default_config_path()))
    return 0


def _paths_text(config_path: Path) -> str:
    from tillui.config.secrets import secrets_path_for

    return f"config:  {config_path}\nsecrets: {secrets_path_for(config_path)}"


def _set(args: argparse.Namespace) -> int:
    path = args.config or default_config_path()
    set_value(path, args.key, args.value)
    print(f"{args.key} set in {path}")
    return 0


def _show(args: argparse.Namespace) -> int:
    resolved = load_config(path=args.config, till=args.till)
    print(_paths_text(resolved.path))
    print(f"till:    {resolved.till} ({resolved.origins['till']})")
    print()
    print(format_table(show_rows(resolved)))
    return 0


def show_rows(resolved: ResolvedConfig) -> list[tuple[str, str, str]]:
    """(key, shown value, origin) for every setting, keymap entry and secret (set/unset only)."""
    rows = setting_rows(resolved.settings, resolved.secrets, resolved.origins)
    return [("KEY", "VALUE", "ORIGIN"), *((row.key, row.value, row.origin) for row in rows)]


def format_table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    value_width = min(widths[1], 48)  # one long URL or path must not push every origin away
    return "\n".join(
        f"{key:<{widths[0]}}  {value:<{value_width}}  {origin}".rstrip()
        for key, value, origin in rows
    )


def _keys(args: argparse.Namespace) -> int:
    print(keys_table())
    return 0


def _check(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from tillui.checks.till_setup import check_files, check_journal, exit_code, skipped

    # The verdict already carries the error and its request ID; without a handler, Python's
    # last-resort handler would print the client's retry warnings to stderr as well.
    api_logger = logging.getLogger("tillui.api")
    if not api_logger.handlers:
        api_logger.addHandler(logging.NullHandler())
    verdicts, resolved = check_files(path=args.config, till=args.till)
    if resolved is None:
        why = "fix the files first"
        verdicts += [skipped(part, why) for part in ("api", "oauth", "gateway", "journal")]
    else:
        verdicts += asyncio.run(check_connection(resolved.settings, resolved.secrets))
        verdicts.append(check_journal(resolved.settings.bills_journal))
    for verdict in verdicts:
        print(verdict.line)
    code = exit_code(verdicts)
    print(
        "all checks passed"
        if code == 0
        else "some checks FAILED: fix what they name, then run again"
    )
    return code


async def check_connection(settings: Settings, secrets: Secrets, *, transport: Any = None) -> Any:
    """The API, OAuth and gateway verdicts (`tillui.checks.till_setup.check_connection`); a name of
    this module so tests can point `check` at a mock transport."""
    from tillui.checks.till_setup import check_connection as run

    return await run(settings, secrets, transport=transport)
