"""Requests: the customer's retro requests, newest first, a page at a time, filterable by status,
refreshable (by key, and on its own while a shown request is PENDING), with a detail view.

The screen holds only the page on show; `RequestPager` (tillui/claims/request_pager.py) knows
how to reach any page without keeping the pages it has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Static

from tillui.claims.request_pager import (
    PAGE_SIZE,
    STATUSES,
    RequestPager,
    RequestsView,
    describe,
    empty_message,
)
from tillui.screens.base import TillScreen
from tillui.screens.paging import PAGE_ACTIONS, page_bindings
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.footer import TillFooter
from tillui.widgets.requests_table import CLAIMED_MARK, RequestsTable
from tillui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tillui.api.models import RetroRequestPage
    from tillui.counter.identifier_types import Identifier
    from tillui.services import Services

LOADING_DELAY = 0.3
BILLS_DELAY = 0.4
"""Seconds a page is on show before its bill numbers are fetched (up to a GET a row): pages
flipped past are not worth a burst of requests, on a till or a shared SSH host."""


class RequestsScreen(TillScreen[None]):
    CSS_PATH = stylesheet("requests.tcss")
    scan_starts_lookup = True
    scan_harmless_actions = PAGE_ACTIONS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="requests.back"),
        *page_bindings("requests"),
        Binding("f", "choose_filter", "Filter", id="requests.filter"),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="requests.refresh"),
        Binding("enter", "detail", "Detail", id="requests.detail"),
    ]

    def __init__(
        self, *, page_size: int = PAGE_SIZE, identifiers: tuple[Identifier, ...] = ()
    ) -> None:
        """`identifiers`: the requests of whoever they find, by document 000's lookup (one call
        per page, no customer details first); else the customer being served."""
        super().__init__()
        self._page_size = page_size
        self._identifiers = identifiers
        self._pager: RequestPager | None = None
        self._status: str | None = None
        self._target = 0
        """The page asked for most recently (ahead of the one on show while a load runs)."""
        self._view: RequestsView | None = None
        """The page on show: the only requests this screen holds."""
        self._generation = 0
        self._refresh_timer: Timer | None = None
        self._refresh_seconds = 0
        self._loading_timer: Timer | None = None
        self._bills_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="requests-head"):
            yield Static("", id="requests-title")
            yield Static("", id="requests-filter")
        with Horizontal(id="requests-status-line"):
            yield Static("", id="requests-status")
            yield Spinner(id="requests-loading")
        yield ErrorPanel(id="requests-error")
        yield RequestsTable(self.till.clock, id="requests-table")
        yield Static("", id="requests-empty")
        yield TillFooter(compact=True)

    def on_mount(self) -> None:
        lookup = self.till.session.lookup
        name = lookup.details.name if lookup is not None else ""
        if self._identifiers:
            name = self._identifiers_text()
        self.query_one("#requests-title", Static).update(
            f"Retro requests · {name}" if name else "Retro requests"
        )
        self._show_filter()
        self._start_load()

    # -- state shown ---------------------------------------------------------------------------

    @property
    def view(self) -> RequestsView | None:
        """The page on show (None before the first answer)."""
        return self._view

    @property
    def bills_pending(self) -> bool:
        """The page's bill numbers are still to be fetched (or being fetched)."""
        return self._bills_timer is not None or any(
            w.node is self and w.group == "requests-bills" and not w.is_finished
            for w in self.workers
        )

    @property
    def pager(self) -> RequestPager | None:
        return self._pager

    def _show_filter(self) -> None:
        label = self._status or "all"
        self.query_one("#requests-filter", Static).update(f"Status: {label}  (f)")

    def _show_status(self) -> None:
        view, pager = self._view, self._pager
        if view is None or pager is None:
            text = "Loading…" if self.query_one("#requests-loading").display else ""
        else:
            text = describe(view, pager)
            if self._refresh_timer is not None:
                text += f" · auto-refresh {self._refresh_seconds} s"
            claimed = self.till.session.claimed_transaction_ids
            if any(item.transaction_id in claimed for item in view.items):
                text += f" · {CLAIMED_MARK} claimed here"
        # One row, width 1fr: a new text never changes its size, so no relayout.
        self.query_one("#requests-status", Static).update(text, layout=False)

    def _show_view(self, view: RequestsView) -> None:
        self._view = view
        self._target = view.index
        claimed = frozenset(self.till.session.claimed_transaction_ids)
        table = self.query_one(RequestsTable)
        table.show(view.items, claimed, self._known_bills(view))
        # The page paints first; the bill numbers not known yet are fetched once it stays.
        self._stop_bills()
        self._bills_timer = self.set_timer(
            BILLS_DELAY, lambda: self._resolve_bills(view), name="requests-bills"
        )
        empty = self.query_one("#requests-empty", Static)
        table.display = bool(view.items)
        empty.display = not view.items
        if not view.items and self._pager is not None:
            empty.update(empty_message(view, self._pager))
        if view.items:
            table.focus()

    # -- loading -------------------------------------------------------------------------------

    def _start_load(self, *, quiet: bool = False) -> None:
        self._generation += 1
        self._stop_auto_refresh()
        if not quiet:
            if self._view is None:
                self._show_loading(True)
            elif self._loading_timer is None:
                # Another page of a screen on show: the spinner only if the answer is slow, so a
                # quick page flip costs one relayout, not three.
                self._loading_timer = self.set_timer(
                    LOADING_DELAY, lambda: self._show_loading(True), name="requests-loading"
                )
        # The bill numbers of the page being left would hold up this page's own request.
        self._stop_bills()
        self._load(self._generation)

    def _stop_bills(self) -> None:
        if self._bills_timer is not None:
            self._bills_timer.stop()
            self._bills_timer = None
        self.workers.cancel_group(self, "requests-bills")

    def _known_bills(self, view: RequestsView) -> dict[int, str]:
        """The page's bill numbers already known (the till's claims, earlier pages): no I/O."""
        services = self.till.services_now
        if services is None:
            return {}
        known = (services.bill_numbers.known(item.transaction_id) for item in view.items)
        return {
            item.transaction_id: bill
            for item, bill in zip(view.items, known, strict=True)
            if item.transaction_id is not None and bill
        }

    def _show_loading(self, shown: bool) -> None:
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        spinner = self.query_one("#requests-loading")
        if spinner.display != shown:
            spinner.display = shown
            self._show_status()

    @work(exclusive=True, group="requests-load", exit_on_error=False)
    async def _load(self, generation: int) -> None:
        # A newer load cancels this one (exclusive worker); the pager changes its own state
        # only between awaits, so a cancelled scan leaves it consistent.
        panel = self.query_one(ErrorPanel)
        try:
            services = await self.till.services()
            pager = self._pager_for(services)
            view = await pager.load(self._target)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            if generation == self._generation:
                self._show_loading(False)
                panel.show_error(error)
                self._show_status()
            return
        if generation != self._generation:
            return
        self._show_loading(False)
        panel.clear()
        if view is None:
            # Nothing past the page on show (a filtered scan reached the end): stay there.
            self.app.bell()
            self._target = self._view.index if self._view is not None else 0
        else:
            self._show_view(view)
        self._schedule_auto_refresh(services)
        self._show_status()

    @work(exclusive=True, group="requests-bills", exit_on_error=False)
    async def _resolve_bills(self, view: RequestsView) -> None:
        """Put the bill numbers the customer holds in place of transaction IDs, as they come."""
        self._bills_timer = None
        wanted = [
            (item.transaction_id, item.status)
            for item in view.items
            if item.transaction_id is not None
        ]
        if not wanted:
            return
        try:
            services = await self.till.services()
            bills = await services.bill_numbers.resolve(wanted)
        except Exception:  # noqa: BLE001 - transaction IDs stay on show; nothing to tell
            return
        if view is self._view:
            self.query_one(RequestsTable).show_bills(bills)

    def _identifiers_text(self) -> str:
        from tillui.counter.identifiers import display

        return ", ".join(display(i, masked=True) for i in self._identifiers)

    def _pager_for(self, services: Services) -> RequestPager:
        if self._pager is None and self._identifiers:
            client, identifiers = services.client, list(self._identifiers)

            async def fetch_by_identifiers(offset: int, limit: int) -> RetroRequestPage:
                return await client.retro_requests_by_identifiers(
                    identifiers, limit=limit, offset=offset
                )

            self._pager = RequestPager(fetch_by_identifiers, page_size=self._page_size)
        if self._pager is None:
            customer_id = self.till.session.customer_id
            if customer_id is None:
                raise RuntimeError("no customer is being served")
            client = services.client

            async def fetch(offset: int, limit: int) -> RetroRequestPage:
                return await client.retro_requests(customer_id, limit=limit, offset=offset)

            self._pager = RequestPager(fetch, page_size=self._page_size)
        if self._pager.status != self._status:
            self._pager.set_status(self._status)
        return self._pager

    # -- auto-refresh --------------------------------------------------------------------------

    def _schedule_auto_refresh(self, services: Services) -> None:
        settings = services.settings
        seconds = 0 if settings.kiosk else settings.requests_refresh_seconds
        self._refresh_seconds = seconds
        view, pager = self._view, self._pager
        # Only while a PENDING request is on show, and only if a reload is one call: it costs
        # rate limit (a filtered page can span several hundred requests; F5 still reloads it).
        if (
            seconds
            and view is not None
            and pager is not None
            and view.has_pending
            and pager.reload_calls(view) == 1
        ):
            self._refresh_timer = self.set_timer(
                seconds, self._refresh_timer_fired, name="requests-auto-refresh"
            )

    def _stop_auto_refresh(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    def _refresh_timer_fired(self) -> None:
        self._refresh_timer = None
        if not self.is_active:
            # Another screen (the detail view, help) is on top: try again later, spend nothing.
            self._refresh_timer = self.set_timer(self._refresh_seconds, self._refresh_timer_fired)
            return
        if self._pager is not None:
            self._pager.forget_after(self._target, keep_span=True)
        self._start_load(quiet=True)

    @property
    def auto_refresh_armed(self) -> bool:
        return self._refresh_timer is not None

    # -- actions -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_page(self) -> None:
        count = self._pager.page_count if self._pager is not None else None
        if count is not None and self._target + 1 >= count:
            self.app.bell()
            return
        self._target += 1
        self._start_load()

    def action_previous_page(self) -> None:
        if self._target == 0:
            self.app.bell()
            return
        self._target -= 1
        self._start_load()

    def action_first_page(self) -> None:
        self._target = 0
        self._start_load()

    def action_last_page(self) -> None:
        count = self._pager.page_count if self._pager is not None else None
        if count is None:
            self.notify(
                f"The last {self._status} page is known once the scan reaches the end: "
                "PgDn scans on.",
                title="Last page",
                timeout=4,
            )
            return
        self._target = count - 1
        self._start_load()

    def action_choose_filter(self) -> None:
        from tillui.screens.dialogs.status_filter import ALL, StatusFilterDialog

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.set_filter(None if choice == ALL else choice)

        self.app.push_screen(StatusFilterDialog(STATUSES, self._status), chosen)

    def set_filter(self, status: str | None) -> None:
        """Show only `status` (None: every status), from the first page."""
        self._status = status
        self._target = 0
        self._show_filter()
        self._start_load()

    def action_refresh(self) -> None:
        if self._pager is not None:
            self._pager.forget_after(self._target)
        self._start_load()

    def action_detail(self) -> None:
        from tillui.screens.dialogs.request_detail import RequestDetailScreen

        table = self.query_one(RequestsTable)
        request = table.highlighted
        if request is None:
            self.app.bell()
            return
        claimed = request.transaction_id in self.till.session.claimed_transaction_ids
        self.app.push_screen(
            RequestDetailScreen(
                request, self.till.clock, claimed_here=claimed, bill=table.bill_of(request)
            )
        )

    @on(DataTable.RowSelected)
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_detail()

    def palette_commands(self) -> Iterator[SystemCommand]:
        yield SystemCommand("Next page", "Next page of retro requests", self.action_next_page)
        yield SystemCommand(
            "Previous page", "Previous page of retro requests", self.action_previous_page
        )
        yield SystemCommand("First page", "First page of retro requests", self.action_first_page)
        yield SystemCommand("Last page", "Last page of retro requests", self.action_last_page)
        yield SystemCommand("Refresh requests", "Fetch this page again", self.action_refresh)
        yield SystemCommand(
            "Request detail", "Every field of the highlighted request", self.action_detail
        )
        yield SystemCommand(
            "Show every status", "Retro requests in every status", lambda: self.set_filter(None)
        )
        for status in STATUSES:
            yield SystemCommand(
                f"Show {status} requests",
                f"Only {status} retro requests",
                lambda status=status: self.set_filter(status),
            )
