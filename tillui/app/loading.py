"""The app's start-up: the lookup screen paints first, then a plain thread worker builds the
services (the configuration, the client, the outbox) and hands them to the app's loop.

The worker is a thread because building the services imports pydantic, httpx and the validators
(CPU, about 200 ms): on the app's loop that would hold the first keys back. Keys typed meanwhile
are taken by the lookup screen as usual; a lookup waits for the services (`services()`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen
from textual.widgets import Input

from tillui.messages import FromLoadingThread, ServicesFailed
from tillui.screens.lookup import LookupScreen

if TYPE_CHECKING:
    from tillui.claims.service import ClaimOutcome
    from tillui.config.settings import Settings
    from tillui.screens.scan_guard import ScanGuard
    from tillui.services import FirstRunNeeded, Services, ServicesFactory


class ServicesLoading(App[None]):
    """Mixed into TillApp: loading the services, and what the app does once they are there."""

    demo: bool
    keymap: dict[str, str]
    scan_guard: ScanGuard
    _kiosk_flag: bool
    _first_run: bool
    _services_factory: ServicesFactory
    _warm_up_validators: bool
    _freeze_when_loaded: bool
    _services: Services | None
    _services_error: str | None
    _services_loaded: asyncio.Event

    def load_services(self) -> None:
        self.run_worker(
            self._build_services, thread=True, name="load-services", exit_on_error=False
        )

    def _build_services(self) -> None:
        from tillui.services import FirstRunNeeded

        try:
            services = self._services_factory()
        except FirstRunNeeded as first_run:
            self.hand_over(partial(self._open_setup, first_run))
            return
        except Exception as error:  # noqa: BLE001 - any failure becomes a one-line message
            self.hand_over(partial(self._services_failed, one_line(error)))
            return
        self.hand_over(partial(self._services_done, services))
        if self._warm_up_validators:
            # After the services: until then the fields do not check as you type (a lookup
            # checks its identifiers all the same).
            from tillui.counter.identifiers import warm_up

            warm_up()
        self.hand_over(self._loaded)

    def hand_over(self, callback: Callable[[], None]) -> None:
        """From the loading thread: run `callback` on the app's loop, without waiting for it.
        `call_from_thread` would wait for an answer that never comes once the app has quit, and
        the waiting thread (a non-daemon executor thread) would keep the process alive after
        Ctrl+Q."""
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing left to hand to
            self.post_message(FromLoadingThread(callback))

    def on_from_loading_thread(self, message: FromLoadingThread) -> None:
        message.callback()

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
        self.push_screen(SetupScreen(first_run.path), lambda _saved: self.load_services())

    def _loaded(self) -> None:
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

    async def services(self) -> Services:
        """The loaded services; waits for the background load; raises ServicesUnavailable."""
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

    if TYPE_CHECKING:  # TillApp's own, used here

        async def _report_reconciled(self, outcomes: list[ClaimOutcome]) -> None: ...

        def _reset_if_idle(self) -> None: ...

    # -- the settings the app itself applies ----------------------------------------------------

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


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
