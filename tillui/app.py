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
from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from tillui.clock import SystemClock
from tillui.counter.scan_guard import ScanGuard
from tillui.host import TillCapabilities
from tillui.messages import ScannedCode, ServicesFailed
from tillui.screens.lookup import LookupScreen
from tillui.screens.styles import stylesheet
from tillui.session import Session

if TYPE_CHECKING:
    from tillui.clock import Clock
    from tillui.config.settings import Settings
    from tillui.wiring.configured import FirstRunNeeded
    from tillui.wiring.services import Services, ServicesFactory

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


class TillApp(App[None]):
    TITLE = "tillui"
    # The lookup screen is the default screen, whose own CSS_PATH Textual does not load.
    CSS_PATH = [stylesheet("base.tcss"), stylesheet("lookup.tcss")]
    # Quit and Settings are shown in the footer of the home screen only (LookupScreen): deeper
    # screens need the 80 columns for their own actions. Help and the palette list them all.
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False),
        Binding("f1,ctrl+g", "help", "Help", id="app.help"),
        Binding("f2,ctrl+t", "settings", "Settings", id="app.settings", show=False),
    ]

    def __init__(
        self,
        services_factory: ServicesFactory,
        *,
        clock: Clock | None = None,
        demo: bool = False,
        warm_up_validators: bool = True,
        freeze_when_loaded: bool = False,
    ) -> None:
        super().__init__()
        self.clock: Clock = clock or SystemClock()
        self.demo = demo
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

    # -- start-up -----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # The lookup screen is the base of the stack: one screen to paint for the first frame.
        return LookupScreen()

    def on_mount(self) -> None:
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
        from tillui.wiring.configured import FirstRunNeeded

        try:
            for module in LOAD_STEPS:
                self._stand_aside_while_typing()
                with contextlib.suppress(ImportError):  # a step is only an early import
                    import_module(module)
            self._stand_aside_while_typing()
            services = self._services_factory()
        except FirstRunNeeded as first_run:
            self.call_from_thread(self._open_setup, first_run)
            return
        except Exception as error:  # noqa: BLE001 - any failure becomes a one-line message
            self.call_from_thread(self._services_failed, _one_line(error))
            return
        if self._warm_up_validators:
            # Before ready: the fields check as you type only once their libraries are loaded.
            self._stand_aside_while_typing()
            from tillui.counter.identifiers import warm_up

            warm_up()
        self.call_from_thread(self._services_done, services)
        # Ready first, then the next screens' modules: a lookup typed meanwhile imports what it
        # needs itself.
        for module in WARM_SCREENS:
            self._stand_aside_while_typing()
            import_module(module)
        self.call_from_thread(self._warmed_up)

    def _stand_aside_while_typing(self) -> None:
        """In the loading thread: a key typed at the first frame must echo at once, not after
        the whole load (it holds the interpreter); a lookup waiting for the load goes first."""
        while not self._services_wanted and time.monotonic() - self._last_key < TYPING_PAUSE:
            time.sleep(0.02)

    def _open_setup(self, first_run: FirstRunNeeded) -> None:
        """No config file yet: ask for one, then load the services again with the same factory."""
        from tillui.screens.setup import SetupScreen

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
        self._services_loaded.set()
        self._apply_settings(services.settings)
        for screen in self.screen_stack:
            if isinstance(screen, LookupScreen):
                screen.show_demo_hints(services.demo.hints if services.demo else [])
                if not self.demo:
                    screen.show_till(services.settings.till_id)
        self.run_worker(self._reconcile_claims(services), name="reconcile", exit_on_error=False)

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
            from tillui.wiring.services import ServicesUnavailable

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
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._last_activity = self._last_key = time.monotonic()
            if self.scan_guard.hold(event):
                return
        await super().on_event(event)

    async def replay_key(self, event: events.Key) -> None:
        """Deliver a key the scan guard held back (it turned out to be typing, not a scan)."""
        await super().on_event(event)

    def on_scanned_code(self, message: ScannedCode) -> None:
        self.start_over(scanned=message.code)

    def _reset_if_idle(self) -> None:
        services = self._services
        if services is None or not services.settings.idle_timeout_seconds:
            return
        idle = time.monotonic() - self._last_activity
        busy = any(
            isinstance(screen, TillCapabilities) and screen.busy for screen in self.screen_stack
        )
        something_to_forget = self.session.lookup is not None or len(self.screen_stack) > 1
        if idle >= services.settings.idle_timeout_seconds and not busy and something_to_forget:
            self.start_over()

    def start_over(self, *, scanned: str | None = None) -> None:
        """Forget the customer and return to an empty lookup screen (optionally with a scan)."""
        self.session.clear()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        lookup = self.screen_stack[-1]
        if isinstance(lookup, LookupScreen):
            lookup.clear_form()
            if scanned:
                lookup.look_up_scanned(scanned)

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

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "New customer", "Forget this customer and look up another", self.start_over
        )
        yield SystemCommand("Help", "Every key of every screen", self.action_help)
        yield SystemCommand(
            "Settings", "Effective settings and where each comes from", self.action_settings
        )
        yield SystemCommand(
            "Check unsent claims",
            "Ask the server about claims whose answer never came",
            self.action_check_unsent_claims,
        )
        if isinstance(screen, TillCapabilities):
            yield from screen.palette_commands()


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
