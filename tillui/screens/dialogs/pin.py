"""The kiosk quit PIN: typed hidden, checked against the stored hash; Esc cancels.

Dismisses with True when the PIN matched, False after a cancel or when wrong PINs locked it out
(the lockout itself is tillui.config.kiosk.PinGuard's, kept by the app across dialogs).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from tillui.screens.base import TillDialog
from tillui.screens.styles import stylesheet


class PinDialog(TillDialog[bool]):
    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pin.cancel")]

    def __init__(self, check: Callable[[str], bool], locked_for: Callable[[], float]) -> None:
        super().__init__()
        self._check = check
        self._locked_for = locked_for
        self._checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-dialog", classes="dialog"):
            yield Static("Kiosk PIN to quit", classes="dialog-title")
            yield Input(
                placeholder="PIN", password=True, id="pin", max_length=12, restrict=r"[0-9]*"
            )
            yield Static("", id="pin-error")
            yield Static("[b]Enter[/b] quit   [b]Esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted, "#pin")
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._checking:
            return
        self._checking = True
        try:
            # scrypt takes tens of milliseconds by design: off the event loop.
            matched = await asyncio.to_thread(self._check, event.value)
        finally:
            self._checking = False
        if matched:
            self.dismiss(True)
            return
        locked_for = self._locked_for()
        if locked_for > 0:
            self.app.notify(
                f"Wrong PIN. Try again in {max(1, round(locked_for))} s.",
                title="Quit refused",
                severity="error",
            )
            self.dismiss(False)
            return
        event.input.clear()
        self.query_one("#pin-error", Static).update("Wrong PIN.")

    def action_cancel(self) -> None:
        self.dismiss(False)
