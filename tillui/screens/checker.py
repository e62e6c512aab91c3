"""Checker view: the store manager approves or rejects the store's claims waiting for a checker.

Entered with the manager's checker token (or the PIN that unseals the one kept in the secrets
store). The token is held by this screen only: dropped when the manager leaves (Esc), when the
idle reset or a kiosk reset pops the screen, and after the server refused it.
"""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Static

from tillui.clock import format_local, local
from tillui.display.formatting import format_amount, mask_number
from tillui.screens.base import TillScreen
from tillui.screens.paging import page_bindings
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner
from tillui.widgets.state_table import StateTable

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from pydantic import SecretStr

    from tillui.claims.checker import CheckerDesk, WaitingClaim, WaitingPage
    from tillui.clock import Clock

PAGE_SIZE = 12
"""Rows on one page: what fits the screen at 80x24 with an error on show."""
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("bill", "Bill", 10),
    ("amount", "Amount", 10),
    ("billed", "Billed", 12),
    ("customer", "Customer", 9),
    ("till", "Till", 11),
    ("waiting", "Waiting", 8),
)


def short_time(moment: datetime | None, clock: Clock) -> str:
    """'23 Nov 09:12' in the till's zone."""
    return "—" if moment is None else local(moment, clock).strftime("%d %b %H:%M")


