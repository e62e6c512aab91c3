"""A row-cursor table whose cells can be coloured by claim state from the theme (.tcss)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

STATE_COMPONENTS = {
    "waiting for approval": "state-table--waiting",
    "approved": "state-table--approved",
    "rejected": "state-table--refused",
    "failed": "state-table--refused",
    "refused": "state-table--refused",
}


class StateTable(DataTable[Text | str], inherit_bindings=False):
    """Row cursor only; page keys and Enter are left to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False, id="state_table.cursor_up"),
        Binding("down", "cursor_down", "Cursor down", show=False, id="state_table.cursor_down"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "state-table--waiting",
        "state-table--approved",
        "state-table--refused",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def state_text(self, words: str, shown: str | None = None) -> Text:
        """`shown` (default `words`) styled as the state `words` is."""
        component = STATE_COMPONENTS.get(words)
        style = self.get_component_rich_style(component, partial=True) if component else Style()
        return Text(shown if shown is not None else words, style=style)
