"""Choose which retro requests to show: every status, or one; a digit picks at once."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tillui.screens.base import TillDialog
from tillui.screens.styles import stylesheet

ALL = "all"
"""The choice meaning every status (the dialog dismisses with None when cancelled)."""


class StatusFilterDialog(TillDialog[str | None]):
    """Dismisses with ALL, a status, or None (Esc: keep the filter as it is)."""

    CSS_PATH = stylesheet("dialogs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="status_filter.cancel"),
    ]

    def __init__(self, statuses: tuple[str, ...], current: str | None) -> None:
        super().__init__()
        self.choices: tuple[str, ...] = (ALL, *statuses)
        self._current = current or ALL

    def compose(self) -> ComposeResult:
        with Vertical(id="status-filter", classes="dialog"):
            yield Static("Show requests with status", classes="dialog-title")
            yield OptionList(
                *(
                    Option(f"{digit}  {'every status' if choice == ALL else choice}", id=choice)
                    for digit, choice in enumerate(self.choices)
                ),
                id="status-choices",
            )
            yield Static(
                f"[b]0[/b]–[b]{len(self.choices) - 1}[/b] or [b]Enter[/b] choose   [b]Esc[/b] keep",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = self.choices.index(self._current)
        choices.focus()

    def on_key(self, event) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            position = int(event.character)
            if position < len(self.choices):
                self.dismiss(self.choices[position])
            else:
                self.app.bell()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
