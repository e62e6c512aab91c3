"""Approve or reject one waiting claim: the summary, a message (required to reject), confirm.

Dismisses with the message ('' allowed when approving) or None to cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tillui.screens.styles import stylesheet


@dataclass(frozen=True)
class DecisionSummary:
    bill_number: str
    amount: str
    billed: str
    customer: str
    waiting: str


class CheckerDecisionDialog(ModalScreen[str | None]):
    CSS_PATH = stylesheet("checker.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="checker_decision.cancel")
    ]

    def __init__(self, summary: DecisionSummary, *, approve: bool) -> None:
        super().__init__()
        self.summary = summary
        self.approve = approve
        self._answered = False

    def compose(self) -> ComposeResult:
        verb = "Approve" if self.approve else "Reject"
        with Vertical(id="checker-decision", classes="dialog"):
            yield Static(f"{verb} this claim?", classes="dialog-title")
            for label, value in (
                ("Bill", self.summary.bill_number),
                ("Amount", self.summary.amount),
                ("Billed", self.summary.billed),
                ("Customer", self.summary.customer),
                ("Waiting", self.summary.waiting),
            ):
                yield Static(Text.assemble((f"{label:<9}", "dim"), value), classes="dialog-row")
            yield Input(
                placeholder="Message (optional)" if self.approve else "Why? (the customer sees it)",
                id="decision-message",
                max_length=200,
            )
            yield Static("", id="decision-problem")
            yield Static(f"[b]Enter[/b] {verb.lower()}   [b]Esc[/b] cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#checker-decision").add_class("-approve" if self.approve else "-reject")

    @on(Input.Submitted, "#decision-message")
    def _confirm(self, event: Input.Submitted) -> None:
        event.stop()
        if self._answered:
            return
        message = event.value.strip()
        if not self.approve and not message:
            problem = self.query_one("#decision-problem", Static)
            problem.update("A rejection needs a message: it is what the customer is told.")
            problem.display = True
            return
        self._answered = True
        self.dismiss(message)

    def action_cancel(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(None)
