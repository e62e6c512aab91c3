"""`tillui config path | show | set | check | set-pin`: see and change the layered configuration.

Exit codes: 0 success, 1 the connection check failed, 2 bad configuration or bad usage.
No Textual here; the API client is imported only by `check`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tillui.config.layers import (
    ConfigError,
    ResolvedConfig,
    default_config_path,
    load_config,
)
from tillui.config.set_pin import add_arguments as add_set_pin_arguments
from tillui.config.set_pin import set_pin
from tillui.config.settings import Secrets, Settings
from tillui.config.writing import set_value
from tillui.counter.identifier_types import Identifier

if TYPE_CHECKING:
    from pydantic import BaseModel

PROBE_IDENTIFIER = Identifier("mobile", "919800000001")
"""Looked up by `check`: whether or not such a customer exists, an answer proves the credentials."""
NO_CLAIMS_NOTE = "note: workflow_token is not set: lookups work, but retro claims cannot be sent"


def main(argv: list[str]) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2): argparse has printed why
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"tillui: config error: {exc}", file=sys.stderr)
        return 2


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillui config", description="See and change the layered configuration."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, run: Any, help_text: str, *, till: bool = False
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--config",
            type=Path,
            metavar="PATH",
            help="config file (else TILLUI_CONFIG, else the default path)",
        )
        if till:
            sub.add_argument("--till", help="till ID (else TILLUI_TILL, else default_till)")
        sub.set_defaults(run=run)
        return sub

    command("path", _path, "print the config file and secrets file paths")
    command("show", _show, "every effective setting with where it came from", till=True)
    setter = command("set", _set, "set one key, e.g. till.T1.retro_max_age_days 14")
    setter.add_argument("key", metavar="SECTION.KEY")
    setter.add_argument("value", metavar="VALUE")
    command("check", _check, "validate the config, then test the connection", till=True)
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


@dataclass(frozen=True)
class SettingRow:
    """One line of `config show` and of the settings screen. A secret's value is only ever
    "set (hidden)" or "unset"."""

    key: str
    value: str
    origin: str
    help: str
    secret: bool = False


def setting_rows(
    settings: Settings, secrets: Secrets, origins: Mapping[str, str], *, unknown_origin: str = "-"
) -> list[SettingRow]:
    """Every setting (one row per keymap entry), then every secret, with where it came from
    and its documentation. `unknown_origin` stands in where `origins` has no entry."""
    settings_help = field_docs(Settings)
    rows: list[SettingRow] = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name == "keymap" and value:
            rows.extend(
                SettingRow(
                    f"keymap.{binding}",
                    keys,
                    origins.get(f"keymap.{binding}", unknown_origin),
                    f"Keys of the binding {binding} ({settings_help[name]})",
                )
                for binding, keys in value.items()
            )
        else:
            rows.append(
                SettingRow(
                    name,
                    _shown(value),
                    origins.get(name, unknown_origin),
                    settings_help.get(name, ""),
                )
            )
    secrets_help = field_docs(Secrets)
    for name in Secrets.model_fields:
        is_set = getattr(secrets, name) is not None
        rows.append(
            SettingRow(
                name,
                "set (hidden)" if is_set else "unset",
                origins.get(name, unknown_origin) if is_set else "-",
                secrets_help.get(name, ""),
                secret=True,
            )
        )
    return rows


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> its attribute docstring on one line (pydantic keeps them as descriptions,
    `use_attribute_docstrings`). These docstrings are the user-facing documentation of each key."""
    return {
        name: " ".join(field.description.split())
        for name, field in model.model_fields.items()
        if field.description
    }


def format_table(rows: list[tuple[str, str, str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    value_width = min(widths[1], 48)  # one long URL or path must not push every origin away
    return "\n".join(
        f"{key:<{widths[0]}}  {value:<{value_width}}  {origin}".rstrip()
        for key, value, origin in rows
    )


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == {}:
        return "{}"
    text = str(value)
    return text if text and text.isprintable() else repr(text)


def _check(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    # The verdict already carries the error and its request ID; without a handler, Python's
    # last-resort handler would print the client's retry warnings to stderr as well.
    api_logger = logging.getLogger("tillui.api")
    if not api_logger.handlers:
        api_logger.addHandler(logging.NullHandler())
    resolved = load_config(path=args.config, till=args.till)
    print(f"config OK: till {resolved.till} ({resolved.path})")
    missing = missing_credentials(resolved.settings, resolved.secrets, resolved.till)
    if missing:
        raise ConfigError(missing)
    ok, verdict = asyncio.run(check_connection(resolved.settings, resolved.secrets))
    print(verdict)
    if ok and resolved.secrets.workflow_token is None:
        print(NO_CLAIMS_NOTE)
    return 0 if ok else 1


def missing_credentials(settings: Settings, secrets: Secrets, till: str) -> str | None:
    """Why the configured auth mode cannot sign in (a one-line hint), or None."""
    where = f"(env TILLUI_{{}} or [till.{till}] in secrets.toml)"
    if settings.auth_mode == "basic":
        if not settings.username:
            return f"auth_mode is basic but username is empty: set till.{till}.username"
        if secrets.password is None:
            return f"auth_mode is basic but no password is set {where.format('PASSWORD')}"
    elif secrets.oauth_key is None or secrets.oauth_secret is None:
        return (
            f"auth_mode is oauth but oauth_key/oauth_secret are not set {where.format('OAUTH_KEY')}"
        )
    return None


async def check_connection(
    settings: Settings, secrets: Secrets, *, transport: Any = None
) -> tuple[bool, str]:
    """Sign in and make one customer lookup: (success, a one-line verdict). Reusable by the
    settings screen; `transport` lets tests and the demo point it at the sandbox."""
    from tillui.api.client import IntouchClient
    from tillui.api.errors import AuthError, CustomerNotFound, IntouchError, Timeout, Unavailable

    host = settings.api_base_url
    try:
        async with IntouchClient(settings, secrets, transport=transport) as client:
            await client.customer_details([PROBE_IDENTIFIER])
    except CustomerNotFound:
        return True, f"OK: {host} accepted the credentials and answered the lookup call"
    except AuthError as exc:
        return False, f"FAILED: authentication refused by {host}: {exc}"
    except (Unavailable, Timeout) as exc:
        return False, f"FAILED: {host} is unreachable: {exc}"
    except IntouchError as exc:
        return False, f"FAILED: {host} answered with an error: {exc}"
    return True, f"OK: {host} accepted the credentials and answered the lookup call"
