"""TillApp: the screens, the global keys, the command palette, the idle reset and the scan guard.

This module imports Textual and nothing slow: the lookup screen paints first, then a thread
worker builds the services (`loading.py`); Ctrl+Q's answers are in `quitting.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from tillui.app.loading import ServicesLoading
from tillui.app.quitting import QuitAnswers
from tillui.clock import SystemClock
from tillui.host import TillCapabilities
from tillui.messages import LastingNotice, ScannedCode
from tillui.screens.lookup import LookupScreen
from tillui.screens.scan_guard import ScanGuard
from tillui.screens.styles import stylesheet
from tillui.session import Session
from tillui.terminal import TerminalGuard
from tillui.widgets import size_notice
from tillui.widgets.lasting_notice import LastingNotices

if TYPE_CHECKING:
    from tillui.claims.service import ClaimOutcome
    from tillui.clock import Clock
    from tillui.config.kiosk import PinGuard
    from tillui.services import Services, ServicesFactory

CUSTOMER_SCREEN = "customer"


class TillApp(ServicesLoading, QuitAnswers, TerminalGuard, App[None]):
    TITLE = "tillui"
    # The lookup screen is the default screen, whose own CSS_PATH Textual does not load.
    CSS_PATH = [stylesheet("base.tcss"), stylesheet("lookup.tcss")]
    # Quit and Settings are shown in the footer of the home screen only (LookupScreen): deeper
    # screens need the 80 columns for their own actions. Help and the palette list them all.
    BINDINGS = [
        # Priority: Ctrl+Q answers on every screen and dialog, even with a field focused.
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
        Binding("ctrl+g,f1", "help", "Help", id="app.help"),
        Binding("ctrl+t,f2", "settings", "Settings", id="app.settings", show=False),
        # -- till claims and the store manager's checker view (issue 12) --
        Binding("ctrl+l", "till_claims", "This till's claims", id="app.till_claims", show=False),
        Binding("ctrl+o", "checker", "Manager: approve or reject", id="app.checker", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = size_notice.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = size_notice.VERTICAL_BREAKPOINTS

    def __init__(
        self,
        services_factory: ServicesFactory,
        *,
        clock: Clock | None = None,
        demo: bool = False,
        kiosk: bool = False,
        warm_up_validators: bool = True,
        freeze_when_loaded: bool = False,
    ) -> None:
        super().__init__()
        self.clock: Clock = clock or SystemClock()
        self.demo = demo
        self._kiosk_flag = kiosk
        """Kiosk mode known before the config is loaded (--kiosk, TILLUI_KIOSK)."""
        self._first_run = False
        self._pin_guard: PinGuard | None = None
        self.session = Session()
        self.keymap: dict[str, str] = {}
        self._services_factory = services_factory
        self._warm_up_validators = warm_up_validators
        self._freeze_when_loaded = freeze_when_loaded
        self._services: Services | None = None
        self._services_error: str | None = None
        self._services_loaded = asyncio.Event()
        self._last_activity = time.monotonic()
        self.scan_guard = ScanGuard(self, self)
        self.lasting = LastingNotices(self)
        """Faults the till serves through, shown until they are gone (a log it cannot write)."""

    # -- start-up -----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # The lookup screen is the base of the stack: one screen to paint for the first frame.
        return LookupScreen()

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, size_notice.add_size_notice)
        size_notice.add_size_notice(self.screen)
        self.lasting.start()
        self.call_after_refresh(self.load_services)  # the first frame first

    def on_lasting_notice(self, message: LastingNotice) -> None:
        if message.text:
            self.lasting.show(message.key, message.text)
        else:
            self.lasting.clear(message.key)

    async def _report_reconciled(self, outcomes: list[ClaimOutcome]) -> None:
        """Background reconcile: tell only what changed (a claim confirmed, refused or resent),
        not every check that is still waiting."""
        for outcome in outcomes:
            if outcome.unknown and not outcome.posted:
                continue
            self.notify(
                outcome.message,
                title=f"Claim of bill {outcome.claim.bill_number}",
                severity="information" if outcome.sent else "warning",
                timeout=10,
            )
        await self.show_unsent_claims()

    async def _reconcile_claims(self, services: Services, *, report_all: bool = False) -> None:
        """Settle claims whose answer never came (an earlier run, a dropped connection)."""
        try:
            outcomes = await services.claims.reconcile()
        except Exception as error:  # noqa: BLE001 - the claims stay stored; we say why not now
            from tillui.display.error_text import describe

            title, advice = describe(error)
            self.notify(f"{title}. {advice}", title="Unsent claims not checked", severity="warning")
        else:
            for outcome in outcomes:
                self.notify(
                    outcome.message,
                    title=f"Claim of bill {outcome.claim.bill_number}",
                    severity="information" if outcome.sent else "warning",
                    timeout=10,
                )
            if report_all and not outcomes:
                self.notify("No claims are waiting for the server.", title="Unsent claims")
        await self.show_unsent_claims()

    async def show_unsent_claims(self) -> None:
        """Keep the home screen's count of claims the server has not confirmed up to date."""
        services = self._services
        if services is None:
            return
        count = await services.claims.unresolved_count()
        for screen in self.screen_stack:
            if isinstance(screen, LookupScreen):
                screen.show_unsent_claims(count)

    def action_check_unsent_claims(self) -> None:
        if self._services is not None:
            self.run_worker(
                self._reconcile_claims(self._services, report_all=True),
                name="reconcile",
                exclusive=True,
                exit_on_error=False,
            )

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

    # -- keys, idle reset, scanner ------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and size_notice.hides_screen(self.screen):
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._last_activity = time.monotonic()
            if size_notice.hides_screen(self.screen) and event.key not in size_notice.KEYS:
                return  # the cashier cannot see what the key would drive
            if self.scan_guard.hold(event):
                return
        await super().on_event(event)

    def watch_app_focus(self, focus: bool) -> None:
        # A browser tab (textual-serve) starts blurred, so the first screen got no auto-focus:
        # give it now, or the first keys typed would reach no field.
        screen = self.screen
        selector = screen.AUTO_FOCUS if screen.AUTO_FOCUS is not None else self.AUTO_FOCUS
        if focus and screen.focused is None and selector:
            for widget in screen.query(selector):
                if widget.focusable:
                    widget.focus(scroll_visible=False)
                    break

    async def replay_key(self, event: events.Key) -> None:
        """Deliver a key the scan guard held back (it turned out to be typing, not a scan)."""
        await super().on_event(event)

    def on_scanned_code(self, message: ScannedCode) -> None:
        """A scan no screen took: a customer's code starts a new lookup."""
        from tillui.counter.scan_classifier import identifier_kind

        if identifier_kind(message.kind) is None:
            what = "a receipt" if message.kind == "receipt" else "not a customer's code"
            hint = " Claim (c) and scan it there." if message.kind == "receipt" else ""
            self.notify(f"The scan was {what}.{hint}", title="Scan", timeout=4)
            return
        if any(isinstance(s, TillCapabilities) and s.busy for s in self.screen_stack):
            self.notify("A claim is being sent: scan again in a moment.", title="Scan ignored")
            return
        self.start_over(scanned=message.code)

    def _reset_if_idle(self) -> None:
        services = self._services
        if services is None or not services.settings.idle_timeout_seconds:
            return
        idle = time.monotonic() - self._last_activity
        lookup = self.screen_stack[0]
        something_to_forget = (
            self.session.lookup is not None
            or len(self.screen_stack) > 1
            or (isinstance(lookup, LookupScreen) and lookup.holds_input())
        )
        if idle >= services.settings.idle_timeout_seconds and not self.claim_in_flight:
            if something_to_forget:
                self.start_over()
            # The last customer's toasts and everything this session remembers go too.
            self.clear_notifications()
            self.session.claimed_transaction_ids.clear()

    @property
    def claim_in_flight(self) -> bool:
        """A screen is sending a claim (it must not be popped, the app must not quit)."""
        return any(
            isinstance(screen, TillCapabilities) and screen.busy for screen in self.screen_stack
        )

    def start_over(self, *, scanned: str | None = None) -> None:
        """Forget the customer and return to an empty lookup screen (optionally with a scan)."""
        self.session.clear()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        lookup = self.screen_stack[-1]
        if isinstance(lookup, LookupScreen):
            lookup.clear_form()
            if scanned:
                kind = self.scan_guard.classifier.classify(scanned)
                lookup.post_message(ScannedCode(scanned, kind))

    def show_customer(self) -> None:
        """Show the customer just looked up. One customer screen serves every lookup: installed
        once, refilled after that, so a lookup does not build, mount and style it anew."""
        from tillui.screens.customer import CustomerScreen

        if not self.is_screen_installed(CUSTOMER_SCREEN):
            self.install_screen(CustomerScreen(), CUSTOMER_SCREEN)
        screen = self.get_screen(CUSTOMER_SCREEN)
        if isinstance(screen, CustomerScreen) and screen.is_mounted:
            screen.show_new_customer()
        if screen not in self.screen_stack:
            self.push_screen(screen)

    # -- actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from tillui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from tillui.screens.settings import SettingsScreen

        if self.kiosk:
            return
        if isinstance(self.screen, TillCapabilities) and not self.screen.settings_ready:
            self.notify("Settings can be shown once this till is set up.", severity="warning")
        elif not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    # -- till claims and the store manager's checker view (issue 12) ---------------------------

    def action_till_claims(self) -> None:
        from tillui.screens.till_claims import TillClaimsScreen

        if isinstance(self.screen, (ModalScreen, TillClaimsScreen)):
            self.bell()
            return
        self.push_screen(TillClaimsScreen())

    def action_checker(self) -> None:
        from tillui.screens.checker import CheckerScreen

        if isinstance(self.screen, ModalScreen) or any(
            isinstance(screen, CheckerScreen) for screen in self.screen_stack
        ):
            self.bell()
            return
        self.push_screen(CheckerScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # A kiosk offers till actions only: no Quit, Screenshot, Theme, Keys, Settings.
        # Textual's "Keys" (its help panel) would be a second help entry beside ours.
        # Textual's "Screenshot" would write the customer's name and identifiers to a file.
        textual_help = (self.action_show_help_panel, self.action_hide_help_panel)
        if not self.kiosk:
            yield from (
                command
                for command in super().get_system_commands(screen)
                if command.callback not in textual_help and command.title != "Screenshot"
            )
        yield SystemCommand(
            "New customer", "Forget this customer and look up another", self.start_over
        )
        yield SystemCommand("Help", "Every key of every screen", self.action_help)
        if not self.kiosk:
            yield SystemCommand(
                "Settings", "Effective settings and where each comes from", self.action_settings
            )
        yield SystemCommand(
            "Check unsent claims",
            "Ask the server about claims whose answer never came",
            self.action_check_unsent_claims,
        )
        yield SystemCommand(
            "Till claims", "Every claim made at this till, with its state", self.action_till_claims
        )
        yield SystemCommand(
            "Approve or reject claims (manager)",
            "The store's claims waiting for a checker; needs the manager's token or PIN",
            self.action_checker,
        )
        if isinstance(screen, TillCapabilities):
            yield from screen.palette_commands()

    # -- kiosk mode (the rules: tillui.config.kiosk) --------------------------------------------------

    @property
    def kiosk(self) -> bool:
        services = self._services
        return self._kiosk_flag or bool(services and services.settings.kiosk)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "settings" and self.kiosk:
            return False  # hidden from the footer, and the key does nothing
        if action == "quit" and getattr(self.screen, "QUITS_ITSELF", False):
            return False  # the key falls through to the screen's own quit (the set-up's)
        return super().check_action(action, parameters)
