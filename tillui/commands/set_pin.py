"""`tillui config set-pin`: store the kiosk quit PIN as a salted hash in the secrets file.

The PIN is read without echo from the terminal (twice), or one line from standard input when
that is not a terminal (provisioning scripts). It is never printed, logged or written as is.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from tillui.config.files import ConfigError
from tillui.config.kiosk import hash_pin, pin_problem
from tillui.config.layers import default_config_path
from tillui.config.secrets import secrets_path_for, write_secret

FIELD = "kiosk_pin_hash"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--remove",
        action="store_true",
        help="remove the PIN: quitting the kiosk is then disabled",
    )


def set_pin(args: argparse.Namespace) -> int:
    path = secrets_path_for(args.config or default_config_path())
    where = f"[till.{args.till}]" if args.till else "[defaults]"
    if args.remove:
        write_secret(path, FIELD, None, till=args.till)
        print(f"kiosk PIN removed from {where} of {path}: quitting a kiosk is disabled there")
        return 0
    pin = _read_pin()
    problem = pin_problem(pin)
    if problem:
        raise ConfigError(problem)
    write_secret(path, FIELD, hash_pin(pin), till=args.till)
    print(f"kiosk PIN set (salted hash) in {where} of {path}")
    return 0


def _read_pin() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    try:
        first = getpass.getpass("New kiosk PIN: ")
        second = getpass.getpass("Same PIN again: ")
    except (EOFError, KeyboardInterrupt):
        raise ConfigError("no PIN given: nothing changed") from None
    if first != second:
        raise ConfigError("the two PINs differ: nothing changed")
    return first.strip()
