"""Messages the screens and widgets post to each other (small dataclasses, one place)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class ScannedCode(Message):
    """A barcode scanner sent a whole code (a burst of keys ending in Enter) on a screen
    without a text field: start a new lookup with it."""

    code: str


@dataclass
class ServicesFailed(Message):
    """Loading the configuration or the client failed; `reason` is one line for the cashier."""

    reason: str
