"""Input that must not kill the till (tillui/terminal.py): the parser and decoder it uses, and a
non-zero exit status after a panic. The real-terminal proof is tests/test_terminal_tmux.py."""

from __future__ import annotations

import pytest
from textual import events

from tillui.terminal import TolerantXTermParser, feed_safely, tolerant_decoder

# Textual's own parser, reached through the one module allowed to use it (tillui/terminal.py).
UpstreamParser = TolerantXTermParser.__base__
HUGE = ["\x1b[999999999999A", "\x1b[99999999999999999999;5u", "\x1b[1114112u"]


def keys(messages) -> list[str]:
    return [m.key for m in messages if isinstance(m, events.Key)]


@pytest.mark.parametrize("sequence", HUGE)
def test_textual_parser_dies_on_huge_parameters(sequence: str) -> None:
    """The upstream bug this module works around (docs/textual-workarounds.md)."""
    with pytest.raises((ValueError, OverflowError)):
        list(UpstreamParser().feed(sequence))


@pytest.mark.parametrize("sequence", HUGE)
def test_tolerant_parser_ignores_them_and_keeps_reading(sequence: str) -> None:
    parser = TolerantXTermParser()
    parser, messages = feed_safely(parser, sequence + "9")
    assert keys(messages) == ["9"]
    parser, messages = feed_safely(parser, "1")
    assert keys(messages) == ["1"]


def test_a_parser_that_raises_anyway_is_replaced() -> None:
    class Broken(TolerantXTermParser):
        def feed(self, data):
            raise RuntimeError("boom")

    parser, messages = feed_safely(Broken(), "x")
    assert messages == [] and type(parser) is TolerantXTermParser
    assert keys(feed_safely(parser, "y")[1]) == ["y"]


def test_decoder_drops_bytes_that_are_not_utf8() -> None:
    decode = tolerant_decoder().decode
    assert decode(b"\xff9\xc3\x28") == "9("
    # A character split across two reads still arrives whole.
    assert decode(b"\xe2\x82") == "" and decode(b"\xac") == "€"


async def test_a_panic_exits_non_zero(make_app) -> None:
    app = make_app()
    async with app.run_test():
        assert app.return_code is None
        app.panic("the till fell over")
        assert app.return_code == 1


def test_the_app_runs_on_the_tolerant_driver(make_app) -> None:
    assert make_app().get_driver_class().__name__ == "TolerantLinuxDriver"
