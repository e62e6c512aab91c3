"""Below the smallest usable terminal (80x24) every screen shows one clear message instead of a
broken layout: the app's breakpoints class the screen `-too-narrow` / `-too-short`, and
base.tcss shows this notice, drawn over the whole screen, only then. While it is shown no key
reaches the screen behind it (TillApp.on_event) except the ones it names (`KEYS`)."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 80
MIN_HEIGHT = 24
HORIZONTAL_BREAKPOINTS = [(0, "-too-narrow"), (MIN_WIDTH, "-wide-enough")]
VERTICAL_BREAKPOINTS = [(0, "-too-short"), (MIN_HEIGHT, "-tall-enough")]
MESSAGE = (
    f"The terminal is too small for tillui.\n\n"
    f"Please enlarge the terminal to at least {MIN_WIDTH}x{MIN_HEIGHT}\n"
    "(columns x rows), or use a smaller font.\n\n"
    "Ctrl+Q quits."
)
KEYS = frozenset({"ctrl+q"})
"""The keys that still work while the notice hides the screen: the ones it names."""
TOO_SMALL = ("-too-narrow", "-too-short")


class SizeNotice(Static):
    def __init__(self) -> None:
        super().__init__(MESSAGE, id="size-notice")


def hides_screen(screen: Screen) -> bool:
    """The notice is drawn over `screen`: the terminal is smaller than 80x24."""
    return any(screen.has_class(name) for name in TOO_SMALL)


def add_size_notice(screen: Screen) -> None:
    """Give `screen` its notice (once); the app calls this for every screen it shows."""
    if not screen.query(SizeNotice):
        screen.mount(SizeNotice())
