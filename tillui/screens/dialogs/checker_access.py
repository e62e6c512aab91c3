"""Who approves: the store manager's checker token, or the PIN that unseals the one kept in the
secrets store. Dismisses with the token (held by the checker view for this visit only) or None.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tillui.screens.styles import stylesheet

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tillui.config.checker_pin import PinAttempts

_ATTEMPTS: PinAttempts | None = None


def pin_attempts() -> PinAttempts:
    """One count of wrong PINs for the app run (see PinAttempts)."""
    global _ATTEMPTS  # noqa: PLW0603 - one per process, created on first use
    if _ATTEMPTS is None:
        from tillui.config.checker_pin import PinAttempts

        _ATTEMPTS = PinAttempts()
    return _ATTEMPTS


class CheckerAccessDialog(ModalScreen["SecretStr | None"]):
    CSS_PATH = stylesheet("checker.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="checker_access.cancel")
    ]

    def __init__(self, *, sealed: SecretStr | None, demo_hint: str = "", problem: str = "") -> None:
        super().__init__()
        self._sealed = sealed
        self._demo_hint = demo_hint
        self._problem = problem
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="checker-access", classes="dialog"):
            yield Static("Store manager: approve or reject claims", classes="dialog-title")
            if self._sealed is not None:
                yield Input(
                    placeholder="Manager PIN", password=True, id="checker-pin", max_length=32
                )
            yield Input(
                placeholder="or paste a checker token (CanCheckRequest)"
                if self._sealed is not None
                else "Checker token (JWT of a user with CanCheckRequest)",
                password=True,
                id="checker-token",
            )
            yield Static(self._problem, id="checker-access-problem")
            yield Static(self._demo_hint, id="checker-access-demo")
            yield Static(
                "[b]Enter[/b] open   [b]Esc[/b] cancel · kept only until you leave",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#checker-access-problem").display = bool(self._problem)
        self.query_one("#checker-access-demo").display = bool(self._demo_hint)

    def _say(self, text: str) -> None:
        problem = self.query_one("#checker-access-problem", Static)
        problem.update(text)
        problem.display = bool(text)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._answered:
            return
        token = self.query_one("#checker-token", Input).value.strip()
        pins = self.query("#checker-pin").results(Input)
        pin = next((field.value for field in pins), "")
        if token:
            self._finish(token)
        elif pin and self._sealed is not None:
            self._unseal(pin, self._sealed)
        else:
            self._say("Type the PIN or a checker token." if self._sealed else "Type the token.")

    def _finish(self, token: str) -> None:
        from pydantic import SecretStr

        self._answered = True
        self.dismiss(SecretStr(token))

    @work(exclusive=True, exit_on_error=False)
    async def _unseal(self, pin: str, sealed: SecretStr) -> None:
        from tillui.config.checker_pin import WrongPin, unseal

        attempts = pin_attempts()
        field = self.query_one("#checker-pin", Input)
        if (wait := attempts.locked_for()) > 0:
            field.value = ""
            self._say(
                f"Too many wrong PINs: try again in {int(wait // 60) + 1} min, or use a token."
            )
            return
        try:
            token = await asyncio.to_thread(unseal, sealed.get_secret_value(), pin)
        except WrongPin as error:
            left = attempts.failed()
            field.value = ""
            field.focus()
            if left == 0:
                self._say(
                    f"{error}: PIN locked for {int(attempts.lockout // 60)} min; use a token."
                )
                self.query_one("#checker-token", Input).focus()
            else:
                self._say(f"{error}: {left} tr{'y' if left == 1 else 'ies'} left.")
            return
        attempts.succeeded()
        self._finish(token)

    def action_cancel(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(None)
