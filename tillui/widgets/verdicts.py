"""The verdict lines of a set-up check (`tillui.checks.till_setup`), one per part, coloured by status.

Shared by the settings screen's connection test and the first-run setup, so both say exactly
what `tillui config check` says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from tillui.checks.till_setup import Verdict

STYLES = {"ok": "green", "failed": "bold red", "skipped": "dim"}


def verdicts_text(verdicts: Sequence[Verdict]) -> Text:
    text = Text()
    for number, verdict in enumerate(verdicts):
        if number:
            text.append("\n")
        text.append(verdict.line, style=STYLES[verdict.status])
    return text


class VerdictList(Static):
    """Plain text until `show` is given verdicts; `passed` tells how the last check went."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, classes="verdicts")
        self.passed: bool | None = None

    def show(self, verdicts: Sequence[Verdict]) -> None:
        self.passed = all(verdict.passed for verdict in verdicts)
        self.update(verdicts_text(verdicts))
        self.set_class(self.passed, "-ok")
        self.set_class(not self.passed, "-failed")

    def say(self, text: str, *, failed: bool = False) -> None:
        """A message instead of verdicts (testing…, fill these fields…): no check has passed."""
        self.passed = None
        self.update(Text(text))
        self.remove_class("-ok")
        self.set_class(failed, "-failed")
