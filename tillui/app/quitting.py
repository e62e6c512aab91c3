"""Ctrl+Q: quit, or ask first. A kiosk follows its rules (tillui.config.kiosk: a PIN, refused
while claims wait); elsewhere the question says what is in flight or not yet confirmed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.app import App

if TYPE_CHECKING:
    from tillui.config.kiosk import PinGuard
    from tillui.screens.dialogs.confirm_quit import QuitQuestion
    from tillui.services import Services


class QuitAnswers(App[None]):
    """Mixed into TillApp: what Ctrl+Q does on every screen and dialog."""

    _kiosk_flag: bool
    _first_run: bool
    _pin_guard: PinGuard | None
    _services: Services | None
    _services_loaded: asyncio.Event

    if TYPE_CHECKING:  # TillApp's own, used here

        @property
        def kiosk(self) -> bool: ...

        @property
        def claim_in_flight(self) -> bool: ...

    async def action_quit(self) -> None:
        from tillui.screens.dialogs.pin import PinDialog

        if isinstance(self.screen, PinDialog):
            self.bell()  # the PIN question is already asked
            return
        kiosk_unknown = self._services is None and not self._first_run
        if self.kiosk or kiosk_unknown:
            self.run_worker(self._kiosk_quit(), group="quit", exclusive=True, exit_on_error=False)
        else:
            await self._confirm_quit()

    async def _confirm_quit(self) -> None:
        from tillui.screens.dialogs.confirm_quit import ConfirmQuitDialog

        if isinstance(self.screen, ConfirmQuitDialog):
            self.exit()  # Ctrl+Q on the question: the cashier's answer is "quit"
            return
        question = await self._quit_question()
        if question is None:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmQuitDialog(question), answered)

    async def _quit_question(self) -> QuitQuestion | None:
        from tillui.screens.dialogs.confirm_quit import QuitQuestion

        services = self._services
        if services is None:
            return None
        sending = services.claims.sending_count
        try:
            unresolved = await services.claims.unresolved_count()
        except Exception:  # noqa: BLE001 - an unreadable outbox is still worth the question
            unresolved = 1
        question = QuitQuestion(sending=sending, unconfirmed=max(unresolved - sending, 0))
        return question if question.sending or question.unconfirmed else None

    async def _kiosk_quit(self) -> None:
        from tillui.config.kiosk import PinGuard, quit_verdict

        if not self._kiosk_flag:
            await self._services_loaded.wait()  # the config says whether this is a kiosk
        services = self._services
        if not self.kiosk:
            await self._confirm_quit()
            return
        pin_hash = services.secrets.kiosk_pin_hash if services else None
        guard = self._pin_guard = self._pin_guard or PinGuard()
        verdict = quit_verdict(
            kiosk=True,
            pin_hash=pin_hash.get_secret_value() if pin_hash else None,
            claims_in_flight=self.claim_in_flight,
            unconfirmed_claims=await services.claims.unresolved_count() if services else 0,
            locked_for=guard.locked_for(),
        )
        if verdict.outcome == "refuse":
            self.notify(verdict.reason, title="Quit refused", severity="warning", timeout=8)
        elif verdict.outcome == "ask_pin" and pin_hash is not None:
            from tillui.screens.dialogs.pin import PinDialog

            stored = pin_hash.get_secret_value()
            self.push_screen(
                PinDialog(lambda pin: guard.check(pin, stored), guard.locked_for),
                lambda matched: self.exit() if matched else None,
            )
