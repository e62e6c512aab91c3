"""Save a first-run configuration whose check failed? Only on an explicit choice."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tillui.screens.base import TillDialog
from tillui.screens.styles import stylesheet


class SaveAnywayDialog(TillDialog[bool]):
    """Dismissed with True only when "Save anyway" is chosen; Esc (or Back) is False."""

    CSS_PATH = stylesheet("setup.tcss")
    AUTO_FOCUS = "#save-anyway-back"
    BINDINGS = [
        Binding("escape", "back", "Back", id="save_anyway.back"),
        Binding("left,right", "app.focus_next", show=False, id="save_anyway.switch"),
    ]

    def __init__(self, failures: list[str]) -> None:
        super().__init__()
        self.failures = failures

    def compose(self) -> ComposeResult:
        with Vertical(id="save-anyway", classes="dialog"):
            yield Static("The check failed: save anyway?", classes="dialog-title")
            yield Static(Text("\n".join(self.failures), style="red"), id="save-anyway-failures")
            yield Static(
                "A cashier will meet these problems at the till. Go back to fix them, "
                "or save anyway (e.g. the till is not on the store network yet).",
                id="save-anyway-advice",
            )
            with Horizontal(id="save-anyway-buttons"):
                yield Button("Back to fix it", id="save-anyway-back", compact=True)
                yield Button("Save anyway", id="save-anyway-save", variant="warning", compact=True)

    @on(Button.Pressed, "#save-anyway-back")
    def action_back(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save-anyway-save")
    def _save_anyway(self) -> None:
        self.dismiss(True)
