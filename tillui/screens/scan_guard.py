"""Tells a barcode scan from typing, and hands the scan to the screen as one `ScannedCode`.

A scanner types a whole code and ends it with Enter. Two ways to recognise one:

- **Prefix** (setting `scan_prefix`, preferred: SSH distorts key timing): keys from the prefix up
  to the suffix or Enter are captured, never typed anywhere.
- **Timing** (no prefix): a burst of at least `min_length` keys at most `max_gap` apart ending in
  Enter. Where a text field has the focus the keys go in as they come (typing must echo at once)
  and, once the burst turns out to be a scan, the field gets back what it held before. Elsewhere
  (screens whose letters are shortcuts, and every modal dialog) keys are held back a moment and
  replayed as ordinary keys when they turn out to be typing. A key whose action a scan would
  make moot (a screen's `scan_harmless_actions`: page flips) acts at once and is still counted
  as a possible scan's first key.

Only screens that route scans (`scan_starts_lookup`) and modal dialogs are watched. In a dialog a
scan is never typed in and never confirms anything: it is dropped with a notice. The same code
scanned again within `repeat_window` seconds (a double read) is dropped too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input

from tillui.counter.scan_classifier import ScanClassifier
from tillui.host import TillCapabilities
from tillui.messages import ScannedCode

if TYPE_CHECKING:
    from textual.app import App

    from tillui.host import TillHost

TERMINATORS = ("enter", "tab")
CAPTURE_TIMEOUT = 1.0
"""Seconds a prefixed scan may take; an unfinished one is dropped."""


@dataclass
class _Burst:
    """Keys typed into a focused field that may turn out to be a scan."""

    field: Input
    chars: list[str]
    last: float
    before: tuple[str, int] | None = None


class ScanGuard:
    def __init__(
        self,
        app: App[None],
        host: TillHost,
        *,
        max_gap: float = 0.03,
        min_length: int = 5,
        prefix: str = "",
        suffix: str = "",
        repeat_window: float = 2.0,
        classifier: ScanClassifier | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.enabled = True
        self.configure(
            max_gap=max_gap,
            min_length=min_length,
            prefix=prefix,
            suffix=suffix,
            classifier=classifier or ScanClassifier.from_patterns(),
        )
        self.repeat_window = repeat_window
        self._held: list[events.Key] = []
        self._first_delivered = False
        """The first held key already acted (a harmless action): it is never replayed."""
        self._last = 0.0
        self._timer: Timer | None = None
        self._burst: _Burst | None = None
        self._prefix_keys: list[events.Key] = []
        self._captured: list[str] | None = None
        self._swallow_terminator_until = 0.0
        self._last_scan: tuple[str, float] | None = None

    def configure(
        self,
        *,
        max_gap: float,
        min_length: int,
        prefix: str,
        suffix: str,
        classifier: ScanClassifier,
    ) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.prefix = prefix
        self.suffix = suffix
        self.classifier = classifier

    # -- where scans are watched ---------------------------------------------------------------

    def _watched(self) -> bool:
        screen = self.app.screen
        return isinstance(screen, ModalScreen) or (
            isinstance(screen, TillCapabilities) and screen.scan_starts_lookup
        )

    def hold(self, event: events.Key) -> bool:
        """True if the key is held back or consumed (part of a scan); False lets it through."""
        if not self.enabled:
            return False
        if self.prefix:
            return self._hold_prefixed(event)
        if not self._watched():
            self._burst = None
            if self._held:
                self._flush()
            return False
        screen = self.app.screen
        focused = screen.focused
        if isinstance(focused, Input) and not isinstance(screen, ModalScreen):
            return self._track(event, focused)
        self._burst = None
        return self._hold_timed(event)

    # -- prefix mode ---------------------------------------------------------------------------

    def _hold_prefixed(self, event: events.Key) -> bool:
        now = event.time
        if self._captured is not None:
            if now - self._last > CAPTURE_TIMEOUT:
                self._captured = None
                self.app.notify("An unfinished scan was ignored.", title="Scan", timeout=3)
            else:
                return self._capture(event, now)
        if event.key in TERMINATORS and now <= self._swallow_terminator_until:
            self._swallow_terminator_until = 0.0
            return True
        expected = self.prefix[len(self._prefix_keys)]
        if event.character == expected:
            self._prefix_keys.append(event)
            self._last = now
            if len(self._prefix_keys) == len(self.prefix):
                self._prefix_keys = []
                self._captured = []
            return True
        if self._prefix_keys:
            # Not the prefix after all: what was held is ordinary typing.
            self._held, self._prefix_keys = self._prefix_keys, []
            self._flush(then=event)
            return True
        return False

    def _capture(self, event: events.Key, now: float) -> bool:
        assert self._captured is not None
        self._last = now
        if event.key in TERMINATORS:
            code, self._captured = "".join(self._captured), None
            self._dispatch(code.removesuffix(self.suffix) if self.suffix else code, now)
            return True
        if event.character and event.is_printable:
            self._captured.append(event.character)
            code = "".join(self._captured)
            if self.suffix and code.endswith(self.suffix):
                self._captured = None
                self._swallow_terminator_until = now + CAPTURE_TIMEOUT / 4
                self._dispatch(code.removesuffix(self.suffix), now)
        return True

    # -- timing mode, a text field focused: keys go in, a scan takes them back -----------------

    def _track(self, event: events.Key, focused: Input) -> bool:
        now = event.time
        burst = self._burst
        if event.key == "enter" and burst is not None:
            self._burst = None
            if (
                burst.field is focused
                and len(burst.chars) >= self.min_length
                and now - burst.last <= self.max_gap * 4
            ):
                # Queued behind the burst's keys in the field's own queue, so the field has
                # taken every one of them before it gets back its earlier value.
                focused.call_later(self._restore_and_dispatch, burst, now)
                return True
            return False
        if event.is_printable and event.character:
            if burst is None or burst.field is not focused or now - burst.last > self.max_gap:
                burst = self._burst = _Burst(focused, [], now)
                focused.call_later(self._snapshot, burst)
            burst.chars.append(event.character)
            burst.last = now
            return False
        self._burst = None
        return False

    @staticmethod
    def _snapshot(burst: _Burst) -> None:
        burst.before = (burst.field.value, burst.field.cursor_position)

    def _restore_and_dispatch(self, burst: _Burst, now: float) -> None:
        if burst.before is not None:
            value, cursor = burst.before
            burst.field.value = value
            burst.field.cursor_position = cursor
        self._dispatch("".join(burst.chars), now)

    # -- timing mode elsewhere: keys held back until they are known to be typing --------------

    def _hold_timed(self, event: events.Key) -> bool:
        now = event.time
        if event.key == "enter" and self._held:
            if len(self._held) >= self.min_length and now - self._last <= self.max_gap * 4:
                code = "".join(key.character or "" for key in self._held)
                self._discard()
                self._dispatch(code, now)
                return True
            self._flush(then=event)
            return True
        if event.is_printable and event.character:
            if self._held and now - self._last > self.max_gap:
                self._flush(then=event)
                return True
            delivered = not self._held and self._harmless(event)
            self._held.append(event)
            self._first_delivered = self._first_delivered or delivered
            self._last = now
            self._restart_timer()
            return not delivered
        if self._held:
            self._flush(then=event)
            return True
        return False

    def _harmless(self, event: events.Key) -> bool:
        """Whether the key runs an action that a scan following it would make moot."""
        screen = self.app.screen
        if not isinstance(screen, TillCapabilities) or not screen.scan_harmless_actions:
            return False
        active = screen.active_bindings.get(event.key)
        return (
            active is not None
            and active.enabled
            and active.binding.action in screen.scan_harmless_actions
        )

    @property
    def holding(self) -> bool:
        """Keys are held back right now (tests wait for this to end, never for a time)."""
        return bool(self._held)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(self.max_gap * 2, self._flush, name="scan-guard")

    def _flush(self, then: events.Key | None = None) -> None:
        held = self._held[1:] if self._first_delivered else self._held
        held = held + ([then] if then is not None else [])
        self._discard()
        if held:
            self.app.call_next(self._replay, held)

    async def _replay(self, keys: list[events.Key]) -> None:
        for key in keys:
            await self.host.replay_key(key)

    def _discard(self) -> None:
        self._held = []
        self._first_delivered = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    # -- a whole scan ----------------------------------------------------------------------------

    def _dispatch(self, code: str, now: float) -> None:
        code = code.strip()
        if not code:
            return
        if self._last_scan is not None:
            last_code, last_time = self._last_scan
            if code == last_code and now - last_time < self.repeat_window:
                return
        self._last_scan = (code, now)
        screen = self.app.screen
        if isinstance(screen, ModalScreen):
            self.app.notify(
                "A scan was ignored: this dialog is still open (Esc closes it).",
                title="Scan ignored",
                severity="warning",
                timeout=4,
            )
            return
        if not (isinstance(screen, TillCapabilities) and screen.scan_starts_lookup):
            self.app.notify("A scan was ignored on this screen.", title="Scan ignored", timeout=4)
            return
        screen.post_message(ScannedCode(code, self.classifier.classify(code)))
