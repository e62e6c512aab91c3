"""The claim note: at most NOTE_MAX characters, and a paste longer than that is cut with a
visible message instead of being dropped without a word (Textual's Input refuses an insert
that would pass its max_length, so the cap is applied here, on the value)."""

from __future__ import annotations

from textual.widgets import Input

NOTE_MAX = 200


class NoteInput(Input):
    def __init__(self, *, id: str | None = None, placeholder: str = "Note (optional)") -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.was_cut = False

    def on_input_changed(self, event: Input.Changed) -> None:
        if len(event.value) <= NOTE_MAX:
            return
        cut = len(event.value) - NOTE_MAX
        self.value = event.value[:NOTE_MAX]
        self.cursor_position = NOTE_MAX
        self.was_cut = True
        self.border_subtitle = f"cut to {NOTE_MAX} characters ({cut:,} left out)"
        self.app.bell()
