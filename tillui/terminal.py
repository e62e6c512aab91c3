"""Input that must not kill the till: the one place where tillui works around Textual.

Textual 8's Linux input thread decodes stdin as strict UTF-8 and its xterm parser turns escape
sequence parameters into characters unchecked, so one stray byte (0xff from a noisy serial or
SSH link) or one oversized parameter (ESC[999999999999A) raises in the input thread; Textual
then panics the app, which exits with status 0. See docs/textual-workarounds.md for the
upstream reproduction. Here:

* `TolerantXTermParser` ignores a key sequence whose code point is out of range;
* `TolerantLinuxDriver` decodes with errors="ignore" and, should the parser still raise on
  something else, logs it and starts a fresh parser instead of dying;
* `TerminalGuard` (mixed into the app) picks that driver and makes a panic exit non-zero.

Nothing else in tillui may reach into Textual's private modules.
"""

from __future__ import annotations

import logging
import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events
from textual._xterm_parser import XTermParser
from textual.keys import Keys

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.driver import Driver
    from textual.message import Message

logger = logging.getLogger("tillui.terminal")

READ_SIZE = 4096


class TolerantXTermParser(XTermParser):
    """An xterm parser that ignores a key sequence it cannot turn into a key."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        try:
            return list(super()._sequence_to_key_events(sequence, alt))
        except (ValueError, OverflowError):
            # chr() of a parameter past U+10FFFF, or one too big for a C int.
            logger.warning("ignored an escape sequence with an out-of-range parameter")
            return [events.Key(Keys.Ignore, None)]


def feed_safely(parser: XTermParser, data: str) -> tuple[XTermParser, list[Message]]:
    """Feed `data`; if the parser raises anyway, drop this chunk and carry on with a new one."""
    try:
        return parser, list(parser.feed(data))
    except Exception as error:  # noqa: BLE001 - a bad chunk of input must not end the app
        logger.warning("dropped unreadable terminal input (%s)", type(error).__name__)
        return TolerantXTermParser(), []


def tick_safely(parser: XTermParser) -> tuple[XTermParser, list[Message]]:
    try:
        return parser, list(parser.tick())
    except Exception as error:  # noqa: BLE001 - as in feed_safely
        logger.warning("dropped unreadable terminal input (%s)", type(error).__name__)
        return TolerantXTermParser(), []


def tolerant_decoder():
    """An incremental UTF-8 decoder that drops bytes which are not UTF-8."""
    return getincrementaldecoder("utf-8")(errors="ignore")


def tolerant_driver(base: type[Driver]) -> type[Driver]:
    """`base` (Textual's LinuxDriver) with an input thread that survives any input."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows: no termios, and a different input path
        return base
    if not issubclass(base, LinuxDriver):
        return base  # the web driver (textual-serve), or one named in TEXTUAL_DRIVER

    class TolerantLinuxDriver(base):  # type: ignore[valid-type,misc]
        # A copy of LinuxDriver.run_input_thread (Textual 8.2) with the decoder, the parser
        # and the two feed calls made tolerant; keep it in step when Textual is upgraded.
        def run_input_thread(self) -> None:
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            fileno = self.fileno
            decode = tolerant_decoder().decode
            parser: XTermParser = TolerantXTermParser(getattr(self, "_debug", False))

            def process(ready: list[tuple[selectors.SelectorKey, int]], final: bool) -> None:
                nonlocal parser
                for position, (_key, mask) in enumerate(ready):
                    if mask & selectors.EVENT_READ:
                        raw = os.read(fileno, READ_SIZE)
                        if not raw:  # stdin is a pipe and it ended
                            break
                        last = position == len(ready) - 1
                        data = decode(raw, final=final and last)
                        if not data:  # only bytes that are not UTF-8: nothing to parse
                            continue
                        parser, messages = feed_safely(parser, data)
                        for message in messages:
                            self.process_message(message)
                parser, messages = tick_safely(parser)
                for message in messages:
                    self.process_message(message)

            try:
                while not self.exit_event.is_set():
                    process(selector.select(0.1), final=False)
                selector.unregister(self.fileno)
                process(selector.select(0.1), final=True)
            finally:
                selector.close()
                feed_safely(parser, "")

    TolerantLinuxDriver.__name__ = TolerantLinuxDriver.__qualname__ = "TolerantLinuxDriver"
    return TolerantLinuxDriver


class TerminalGuard:
    """Mixed into the App: the tolerant driver, a non-zero exit status after a panic, and a crash
    report without the frames' local variables."""

    def get_driver_class(self) -> type[Driver]:
        return tolerant_driver(super().get_driver_class())  # type: ignore[misc]

    def panic(self, *renderables: RenderableType) -> None:
        # Textual's panic leaves the return code at 0; a till that died must say so.
        self.exit(return_code=1)  # type: ignore[attr-defined]
        super().panic(*renderables)  # type: ignore[misc]

    def _fatal_error(self) -> None:
        # Textual prints an unhandled exception with show_locals=True: on a till the frames'
        # locals are customers' identifiers and the till's settings, put on the screen. The same
        # report without them (docs/textual-workarounds.md, 3).
        import rich
        from rich.traceback import Traceback

        self.bell()  # type: ignore[attr-defined]
        self.panic(Traceback(show_locals=False, width=None, suppress=[rich]))
