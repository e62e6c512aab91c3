"""Quit with claims in flight or not yet confirmed: say what happens to them, then ask."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tillui.screens.base import TillDialog
from tillui.screens.styles import stylesheet


@dataclass(frozen=True)
class QuitQuestion:
    """What quitting now would leave behind."""

    sending: int
    """Claims being sent right now (their answer may not arrive)."""
    unconfirmed: int
    """Other claims stored but not yet confirmed by the server."""

    def lines(self) -> list[str]:
        lines = []
        if self.sending:
            lines.append(
                "A claim is being sent right now: if you quit, its answer may not arrive."
                if self.sending == 1
                else f"{self.sending} claims are being sent right now: their answers may not arrive."
            )
        if self.unconfirmed:
            lines.append(
                "1 claim is not yet confirmed by the server."
                if self.unconfirmed == 1
                else f"{self.unconfirmed} claims are not yet confirmed by the server."
            )
        lines.append(
            "Nothing is lost: the till's outbox keeps every claim and checks it with Intouch at "
            "the next start, before anything is resent. Do not claim those bills again."
        )
        return lines


class ConfirmQuitDialog(TillDialog[bool]):
    """Dismisses with True to quit, False to stay."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS = [
        Binding("enter", "quit_anyway", "Quit", id="confirm_quit.quit"),
        Binding("escape,n", "stay", "Stay", id="confirm_quit.stay"),
    ]

    def __init__(self, question: QuitQuestion) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-quit", classes="dialog"):
            yield Static("Quit with claims not yet confirmed?", classes="dialog-title")
            for line in self.question.lines():
                yield Static(line, classes="dialog-text")
            yield Static("[b]Enter[/b] quit   [b]Esc[/b] stay", classes="dialog-keys")

    def action_quit_anyway(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)
