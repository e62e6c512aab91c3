"""TillApp: the screens, the global keys, the command palette, the idle reset and the scan guard.

Start-up order matters (see docs/architecture.md, "Start-up"): this module imports Textual and
nothing slow. The lookup screen paints first; only then does a background thread import the
client, pydantic, httpx and the validators, one step at a time and standing aside while the
cashier types, and build the services (`services_factory`). Figures: README, "Performance".
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import time
from collections.abc import Callable, Iterable
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from tillui.clock import SystemClock
from tillui.host import TillCapabilities
from tillui.messages import FromLoadingThread, LastingNotice, ScannedCode, ServicesFailed
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
    from tillui.config.settings import Settings
    from tillui.screens.dialogs.confirm_quit import QuitQuestion
    from tillui.services import FirstRunNeeded, Services, ServicesFactory

CUSTOMER_SCREEN = "customer"
# The background load, one import at a time: the thread holds the interpreter for each step, so
# between steps it can stand aside while the cashier types (see `_load_services`). Steps of at
# most ~30 ms of CPU: pydantic's internals come before the first model (alone 70 ms).
LOAD_STEPS = (
    "httpx",
    "pydantic",
    "annotated_types",
    "pydantic.types",
    "pydantic._internal._generate_schema",
    "tillui.config.settings",
    "tillui.api.models",
    "tillui.api.client",
    "tillui.config.layers",
    "tillui.claims.service",
)
LOAD_DELAY = 0.05
"""Seconds between the first frame and the start of the background load."""
TYPING_PAUSE = 0.2
"""Seconds after a key during which the load does not start its next step (unless a lookup
is already waiting for it)."""
WARM_SCREENS = (
    "tillui.screens.customer",
    "tillui.screens.claim",
    "tillui.screens.claim_result",
    "tillui.screens.dialogs.confirm_claim",
    "tillui.screens.requests",
    "tillui.claims.candidates",
)


class TillApp(TerminalGuard, App[None]):
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
        self._last_key = 0.0
        self._services_wanted = False
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
        # After the first refresh, and after the writer thread has put it on the terminal: a
        # load started at once competed with that write (first frame 1.0-1.4x the bare app's).
        self.call_after_refresh(self.set_timer, LOAD_DELAY, self._start_loading_services)

    def _start_loading_services(self) -> None:
        self.run_worker(self._load_services, thread=True, name="load-services", exit_on_error=False)

    def _load_services(self) -> None:
        # The cashier's keys get the interpreter within 1 ms of asking, not 5 (the default).
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(switch_interval, 0.001))
        try:
            self._load_services_in_steps()
        finally:
            sys.setswitchinterval(switch_interval)

    def _load_services_in_steps(self) -> None:
        from tillui.services import FirstRunNeeded

        try:
            for module in LOAD_STEPS:
                self._stand_aside_while_typing()
                with contextlib.suppress(ImportError):  # a step is only an early import
                    import_module(module)
            self._stand_aside_while_typing()
            services = self._services_factory()
        except FirstRunNeeded as first_run:
            self.hand_over(partial(self._open_setup, first_run))
            return
        except Exception as error:  # noqa: BLE001 - any failure becomes a one-line message
            self.hand_over(partial(self._services_failed, _one_line(error)))
            return
        self.hand_over(partial(self._services_done, services))
        if self._warm_up_validators:
            # Right after ready: until then the fields do not check as you type (a lookup
            # checks its identifiers all the same).
            self._stand_aside_while_typing()
            from tillui.counter.identifiers import warm_up

            warm_up()
        # Ready first, then the next screens' modules: a lookup typed meanwhile imports what it
        # needs itself.
        for module in WARM_SCREENS:
            self._stand_aside_while_typing()
            import_module(module)
        self.hand_over(self._warmed_up)

    def hand_over(self, callback: Callable[[], None]) -> None:
        """From the loading thread: run `callback` on the app's loop, without waiting for it.
        `call_from_thread` would wait for an answer that never comes once the app has quit, and
        the waiting thread (a non-daemon executor thread) would keep the process alive after
        Ctrl+Q."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing left to hand to
            self.post_message(FromLoadingThread(callback))

    def on_from_loading_thread(self, message: FromLoadingThread) -> None:
        message.callback()

    def on_lasting_notice(self, message: LastingNotice) -> None:
        if message.text:
            self.lasting.show(message.key, message.text)
        else:
            self.lasting.clear(message.key)

    def _stand_aside_while_typing(self) -> None:
        """In the loading thread: a key typed at the first frame must echo at once, not after
        the whole load (it holds the interpreter); a lookup waiting for the load goes first."""
        while not self._services_wanted and time.monotonic() - self._last_key < TYPING_PAUSE:
            time.sleep(0.02)

    def _open_setup(self, first_run: FirstRunNeeded) -> None:
        """No config file yet: ask for one, then load the services again with the same factory."""
        from tillui.screens.setup import SetupScreen

        if self._kiosk_flag:
            self._services_failed(
                f"No configuration at {first_run.path}, and a kiosk does not open the setup: "
                "configure this till with tillui config, then start the kiosk again."
            )
            return
        self._first_run = True
        self.push_screen(SetupScreen(first_run.path), lambda _saved: self._start_loading_services())

    def _warmed_up(self) -> None:
        if self._freeze_when_loaded:
            # What is loaded by now (Textual, the client, the screens) lives as long as the
            # process: out of the collector's sight, a full collection no longer walks it
            # (30-100 ms, which landed in the middle of every other lookup). Only for the one
            # app of a process (the CLI): a test process would keep every earlier app.
            gc.freeze()

    def _services_done(self, services: Services) -> None:
        self._services = services
        self._first_run = False
        self._services_loaded.set()
        self._apply_settings(services.settings)
        self.refresh_bindings()  # the config may have turned kiosk mode on
        for screen in self.screen_stack:
            if isinstance(screen, LookupScreen):
                screen.show_demo_hints(services.demo.hints if services.demo else [])
                if not self.demo:
                    screen.show_till(services.settings.till_id)
        # Claims whose answer never came (an earlier run, a killed process) are checked now and
        # then in the background, with backoff, until none is left unsettled.
        services.claims.start_background(self._report_reconciled)

    def _services_failed(self, reason: str) -> None:
        self._services_error = reason
        self._services_loaded.set()
        self.screen.post_message(ServicesFailed(reason))

    def _apply_settings(self, settings: Settings) -> None:
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            self.notify(
                f"Unknown theme {settings.theme!r}; try one of: "
                + ", ".join(sorted(self.available_themes)),
                title="Settings",
                severity="warning",
            )
        if settings.keymap:
            self.keymap = dict(settings.keymap)
            self.set_keymap(self.keymap)
        if settings.idle_timeout_seconds:
            self.set_interval(5, self._reset_if_idle, name="idle-reset")
        self._configure_scanner(settings)
        if not settings.cursor_blink:
            self._stop_cursor_blink(self.screen)
            self.screen_change_signal.subscribe(self, self._stop_cursor_blink)

    def _stop_cursor_blink(self, screen: Screen) -> None:
        def stop() -> None:
            for field in screen.query(Input):
                field.cursor_blink = False

        # A screen just pushed composes its widgets after the signal.
        stop()
        self.call_after_refresh(stop)

    def _configure_scanner(self, settings: Settings) -> None:
        from tillui.counter.scan_classifier import ScanClassifier

        self.scan_guard.configure(
            max_gap=settings.scan_max_gap_ms / 1000,
            min_length=settings.scan_min_length,
            prefix=settings.scan_prefix,
            suffix=settings.scan_suffix,
            classifier=ScanClassifier.from_patterns(
                {
                    "cardnumber": settings.scan_card_pattern,
                    "receipt": settings.scan_receipt_pattern,
                    "mobile": settings.scan_mobile_pattern,
                    "email": settings.scan_email_pattern,
                    "externalId": settings.scan_external_id_pattern,
                }
            ),
        )

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

    async def services(self) -> Services:
        """The loaded services; waits for the background load; raises ServicesUnavailable."""
        self._services_wanted = True
        await self._services_loaded.wait()
        if self._services is None:
            from tillui.services import ServicesUnavailable

            raise ServicesUnavailable(self._services_error or "The app could not start its client.")
        return self._services

    @property
    def services_now(self) -> Services | None:
        return self._services

    @property
    def startup_error(self) -> str | None:
        """Why the services could not be loaded (printed by the CLI after the app exits)."""
        return self._services_error

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

    # -- keys, idle reset, scanner ------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and size_notice.hides_screen(self.screen):
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._last_activity = self._last_key = time.monotonic()
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

    # -- quitting -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit. A kiosk follows its rules (tillui.config.kiosk: a PIN, refused while claims wait);
        elsewhere ask first when claims are in flight or not yet confirmed by the server."""
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


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
