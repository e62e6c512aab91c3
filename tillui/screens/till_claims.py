"""This till's claims: every claim the outbox holds, newest first, a page at a time, with what
the till knows (queued / sending / being checked / sent / refused) and what the server says now
(waiting for approval / approved / rejected / failed, with its reason). Enter for every field;
`c` checks the unconfirmed claims with the server now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Static

from tillui.clock import local
from tillui.display.formatting import format_amount, mask_number
from tillui.screens.base import TillScreen
from tillui.screens.paging import PAGE_ACTIONS, page_bindings
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner
from tillui.widgets.state_table import StateTable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tillui.claims.history import TillClaim, TillClaimsHistory, TillClaimsPage

PAGE_SIZE = 12
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("when", "Claimed", 12),
    ("bill", "Bill", 10),
    ("amount", "Amount", 10),
    ("customer", "Customer", 9),
    ("local", "At till", 13),
    ("server", "Server", 10),
)
_SERVER_SHORT = {"waiting for approval": "waiting"}


class TillClaimsScreen(TillScreen[None]):
    CSS_PATH = stylesheet("checker.tcss")
    scan_starts_lookup = True
    scan_harmless_actions = PAGE_ACTIONS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="till_claims.back"),
        Binding("enter", "detail", "Detail", id="till_claims.detail"),
        Binding("c", "check_now", "Check now", id="till_claims.check_now"),
        *page_bindings("till_claims"),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="till_claims.refresh"),
    ]

    def __init__(self, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._page_size = page_size
        self._index = 0
        self._view: TillClaimsPage | None = None
        self._history: TillClaimsHistory | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="till-claims-head"):
            yield Static("Claims made at this till", id="till-claims-title")
            yield Static("", id="till-claims-till")
        with Horizontal(id="till-claims-status-line"):
            yield Static("", id="till-claims-status")
            yield Spinner(id="till-claims-loading")
        yield ErrorPanel(id="till-claims-error")
        yield StateTable(id="till-claims-table")
        yield Static("", id="till-claims-empty")
        yield Static("", id="till-claims-reason")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#till-claims-table", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, width=width, key=key)
        services = self.till.services_now
        if services is not None:
            self.query_one("#till-claims-till", Static).update(f"till {services.settings.till_id}")
        self._start_load()

    @property
    def view(self) -> TillClaimsPage | None:
        return self._view

    @property
    def highlighted(self) -> TillClaim | None:
        view = self._view
        table = self.query_one("#till-claims-table", DataTable)
        if view is None or not view.items or not 0 <= table.cursor_row < len(view.items):
            return None
        return view.items[table.cursor_row]

    # -- loading -------------------------------------------------------------------------------

    def _start_load(self) -> None:
        self.query_one("#till-claims-loading").display = True
        self._load(self._index)

    @work(exclusive=True, group="till-claims-load", exit_on_error=False)
    async def _load(self, index: int) -> None:
        panel = self.query_one(ErrorPanel)
        try:
            history = await self._get_history()
            view = await history.page(index, self._page_size)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            self.query_one("#till-claims-loading").display = False
            panel.show_error(error)
            return
        self.query_one("#till-claims-loading").display = False
        if view.server_problem:
            panel.show_message("Showing the last server states known", view.server_problem)
        else:
            panel.clear()
        self._index = view.index
        self._show(view)

    async def _get_history(self) -> TillClaimsHistory:
        if self._history is None:
            from tillui.claims.history import TillClaimsHistory

            services = await self.till.services()
            self._history = TillClaimsHistory(
                services.claims.outbox, services.client, services.settings
            )
        return self._history

    def _show(self, view: TillClaimsPage) -> None:
        previous = self.highlighted
        self._view = view
        table = self.query_one("#till-claims-table", StateTable)
        table.clear()
        clock = self.till.clock
        for position, claim in enumerate(view.items):
            record = claim.record
            server = claim.server_words
            table.add_row(
                local(record.created_at, clock).strftime("%d %b %H:%M"),
                record.bill_number,
                Text(format_amount(record.amount), justify="right"),
                mask_number(record.customer_id),
                Text(claim.local_words, style="bold" if claim.unconfirmed else ""),
                table.state_text(server, _SERVER_SHORT.get(server, server)),
                key=str(position),
            )
        if previous is not None:
            row = next(
                (n for n, c in enumerate(view.items) if c.record.id == previous.record.id), 0
            )
            table.move_cursor(row=row, animate=False)
        table.display = bool(view.items)
        empty = self.query_one("#till-claims-empty", Static)
        empty.display = not view.items
        empty.update("No claims have been made at this till yet.")
        if view.items:
            table.focus()
        unconfirmed = sum(1 for c in view.items if c.unconfirmed)
        text = f"page {view.index + 1} of {view.page_count} — {view.total:,} claims · newest first"
        if unconfirmed:
            text += f" · {unconfirmed} unconfirmed (c checks)"
        self.query_one("#till-claims-status", Static).update(text)
        self._show_reason()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_reason()

    def _show_reason(self) -> None:
        claim = self.highlighted
        line = self.query_one("#till-claims-reason", Static)
        reason = claim.reason if claim is not None else ""
        line.update(Text.assemble(("Reason: ", "dim"), reason) if reason else "")
        line.display = bool(reason)

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_detail(self) -> None:
        from tillui.screens.dialogs.claim_details import FieldsDialog, till_claim_rows

        claim = self.highlighted
        if claim is None:
            self.app.bell()
            return
        title = f"Claim of bill {claim.record.bill_number}"
        self.app.push_screen(FieldsDialog(title, till_claim_rows(claim, self.till.clock)))

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_next_page(self) -> None:
        if self._view is None or self._index + 1 >= self._view.page_count:
            self.app.bell()
            return
        self._index += 1
        self._start_load()

    def action_previous_page(self) -> None:
        if self._index == 0:
            self.app.bell()
            return
        self._index -= 1
        self._start_load()

    def action_first_page(self) -> None:
        self._index = 0
        self._start_load()

    def action_last_page(self) -> None:
        if self._view is not None:
            self._index = self._view.page_count - 1
            self._start_load()

    def action_refresh(self) -> None:
        self._start_load()

    def action_check_now(self) -> None:
        self._check_now()

    @work(exclusive=True, group="till-claims-check", exit_on_error=False)
    async def _check_now(self) -> None:
        """Ask the server about every unconfirmed claim (the outbox's reconcile), then reload."""
        panel = self.query_one(ErrorPanel)
        self.query_one("#till-claims-loading").display = True
        try:
            services = await self.till.services()
            outcomes = await services.claims.reconcile()
        except Exception as error:  # noqa: BLE001 - shown, never raised
            self.query_one("#till-claims-loading").display = False
            panel.show_error(error)
            return
        if not outcomes:
            self.notify("No claims are waiting for the server.", title="Check now")
        for outcome in outcomes:
            self.notify(
                outcome.message,
                title=f"Claim of bill {outcome.claim.bill_number}",
                severity="information" if outcome.sent else "warning",
                timeout=10,
            )
        await self.till.show_unsent_claims()
        self._start_load()

    def palette_commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand(
            "Claim detail", "Every field of the highlighted claim", self.action_detail
        )
        yield SystemCommand(
            "Check unconfirmed claims now", "Ask the server about them", self.action_check_now
        )
        yield SystemCommand("Next page", "Next page of this till's claims", self.action_next_page)
        yield SystemCommand(
            "Previous page", "Previous page of this till's claims", self.action_previous_page
        )
        yield SystemCommand("Refresh claims", "Ask the server again", self.action_refresh)
