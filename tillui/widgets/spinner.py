"""A loading indicator that animates only while it is shown.

Textual's LoadingIndicator repaints 16 times a second from the moment it is mounted, shown or
not: every screen keeping a hidden one cost the idle till ~1.5% CPU. This widget draws the same
dots but starts its refresh timer on Show and stops it on Hide (public events that Textual sends
when a widget enters or leaves the layout). Spinners are hidden at start by `styles/base.tcss`.
"""

from __future__ import annotations

from time import monotonic

from rich.style import Style
from rich.text import Text
from textual.color import Gradient
from textual.widget import Widget

FRAME_INTERVAL = 1 / 16
_DOT = "\u25cf"


class Spinner(Widget):
    DEFAULT_CSS = """
    Spinner {
        width: 100%;
        height: 100%;
        min-height: 1;
        content-align: center middle;
        color: $primary;
        text-style: not reverse;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._started = monotonic()

    def on_show(self) -> None:
        self._started = monotonic()
        self.auto_refresh = FRAME_INTERVAL

    def on_hide(self) -> None:
        self.auto_refresh = None

    def render(self) -> Text:
        if self.app.animation_level == "none":
            return Text("Loading...")
        elapsed = monotonic() - self._started
        _, _, background, color = self.colors
        gradient = Gradient(
            (0.0, background.blend(color, 0.1)),
            (0.7, color),
            (1.0, color.lighten(0.1)),
        )
        blends = [(elapsed * 0.8 - dot / 8) % 1 for dot in range(5)]
        dots = Text.assemble(
            *(
                (f"{_DOT} ", Style.from_color(gradient.get_color((1 - blend) ** 2).rich_color))
                for blend in blends
            )
        )
        dots.rstrip()
        return dots
