"""The kiosk quit PIN: typed hidden, checked against the stored hash; Esc cancels.

Dismisses with True when the PIN matched, False after a cancel or too many wrong tries.
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

MAX_TRIES = 3


class PinDialog(TillDialog[bool]):
    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pin.cancel")]

    def __init__(self, check: Callable[[str], bool]) -> None:
        super().__init__()
        self._check = check
        self._tries = 0
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
        self._tries += 1
        if self._tries >= MAX_TRIES:
            self.app.notify("Wrong PIN. Quitting was refused.", severity="error")
            self.dismiss(False)
            return
        event.input.clear()
        left = MAX_TRIES - self._tries
        self.query_one("#pin-error", Static).update(
            f"Wrong PIN: {left} more {'try' if left == 1 else 'tries'}."
        )

    def action_cancel(self) -> None:
        self.dismiss(False)
