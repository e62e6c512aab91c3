"""A loading indicator that animates only while it is displayed.

Textual's LoadingIndicator repaints 16 times a second from the moment it is mounted, shown or
not: every screen keeping a hidden one cost the idle till ~1.5% CPU. This one ties its timer to
`display` (Show/Hide events do not fire for a widget hidden before its first layout).
"""

from __future__ import annotations

from textual import events
from textual.widgets import LoadingIndicator

FRAME_INTERVAL = 1 / 16


class Spinner(LoadingIndicator):
    def _on_mount(self, event: events.Mount) -> None:
        super()._on_mount(event)
        self.auto_refresh = FRAME_INTERVAL if self.display else None

    @property
    def display(self) -> bool:
        return LoadingIndicator.display.fget(self)  # type: ignore[attr-defined]

    @display.setter
    def display(self, shown: bool) -> None:
        LoadingIndicator.display.fset(self, shown)  # type: ignore[attr-defined]
        if self.is_mounted:
            self.auto_refresh = FRAME_INTERVAL if shown else None
