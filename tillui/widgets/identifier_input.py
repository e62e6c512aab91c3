"""An Input for one kind of identifier that validates as you type (message in its border)."""

from __future__ import annotations

from collections.abc import Callable

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from tillui.counter.identifier_types import IDENTIFIER_LABELS, IdentifierName
from tillui.display.formatting import invalid_text

PLACEHOLDERS: dict[IdentifierName, str] = {
    "mobile": "e.g. +91 98000 00001",
    "email": "e.g. name@example.com",
    "externalId": "e.g. EXT0001",
    "cardnumber": "type or scan the card",
}


class IdentifierValidator(Validator):
    def __init__(self, kind: IdentifierName, region: Callable[[], str]) -> None:
        super().__init__()
        self.kind = kind
        self.region = region

    def validate(self, value: str) -> ValidationResult:
        from tillui.counter.identifiers import check, warmed_up

        if not warmed_up():
            # Keys typed at the first frame echo at once; Enter checks every field anyway.
            return self.success()
        checked = check(self.kind, value, phone_region=self.region())
        return self.success() if checked.ok else self.failure(checked.error or "Not valid")


class IdentifierInput(Input):
    """Label in the top border, the validation message in the bottom border: 3 rows in all.

    Enter belongs to the lookup screen's priority binding `lookup.look_up`, not to the field."""

    def __init__(self, kind: IdentifierName, region: Callable[[], str]) -> None:
        super().__init__(
            placeholder=PLACEHOLDERS[kind],
            validators=[IdentifierValidator(kind, region)],
            validate_on=["changed", "submitted"],
            valid_empty=True,
            id=f"field-{kind}",
            classes="identifier",
        )
        self.kind = kind
        self._region = region
        self.border_title = IDENTIFIER_LABELS[kind]

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.border_subtitle = invalid_text(result.failure_descriptions[0])
            self.remove_class("-warning")
            return
        warning = self.warning()
        self.border_subtitle = warning or ""
        self.set_class(warning is not None, "-warning")

    def warning(self) -> str | None:
        """A quiet word about an accepted value (a number the numbering plan does not know)."""
        from tillui.counter.identifiers import check, warmed_up

        if not self.value.strip() or not warmed_up():
            return None  # not yet: checking would load the libraries on the UI thread
        return check(self.kind, self.value, phone_region=self._region()).warning
