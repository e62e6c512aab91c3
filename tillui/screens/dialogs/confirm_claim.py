"""Confirm a claim: the summary the cashier reads to the customer, and an optional note."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tillui.screens.styles import stylesheet
from tillui.widgets.note_input import NoteInput


@dataclass(frozen=True)
class ClaimSummary:
    customer: str
    bill_number: str
    billed: str
    amount: str
    rejected_on: str | None = None
    """When an earlier claim of this bill was rejected (or failed), as the cashier reads it."""


class ConfirmClaimDialog(ModalScreen[str | None]):
    """Dismisses with the note ('' when none) to claim, or None to cancel."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm_claim.cancel")]

    def __init__(self, summary: ClaimSummary) -> None:
        super().__init__()
        self.summary = summary
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-claim", classes="dialog"):
            title = (
                f"A claim of this bill was rejected on {self.summary.rejected_on}; claim again?"
                if self.summary.rejected_on
                else "Claim this bill for the customer?"
            )
            yield Static(title, classes="dialog-title")
            for label, value in (
                ("Customer", self.summary.customer),
                ("Bill", self.summary.bill_number),
                ("Billed", self.summary.billed),
                ("Amount", self.summary.amount),
            ):
                yield Static(Text.assemble((f"{label:<9}", "dim"), value), classes="dialog-row")
            yield NoteInput(id="claim-note")
            yield Static("[b]Enter[/b] claim   [b]Esc[/b] cancel", classes="dialog-keys")

    @on(Input.Submitted, "#claim-note")
    def _confirm(self, event: Input.Submitted) -> None:
        event.stop()
        # One Enter, one claim: later Enters (a held key, a double press) find nothing to do.
        if not self._answered:
            self._answered = True
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(None)
