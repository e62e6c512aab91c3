"""Keeps a barcode scan from firing letter shortcuts on screens without a text field.

A scanner types a whole code in a few milliseconds and ends with Enter. On the customer screen
"CARD0001⏎" would otherwise press `c` (claim), `a`, `r` (requests)… So on screens that opt in
(`scan_starts_lookup = True`) and have no text field focused, printable keys are held back for a
moment: a burst of at least `min_length` keys ending in Enter becomes a `ScannedCode` (a new
lookup); anything slower is replayed as the ordinary keys it was, ~60 ms late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.timer import Timer
from textual.widgets import Input

from tillui.host import TillCapabilities
from tillui.messages import ScannedCode

if TYPE_CHECKING:
    from textual.app import App

    from tillui.host import TillHost


class ScanGuard:
    def __init__(
        self, app: App[None], host: TillHost, *, max_gap: float = 0.03, min_length: int = 5
    ) -> None:
        self.app = app
        self.host = host
        self.max_gap = max_gap
        self.min_length = min_length
        self.enabled = True
        self._held: list[events.Key] = []
        self._last = 0.0
        self._timer: Timer | None = None

    def _applies(self) -> bool:
        screen = self.app.screen
        return (
            self.enabled
            and isinstance(screen, TillCapabilities)
            and screen.scan_starts_lookup
            and not isinstance(screen.focused, Input)
        )

    def hold(self, event: events.Key) -> bool:
        """True if the key is held back (or consumed as the end of a scan)."""
        if not self._applies():
            if self._held:
                self._flush_soon()
            return False
        # When the key arrived, not when the app got round to it: on a busy till a scan's keys
        # may wait in the queue, and must not turn into typing (and fire shortcuts) for that.
        now = event.time
        if event.key == "enter" and self._held:
            if len(self._held) >= self.min_length and now - self._last <= self.max_gap * 4:
                code = "".join(key.character or "" for key in self._held)
                self._discard()
                # The screen may claim it (a receipt on the claim screen); if not, it bubbles
                # up to the app, which starts a new lookup.
                self.app.screen.post_message(ScannedCode(code))
                return True
            self._flush_soon(then=event)
            return True
        if event.is_printable and event.character:
            if self._held and now - self._last > self.max_gap:
                self._flush_soon(then=event)
                return True
            self._held.append(event)
            self._last = now
            self._restart_timer()
            return True
        if self._held:
            self._flush_soon(then=event)
            return True
        return False

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(self.max_gap * 2, self._flush_soon, name="scan-guard")

    def _flush_soon(self, then: events.Key | None = None) -> None:
        held = self._held + ([then] if then is not None else [])
        self._discard()
        if held:
            self.app.call_next(self._replay, held)

    async def _replay(self, keys: list[events.Key]) -> None:
        for key in keys:
            await self.host.replay_key(key)

    def _discard(self) -> None:
        self._held = []
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
