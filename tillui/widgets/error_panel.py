"""A panel that says what went wrong and what to do next — never a traceback."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from tillui.display.error_text import describe


class ErrorPanel(Static):
    # Hidden at start by styles/base.tcss (.error-panel).
    DEFAULT_CLASSES = "error-panel"

    def show_error(self, error: BaseException, *, given: Iterable[str] = ()) -> None:
        title, advice = describe(error, given=given)
        self.show_message(title, advice)

    def show_message(self, title: str, advice: str = "") -> None:
        # Text, not markup: server messages may contain brackets.
        text = Text(title, style="bold")
        if advice:
            text.append("\n" + advice, style="")
        self.update(text)
        self.display = True

    def clear(self) -> None:
        # Cleared on every load: when there is nothing to clear, no update (each one a relayout).
        if self.display:
            self.update("")
            self.display = False
