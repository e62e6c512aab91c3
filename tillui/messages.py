"""Messages the screens and widgets post to each other (small dataclasses, one place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tillui.counter.identifier_types import ScanKind


@dataclass
class ScannedCode(Message):
    """A barcode scanner sent a whole code, classified by the scan patterns. Posted to the
    screen, which may route it itself (lookup: its field; claim: receipt search); otherwise it
    bubbles up to the app, which starts a new lookup with it."""

    code: str
    kind: ScanKind = "unknown"


@dataclass
class ServicesFailed(Message):
    """Loading the configuration or the client failed; `reason` is one line for the cashier."""

    reason: str


@dataclass
class FromLoadingThread(Message):
    """The services' loading thread hands its result to the app's own loop, without waiting
    for it to be handled (see TillApp.hand_over)."""

    callback: Callable[[], None]


@dataclass
class LastingNotice(Message):
    """Post to the app: show `text` on every screen until a LastingNotice of the same `key`
    with `text=None` clears it (see tillui.widgets.lasting_notice)."""

    key: str
    text: str | None