def waited(since: datetime | None, clock: Clock) -> str:
    """'25 min', '5 h', '3 d 4 h': how long a claim has waited for a checker."""
    if since is None:
        return "—"
    minutes = max(0, int((clock.now() - since.astimezone(UTC)).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d {hours % 24} h"


class CheckerScreen(TillScreen[None]):
    CSS_PATH = stylesheet("checker.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="checker.back"),
        Binding("a", "approve", "Approve", id="checker.approve"),
        Binding("r", "reject", "Reject", id="checker.reject"),
        Binding("enter", "detail", "Bill", id="checker.detail"),
        *page_bindings("checker", ends=False),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="checker.refresh", show=False),
    ]

    def __init__(self, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self._page_size = page_size
        self._token: SecretStr | None = None
        self._desk: CheckerDesk | None = None
        self._page = 1
        self._view: WaitingPage | None = None
        self._deciding = False
        self._token_problem = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="checker-head"):
            yield Static("Claims waiting for approval", id="checker-title")
            yield Static("", id="checker-store")
        with Horizontal(id="checker-status-line"):
            yield Static("", id="checker-status")
            yield Spinner(id="checker-loading")
        yield ErrorPanel(id="checker-error")
        yield StateTable(id="checker-table")
        yield Static("", id="checker-empty")
        yield Static("", id="checker-result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#checker-table", DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, width=width, key=key)
        services = self.till.services_now
        if services is not None:
            self.query_one("#checker-store", Static).update(f"store {services.settings.store_id}")
        self._ask_for_token(then=self._start_load, leave_if_cancelled=True)

    def on_unmount(self) -> None:
        self._token = None  # the visit is over: the checker's token does not outlive it

    # -- what tests and the app may ask --------------------------------------------------------

    @property
    def has_checker_token(self) -> bool:
        return self._token is not None

    @property
    def view(self) -> WaitingPage | None:
        return self._view

    @property
    def busy(self) -> bool:
        return self._deciding

    @property
    def highlighted(self) -> WaitingClaim | None:
        view = self._view
        table = self.query_one("#checker-table", DataTable)
        if view is None or not view.items or not 0 <= table.cursor_row < len(view.items):
            return None
        return view.items[table.cursor_row]

    # -- the token -----------------------------------------------------------------------------

    def _ask_for_token(
        self, *, then: Callable[[], None], leave_if_cancelled: bool = False, problem: str = ""
    ) -> None:
        from tillui.screens.dialogs.checker_access import CheckerAccessDialog

        services = self.till.services_now
        sealed = services.secrets.checker_token_sealed if services else None
        hint = services.demo.checker_hint if services and services.demo else ""

        def answered(token: SecretStr | None) -> None:
            if token is None:
                if leave_if_cancelled:
                    self.app.pop_screen()
                return
            self._token = token
            self._token_problem = ""
            then()

        self.app.push_screen(
            CheckerAccessDialog(sealed=sealed, demo_hint=hint, problem=problem), answered
        )

    # -- loading -------------------------------------------------------------------------------

    def _start_load(self) -> None:
        self.query_one("#checker-loading").display = True
        self._load(self._page)

    @work(exclusive=True, group="checker-load", exit_on_error=False)
    async def _load(self, page: int) -> None:
        panel = self.query_one(ErrorPanel)
        try:
            desk = await self._get_desk()
            view = await desk.waiting(page=page, limit=self._page_size)
            if not view.items and page > 1:
                page -= 1
                view = await desk.waiting(page=page, limit=self._page_size)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            self.query_one("#checker-loading").display = False
            panel.show_error(error)
            return
        self.query_one("#checker-loading").display = False
        panel.clear()
        self._page = page
        self._show(view)

    async def _get_desk(self) -> CheckerDesk:
        if self._desk is None:
            from tillui.claims.checker import CheckerDesk

            services = await self.till.services()
            self._desk = CheckerDesk(services.client, services.settings)
        return self._desk

    def _show(self, view: WaitingPage) -> None:
        previous = self.highlighted
        self._view = view
        table = self.query_one("#checker-table", DataTable)
        table.clear()
        clock = self.till.clock
        for position, claim in enumerate(view.items):
            table.add_row(
                claim.bill_number or Text("?", style="bold"),
                Text(format_amount(claim.amount), justify="right"),
                short_time(claim.billing_time, clock),
                mask_number(claim.customer_id),
                claim.till,
                waited(claim.waiting_since, clock),
                key=str(position),
            )
        if previous is not None:
            row = next(
                (n for n, c in enumerate(view.items) if c.request_id == previous.request_id), 0
            )
            table.move_cursor(row=row, animate=False)
        table.display = bool(view.items)
        empty = self.query_one("#checker-empty", Static)
        empty.display = not view.items
        empty.update("No claims are waiting for approval at this store.")
        if view.items:
            table.focus()
        self.query_one("#checker-status", Static).update(self._status_text(view))

    def _status_text(self, view: WaitingPage) -> str:
        if view.total is not None:
            pages = max(1, -(-view.total // view.limit))
            count = f"{view.total} waiting"
            return f"page {view.page} of {pages} — {count} · oldest first"
        more = " · more on the next page" if view.has_more else ""
        return f"page {view.page} · oldest first{more}"

    # -- deciding ------------------------------------------------------------------------------

    def action_approve(self) -> None:
        self._begin_decision(approve=True)

    def action_reject(self) -> None:
        self._begin_decision(approve=False)

    def _begin_decision(self, *, approve: bool) -> None:
        from tillui.screens.dialogs.checker_decision import CheckerDecisionDialog, DecisionSummary

        claim = self.highlighted
        if claim is None or self._deciding:
            self.app.bell()
            return
        if self._token is None:
            self._ask_for_token(
                then=lambda: self._begin_decision(approve=approve), problem=self._token_problem
            )
            return
        clock = self.till.clock
        summary = DecisionSummary(
            bill_number=claim.bill_number or claim.bill_problem or "?",
            amount=format_amount(claim.amount),
            billed=format_local(claim.billing_time, clock),
            customer=mask_number(claim.customer_id),
            waiting=waited(claim.waiting_since, clock),
        )

        def answered(message: str | None) -> None:
            if message is not None:
                self._deciding = True
                self._decide(claim, approve, message)

        self.app.push_screen(CheckerDecisionDialog(summary, approve=approve), answered)

    @work(exclusive=True, group="checker-decide", exit_on_error=False)
    async def _decide(self, claim: WaitingClaim, approve: bool, message: str) -> None:
        from tillui.api.errors import AuthError

        panel = self.query_one(ErrorPanel)
        token = self._token
        try:
            if token is None:
                return
            desk = await self._get_desk()
            decision = await desk.decide(
                claim.request_id, approve=approve, message=message, checker_token=token
            )
        except AuthError as error:
            self._token = None
            self._token_problem = f"The last token was refused: {error.message}."
            panel.show_message(
                "The checker token was refused — nothing was changed",
                f"{error.message}. Press {'a' if approve else 'r'} again to give another token.",
            )
            return
        except Exception as error:  # noqa: BLE001 - shown, never raised
            panel.show_error(error)
            return
        finally:
            self._deciding = False
        panel.clear()
        bill = claim.bill_number or claim.request_id
        result = self.query_one("#checker-result", Static)
        result.update(Text.assemble((f"Bill {bill}: ", "bold"), decision.message))
        result.display = True
        result.set_class(decision.kind == "already_decided", "-warning")
        self._start_load()

    # -- other actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self._token = None
        self.app.pop_screen()

    def action_detail(self) -> None:
        from tillui.screens.dialogs.claim_details import FieldsDialog, waiting_claim_rows

        claim = self.highlighted
        if claim is None:
            self.app.bell()
            return
        title = f"Claim of bill {claim.bill_number or '?'}"
        self.app.push_screen(FieldsDialog(title, waiting_claim_rows(claim, self.till.clock)))

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def action_next_page(self) -> None:
        if self._view is None or not self._view.has_more:
            self.app.bell()
            return
        self._page += 1
        self._start_load()

    def action_previous_page(self) -> None:
        if self._page <= 1:
            self.app.bell()
            return
        self._page -= 1
        self._start_load()

    def action_refresh(self) -> None:
        self._start_load()

    def palette_commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand("Approve claim", "Approve the highlighted claim", self.action_approve)
        yield SystemCommand("Reject claim", "Reject the highlighted claim", self.action_reject)
        yield SystemCommand("Bill of the claim", "Every field of the bill", self.action_detail)
        yield SystemCommand("Next page", "Next page of waiting claims", self.action_next_page)
        yield SystemCommand(
            "Previous page", "Previous page of waiting claims", self.action_previous_page
        )
        yield SystemCommand("Refresh waiting claims", "Ask the server again", self.action_refresh)
