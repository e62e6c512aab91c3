"""Customer: who they are, their points, and the keys to claim a bill or see their requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from tillui.clock import format_age, format_local
from tillui.display.formatting import format_points
from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.footer import TillFooter
from tillui.widgets.points_panel import PointsPanel
from tillui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from tillui.api.models import CustomerLookup

SHORT_LABELS = {"mobile": "Mobile", "email": "Email", "externalId": "Ext. ID", "cardnumber": "Card"}


class CustomerScreen(TillScreen[None]):
    CSS_PATH = stylesheet("customer.tcss")
    scan_starts_lookup = True
    # Both leave this customer, as a scan's lookup would: they need not wait to see if one follows.
    scan_harmless_actions = frozenset({"start_over", "requests"})
    customer_home = True
    BINDINGS = [
        Binding(
            "escape,n",
            "start_over",
            "New",
            id="customer.start_over",
            tooltip="Forget this customer and look up another",
        ),
        Binding(
            "c", "claim", "Claim", id="customer.claim", tooltip="Claim a recent non-member bill"
        ),
        Binding("r", "requests", "Requests", id="customer.requests"),
        Binding(
            "a",
            "toggle_all_programs",
            "Programs",
            id="customer.all_programs",
            tooltip="Points of the default program / of all programs",
        ),
        Binding(
            "m", "toggle_mask", "IDs", id="customer.toggle_mask", tooltip="Show or mask identifiers"
        ),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="customer.refresh"),
        Binding("t", "app.till_claims", "Till claims", id="customer.till_claims", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._all_programs: bool | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="customer-head"):
            yield Static("", id="customer-name")
            yield Static("", id="customer-tier")
        yield Static("", id="customer-identifiers")
        yield Static("", id="customer-registered")
        yield PointsPanel(id="points")
        yield Spinner(id="customer-loading")
        yield ErrorPanel(id="customer-error")
        with Vertical(id="programs-box"):
            yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
        yield TillFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#programs", DataTable)
        table.add_columns("Program", "Tier", "Points", "Lifetime", "Delayed", "Available")
        self.query_one("#programs-box").border_title = "Programs"
        self.render_lookup()

    def show_new_customer(self) -> None:
        """The screen is reused for every customer: forget the last one's view of it."""
        self.workers.cancel_group(self, "refresh")
        self._all_programs = None
        self.query_one("#customer-loading").display = False
        self.query_one(ErrorPanel).clear()
        self.render_lookup()
        self.query_one("#programs", DataTable).move_cursor(row=0, animate=False)

    @property
    def lookup(self) -> CustomerLookup:
        lookup = self.till.session.lookup
        assert lookup is not None, "the customer screen is only shown for a looked-up customer"
        return lookup

    def render_lookup(self) -> None:
        details = self.lookup.details
        services = self.till.services_now
        masked = self.till.kiosk or (
            bool(services and services.settings.mask_identifiers)
            and not self.till.session.reveal_identifiers
        )
        self.query_one("#customer-name", Static).update(
            Text(details.name or "(no name on file)", style="bold")
        )
        tier = details.programs[0].current_slab if details.programs else None
        kind = "Loyalty member" if details.loyalty_type == "loyalty" else "Not a loyalty member"
        self.query_one("#customer-tier", Static).update(f"{kind}{f' · {tier}' if tier else ''}")
        self.query_one("#customer-identifiers", Static).update(self._identifiers_text(masked))
        registered = details.registered_at
        since = f" ({format_age(registered, self.till.clock)})" if registered else ""
        self.query_one("#customer-registered", Static).update(
            f"Registered {format_local(registered, self.till.clock)}{since} · customer ID {details.id}"
        )
        self.query_one(PointsPanel).show(self.lookup.points, self._points_scope())
        self._fill_programs()

    def _identifiers_text(self, masked: bool) -> Text:
        from tillui.counter.identifiers import display

        text = Text()
        for item in self.lookup.details.identifiers:
            identifier = item.as_identifier()
            if identifier is None:  # kinds the till does not look up by (wechat …)
                continue
            if text:
                text.append("   ")
            text.append(f"{SHORT_LABELS[identifier.name]} ", style="dim")
            text.append(display(identifier, masked=masked))
        return text

    def _points_scope(self) -> str:
        services = self.till.services_now
        all_programs = self._all_programs
        if all_programs is None:
            all_programs = bool(services and services.settings.all_programs)
        if all_programs:
            return "all programs"
        program_id = services.settings.program_id if services else None
        programs = self.lookup.details.programs
        chosen = next(
            (p for p in programs if p.program_id == program_id), programs[0] if programs else None
        )
        return chosen.program_title if chosen else "default program"

    def _fill_programs(self) -> None:
        table = self.query_one("#programs", DataTable)
        table.clear()
        programs = self.lookup.details.programs
        self.query_one("#programs-box").display = len(programs) > 1
        for program in programs:
            figures = (
                program.loyalty_points,
                program.lifetime_points,
                program.delayed_points,
                program.total_available_points,
            )
            table.add_row(
                program.program_title,
                program.current_slab or "—",
                *(Text(format_points(value), justify="right") for value in figures),
                key=str(program.program_id),
            )

    # -- actions -------------------------------------------------------------------------------

    def action_start_over(self) -> None:
        self.till.start_over()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_mask" and self.till.kiosk:
            return False  # a kiosk never reveals identifiers: no key, no footer entry
        return super().check_action(action, parameters)

    def action_toggle_mask(self) -> None:
        if self.till.kiosk:
            return
        self.till.session.reveal_identifiers = not self.till.session.reveal_identifiers
        self.render_lookup()

    def action_claim(self) -> None:
        from tillui.screens.claim import ClaimScreen

        self.app.push_screen(ClaimScreen())

    def action_requests(self) -> None:
        from tillui.screens.requests import RequestsScreen

        self.app.push_screen(RequestsScreen())

    def action_toggle_all_programs(self) -> None:
        services = self.till.services_now
        current = self._all_programs
        if current is None:
            current = bool(services and services.settings.all_programs)
        self._all_programs = not current
        self.action_refresh()

    def action_refresh(self) -> None:
        self._refresh()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def _refresh(self) -> None:
        loading = self.query_one("#customer-loading")
        panel = self.query_one(ErrorPanel)
        loading.display = True
        panel.clear()
        try:
            services = await self.till.services()
            identifiers = list(self.till.session.identifiers)
            lookup = await services.client.lookup(identifiers, all_programs=self._all_programs)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            panel.show_error(error)
        else:
            self.till.session.start(self.till.session.identifiers, lookup)
            self.render_lookup()
        finally:
            loading.display = False

    def customer_changed(self) -> None:
        self.action_refresh()

    def palette_commands(self):
        yield SystemCommand(
            "Claim a bill", "Claim a recent non-member bill for this customer", self.action_claim
        )
        yield SystemCommand("Requests", "This customer's retro requests", self.action_requests)
        yield SystemCommand("Refresh", "Fetch the customer and points again", self.action_refresh)
