"""Argument parsing shared by `tillui` and every subcommand: one-line errors and checked values.

Standard library only (`tillui --help` must stay cheap). A bad argument is reported on one line,
naming the command, with exit code 2, never a traceback; value types below refuse what cannot
be used (a port above 65535, a negative or non-finite number of seconds) while parsing.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

USAGE_ERROR = 2


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: `prog: error: why (see prog --help)`.

    Sub-parsers made with `add_subparsers().add_parser` are of this class too.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def one_line_error(prog: str, message: str) -> int:
    """Report a usage problem found after parsing the way the parser would; returns 2."""
    print(f"{prog}: error: {message} (see {prog} --help)", file=sys.stderr)
    return USAGE_ERROR


def port_number(text: str) -> int:
    """A TCP port, 0 (pick a free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range: use 0 to 65535")
    return port


def whole_number(text: str) -> int:
    """Any integer (e.g. a seed)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def seconds(text: str) -> float:
    """A finite, non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: seconds must be 0 or more")
    return value


def non_empty(text: str) -> str:
    """Text that is not blank (an ID, a name)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text.strip()


def positive_id(text: str) -> int:
    """An Intouch ID: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ID: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"not an ID: {text!r} (IDs are 1 or more)")
    return value


def amount_text(text: str) -> str:
    """A bill amount as typed (kept as text, read exactly later): a finite number, 0 or more."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}")
    return text.strip()
