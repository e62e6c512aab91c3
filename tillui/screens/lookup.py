"""Lookup (home): mobile, email, external ID and card; any combination; Enter looks up.

Imports nothing but Textual at module level: this screen is the first frame.
"""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from tillui.counter.identifier_types import IDENTIFIER_NAMES, Identifier
from tillui.display.formatting import INVALID_MARK, invalid_text
from tillui.messages import ScannedCode, ServicesFailed
from tillui.screens.base import TillScreen
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.footer import TillFooter
from tillui.widgets.identifier_input import IdentifierInput
from tillui.widgets.spinner import Spinner

SPINNER_DELAY = 0.3
SHOWN_APP_KEYS = frozenset({"app.settings", "app.quit"})


class LookupScreen(TillScreen[None]):
    _busy_timer: Timer | None = None
    AUTO_FOCUS = "#field-mobile"
    scan_starts_lookup = True  # routed here: see on_scanned_code
    BINDINGS = [
        # Priority: ahead of the focused field's own Enter, so this one binding is the only one
        # (remapping `lookup.look_up` moves it, and the old key then does nothing here).
        Binding("enter", "look_up", "Look up", id="lookup.look_up", priority=True),
        Binding("escape", "clear", "Clear", id="lookup.clear"),
        Binding("ctrl+r", "requests", "Requests", id="lookup.requests"),
        Binding("down", "app.focus_next", "Next field", id="lookup.next", show=False),
        Binding("up", "app.focus_previous", "Previous field", id="lookup.previous", show=False),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # The app's Quit and Settings keys (TillApp.BINDINGS) are hidden in deeper screens'
        # footers, which need the 80 columns for their own keys; the home screen shows them.
        return {
            key: active._replace(binding=replace(active.binding, show=True))
            if active.binding.id in SHOWN_APP_KEYS
            else active
            for key, active in super().active_bindings.items()
        }

    def compose(self) -> ComposeResult:
        with Horizontal(id="lookup-head"):
            yield Static("Find a customer", id="lookup-title")
            yield Static("", id="lookup-till")
        # At the top: toasts appear bottom right and would cover it there.
        yield Static("", id="lookup-unsent")
        with Vertical(id="lookup-fields"):
            for kind in IDENTIFIER_NAMES:
                yield IdentifierInput(kind, self._phone_region)
        yield Static(
            "Any of them, or several. Tab moves; a scanned card looks up at once.",
            id="lookup-hint",
        )
        yield Spinner(id="lookup-loading")
        yield ErrorPanel(id="lookup-error")
        yield Static("", id="lookup-demo")
        yield TillFooter(compact=True)

    def on_mount(self) -> None:
        if self.till.demo:
            self.query_one("#lookup-till", Static).update("DEMO sandbox")

    def _phone_region(self) -> str:
        services = self.till.services_now
        return services.settings.phone_region if services else "IN"

    # -- what the app tells this screen --------------------------------------------------------

    def show_demo_hints(self, hints: list[str]) -> None:
        demo = self.query_one("#lookup-demo", Static)
        demo.update("Try: " + " · ".join(hints) if hints else "")
        demo.display = bool(hints)

    def show_till(self, till_id: str) -> None:
        self.query_one("#lookup-till", Static).update(f"till {till_id}" if till_id else "")

    def show_unsent_claims(self, count: int) -> None:
        line = self.query_one("#lookup-unsent", Static)
        line.update(
            f"{count} claim{'s' if count != 1 else ''} not yet confirmed by the server — "
            "checked again at every start, or now: Ctrl+P › Check unsent claims"
        )
        line.display = count > 0

    def on_services_failed(self, message: ServicesFailed) -> None:
        self.query_one(ErrorPanel).show_message(
            "The app could not start its connection", message.reason
        )

    def clear_form(self) -> None:
        self.workers.cancel_group(self, "lookup")
        for field in self.query(IdentifierInput):
            field.clear()
            field.border_subtitle = ""
            field.remove_class("-invalid")
        self.query_one(ErrorPanel).clear()
        self._set_busy(False)
        self.query_one("#field-mobile", Input).focus()

    def holds_input(self) -> bool:
        """Something typed or a message shown: something here for the idle reset to forget.
        (Not `is_empty`: that is Textual's own DOMNode property.)"""
        return any(field.value for field in self.query(IdentifierInput)) or bool(
            self.query_one(ErrorPanel).display
        )

    def on_scanned_code(self, message: ScannedCode) -> None:
        """A scan lands in the field of its kind (whatever had the focus) and looks up at once."""
        from tillui.counter.scan_classifier import identifier_kind

        message.stop()
        kind = identifier_kind(message.kind)
        if kind is None:
            what = (
                "a receipt: look up the customer first, then claim (c) and scan it there"
                if message.kind == "receipt"
                else "not a card, mobile, email or external ID (see the scan patterns in Settings)"
            )
            self.notify(f"The scan was {what}.", title="Scan", timeout=5)
            return
        # The focus stays where the cashier left it (usually Mobile, to add the primary
        # identifier when the server asks for it).
        self.query_one(f"#field-{kind}", IdentifierInput).value = message.code
        self.action_look_up()

    # -- actions -------------------------------------------------------------------------------

    def action_clear(self) -> None:
        self.clear_form()

    def action_look_up(self) -> None:
        identifiers = self._typed_identifiers()
        if identifiers:
            self.query_one(ErrorPanel).clear()
            self._look_up(identifiers)

    def action_requests(self) -> None:
        """The retro requests of whoever the typed identifiers find: one call, no lookup."""
        from tillui.screens.requests import RequestsScreen

        identifiers = self._typed_identifiers()
        if identifiers:
            self.query_one(ErrorPanel).clear()
            self.app.push_screen(RequestsScreen(identifiers=identifiers))

    def _typed_identifiers(self) -> tuple[Identifier, ...] | None:
        """The valid identifiers typed, or None after saying what is wrong."""
        from tillui.counter.identifiers import check

        identifiers: list[Identifier] = []
        first_bad: IdentifierInput | None = None
        for field in self.query(IdentifierInput):
            if not field.value.strip():
                continue
            checked = check(field.kind, field.value, phone_region=self._phone_region())
            if checked.identifier is None:
                field.border_subtitle = invalid_text(checked.error or "Not valid")
                field.add_class("-invalid")
                first_bad = first_bad or field
            else:
                identifiers.append(checked.identifier)
        panel = self.query_one(ErrorPanel)
        if first_bad is not None:
            panel.show_message(
                f"Fix the field marked {INVALID_MARK}",
                "Its problem is written under it. Nothing was sent.",
            )
            first_bad.focus()
            return None
        if not identifiers:
            panel.show_message(
                "Type or scan at least one identifier", "Mobile, email, external ID or card."
            )
            return None
        return tuple(identifiers)

    def _set_busy(self, busy: bool) -> None:
        # The spinner appears only if the answer is slow: a fast lookup should not make the
        # screen flicker (nor pay for two relayouts on the way to the customer screen).
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if busy:
            self._busy_timer = self.set_timer(SPINNER_DELAY, lambda: self._show_spinner(True))
        else:
            self._show_spinner(False)

    def _show_spinner(self, shown: bool) -> None:
        spinner = self.query_one("#lookup-loading")
        if spinner.display != shown:
            spinner.display = shown
            self.query_one("#lookup-hint").display = not shown

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def _look_up(self, identifiers: tuple[Identifier, ...]) -> None:
        self._set_busy(True)
        try:
            services = await self.till.services()
            lookup = await services.client.lookup(list(identifiers))
        except Exception as error:  # noqa: BLE001 - every failure is shown, none is raised
            self._set_busy(False)
            given = [identifier.name for identifier in identifiers]
            self.query_one(ErrorPanel).show_error(error, given=given)
            return
        self._set_busy(False)
        self.till.session.start(identifiers, lookup)
        self.till.show_customer()
