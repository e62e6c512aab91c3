"""Requests screen at 80x24 through the real client and the in-process sandbox."""

from __future__ import annotations

import asyncio
import re

from rich.console import Console
from textual.widgets import Static

from tests.conftest import services_ready, until
from tillui.claims.request_pager import PAGE_SIZE, STATUSES
from tillui.counter.identifier_types import Identifier
from tillui.sandbox import DEMO
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.request_detail import RequestDetailScreen
from tillui.screens.requests import RequestsScreen
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.requests_table import RequestsTable

SIZE = (80, 24)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_requests(pilot, mobile: str, *, from_customer: bool = False) -> RequestsScreen:
    """Serve the customer found by `mobile` (typing it is test_flow_lookup's job) and open the
    requests screen: with r on the customer screen, or pushed at once (each new screen costs
    Textual a stylesheet parse, so most tests skip the customer screen)."""
    app = pilot.app
    await services_ready(app)
    identifiers = (Identifier("mobile", mobile),)
    app.session.start(identifiers, await app.services_now.client.lookup(list(identifiers)))
    if from_customer:
        await app.push_screen(CustomerScreen())
        await pilot.pause()
        await pilot.press("r")
    else:
        await app.push_screen(RequestsScreen())
    await settle(pilot)
    assert isinstance(app.screen, RequestsScreen)
    return app.screen


def status_line(screen: RequestsScreen) -> str:
    return str(screen.query_one("#requests-status", Static).render())


def cell_text(table: RequestsTable, row: int, column: int) -> str:
    return table.get_row_at(row)[column].plain


def detail_text(app) -> str:
    """The detail dialog's fields as plain text, as wide as the dialog shows them."""
    console = Console(width=74, record=True, color_system=None, file=None)
    with console.capture() as captured:
        console.print(app.screen.query_one("#request-detail-fields", Static).content)
    return captured.get()


def sandbox_state(app):
    return app.services_now.demo.sandbox.state.sandbox


async def test_asha_newest_first_with_every_column(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.asha.mobile, from_customer=True)
        table = screen.query_one(RequestsTable)
        assert table.row_count == 12
        assert status_line(screen).startswith("page 1 of 1 — 12 requests")
        added = [item.added_on for item in screen.view.items]
        assert added == sorted(added, reverse=True)
        # Newest: PENDING, added 6 h before the fixed clock (10:00 +05:30), at the demo till.
        assert cell_text(table, 0, 0).strip() == "PENDING"
        assert cell_text(table, 0, 1) == "23 Nov 2026"
        # The bill number the customer holds, not the transaction ID (issue 10).
        sandbox = app.services_now.demo.sandbox.state.sandbox
        await until(pilot, lambda: not cell_text(table, 0, 2).startswith("txn "))
        for row, item in enumerate(screen.view.items):
            bill = sandbox.transactions.get(item.transaction_id).bill_number
            assert cell_text(table, row, 2) == bill
        assert cell_text(table, 0, 3) == "Demo Till"
        assert "Harbour Till" in [cell_text(table, r, 3) for r in range(12)]
        # A reason is wrapped, never cut: the row grows; the rest of the table stays in view.
        assert "…" not in "".join(cell_text(table, r, 4) for r in range(12))
        assert cell_text(table, 5, 4) == "Receipt could not be verified"
        assert table.ordered_rows[5].height >= 2
        # The detail view names the bill too.
        table.move_cursor(row=5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RequestDetailScreen)
        bill = sandbox.transactions.get(screen.view.items[5].transaction_id).bill_number
        assert re.search(rf"^Bill +{bill} *$", detail_text(app), re.M)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)


async def test_bill_numbers_are_fetched_for_the_page_that_stays(make_app, monkeypatch):
    """Up to a GET a row: not for pages flipped past, and a page seen before shows its bill
    numbers at once, without asking again."""
    import tillui.screens.requests as requests_screen

    monkeypatch.setattr(requests_screen, "BILLS_DELAY", 2.0, raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.bulk.mobile)
        bills = app.services_now.bill_numbers
        fetched: list[int] = []
        read = app.services_now.client.transaction

        def counted(transaction_id: int, **kwargs):
            fetched.append(transaction_id)
            return read(transaction_id, **kwargs)

        monkeypatch.setattr(app.services_now.client, "transaction", counted)
        for _ in range(3):
            await pilot.press("n")
            await settle(pilot)
        assert screen.view.index == 3
        assert bills.gets == 0  # pages 1 to 3 were on show for less than the delay
        table = screen.query_one(RequestsTable)
        await until(pilot, lambda: not cell_text(table, 0, 2).startswith("txn "), timeout=10)
        stays = {item.transaction_id for item in screen.view.items}
        assert set(fetched) <= stays
        gets = bills.gets
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not cell_text(table, 0, 2).startswith("txn ")  # known: shown with the rows
        assert bills.gets == gets


async def test_paging_the_bulk_buyer_holds_one_page(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.bulk.mobile)
        table = screen.query_one(RequestsTable)
        assert status_line(screen) == "page 1 of 334 — 5,000 requests"
        first_ids = [item.id for item in screen.view.items]
        await pilot.press("pagedown")
        await settle(pilot)
        assert status_line(screen) == "page 2 of 334 — 5,000 requests"
        assert screen.view.items[0].id == first_ids[-1] + 1
        await pilot.press("n", "n")
        await settle(pilot)
        assert screen.view.index == 3
        await pilot.press("p")
        await settle(pilot)
        assert screen.view.index == 2
        await pilot.press("end")
        await settle(pilot)
        assert status_line(screen) == "page 334 of 334 — 5,000 requests"
        assert table.row_count == 5000 - 333 * PAGE_SIZE
        await pilot.press("pagedown")  # nothing after the last page: stays
        await settle(pilot)
        assert screen.view.index == 333
        await pilot.press("g")
        await settle(pilot)
        assert [item.id for item in screen.view.items] == first_ids
        await pilot.press("G")
        await settle(pilot)
        assert screen.view.index == 333
        await pilot.press("home", "pageup")  # before the first page: stays on it
        await settle(pilot)
        assert screen.view.index == 0
        # Only the page on show is held, by the table and by the screen.
        assert table.row_count == len(screen.view.items) == PAGE_SIZE
        assert len(table.items) == PAGE_SIZE


async def test_paging_again_cancels_the_load_in_flight(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.bulk.mobile)
        pager = screen.pager
        real_fetch = pager._fetch
        gate = asyncio.Event()
        started: list[int] = []
        cancelled: list[int] = []

        async def held_fetch(offset: int, limit: int):
            started.append(offset)
            try:
                await gate.wait()
            except asyncio.CancelledError:
                cancelled.append(offset)
                raise
            return await real_fetch(offset, limit)

        pager._fetch = held_fetch
        await pilot.press("n", "n", "n")
        await until(pilot, lambda: screen.query_one("#requests-loading").display)
        assert screen.view.index == 0
        assert started == [15, 30, 45] and cancelled == [15, 30]
        gate.set()
        await settle(pilot)
        assert screen.view.index == 3
        assert status_line(screen) == "page 4 of 334 — 5,000 requests"
        assert not screen.query_one("#requests-loading").display


async def test_filter_is_a_choice_of_every_status(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.asha.mobile)
        seen: dict[str, int] = {}
        # Straight to any status: f, then its digit (not a cycle through the others).
        for digit, status in reversed(list(enumerate(STATUSES, 1))):
            await pilot.press("f", str(digit))
            await settle(pilot)
            assert f"Status: {status}" in str(screen.query_one("#requests-filter", Static).render())
            assert {item.status for item in screen.view.items} == {status}
            seen[status] = len(screen.view.items)
            assert status_line(screen).startswith(
                f"{status} — page 1 of 1 — {seen[status]} found in all 12"
            )
        assert seen == {"PENDING": 3, "APPROVED": 2, "REJECTED": 2, "SUCCESS": 3, "FAILURE": 2}
        await pilot.press("f", "0")
        await settle(pilot)
        assert screen.view.status is None and screen.query_one(RequestsTable).row_count == 12
        # The command palette offers each filter by name.
        commands = {command.title: command.callback for command in screen.palette_commands()}
        commands["Show REJECTED requests"]()
        await settle(pilot)
        assert screen.view.status == "REJECTED" and len(screen.view.items) == 2


async def test_filter_on_the_bulk_buyer_scans_in_bounded_steps(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.bulk.mobile)
        await pilot.press("f", "1")  # PENDING: the bulk history has none
        await settle(pilot)
        assert screen.view.items == ()
        assert status_line(screen) == "PENDING — page 1 — 0 found in 500 of 5,000 scanned"
        empty = str(screen.query_one("#requests-empty", Static).render())
        assert "PgDn scans on" in empty
        await pilot.press("f", "3")  # REJECTED: about one in sixteen
        await settle(pilot)
        assert len(screen.view.items) == PAGE_SIZE
        assert {item.status for item in screen.view.items} == {"REJECTED"}
        assert status_line(screen).startswith("REJECTED — page 1 — 15 found in ")
        await pilot.press("n")
        await settle(pilot)
        assert status_line(screen).startswith("REJECTED — page 2 — 30 found in ")
        assert screen.query_one(RequestsTable).row_count == PAGE_SIZE
        await pilot.press("end")  # the last filtered page is not known yet: a notice, no load
        await settle(pilot)
        assert screen.view.index == 1


async def test_detail_lists_every_field_and_esc_closes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.asha.mobile)
        await pilot.press("down", "down", "down", "down", "down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RequestDetailScreen)
        request = app.screen.request
        assert request.status == "FAILURE"
        text = detail_text(app)
        for label in (
            "Status",
            "Request ID",
            "Transaction ID",
            "Customer ID",
            "Base type",
            "Added on",
            "Added by",
            "Added by parent",
            "Updated on",
            "Updated by",
            "Reason",
            "Comments",
            "Warnings",
            "Additive",
            "One step",
        ):
            assert label in text
        assert "04 Oct 2026 10:00:00 (UTC+05:30)" in text
        assert "Harbour Till · code harbour.till · TILL · ID 50682301" in text
        assert "Harbour Store · code harbour.store · STORE · ID 50682300" in text
        assert "99106: Transaction is older than the allowed age" in text
        assert f"{request.request_id}" in text and f"{DEMO.asha.customer_id}" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one(RequestsTable).cursor_row == 6


async def test_claims_made_here_are_marked(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        claimed = sandbox_state(app).retro_requests.page(DEMO.asha.customer_id, 1, 1)[0]
        app.session.claimed_transaction_ids.add(claimed.transaction_id)
        screen = await open_requests(pilot, DEMO.asha.mobile)
        table = screen.query_one(RequestsTable)
        assert cell_text(table, 1, 0).startswith("● ")
        assert not cell_text(table, 0, 0).startswith("●")
        assert "● claimed here" in status_line(screen)
        await pilot.press("down", "enter")
        await pilot.pause()
        text = detail_text(app)
        assert "claimed at this till in this session" in text


async def test_no_requests_yet(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.omar.mobile)
        assert not screen.query_one(RequestsTable).display
        empty = screen.query_one("#requests-empty", Static)
        assert empty.display and str(empty.render()) == "No retro requests for this customer yet"
        await pilot.press("enter", "pagedown")  # no row to open, no page to go to
        await settle(pilot)
        assert app.screen is screen


async def test_server_error_and_9050_show_a_panel_then_refresh_recovers(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        path = f"/v2/customers/{DEMO.asha.customer_id}/retroRequest"
        sandbox_state(app).faults.inject(path, "status", status=500)
        screen = await open_requests(pilot, DEMO.asha.mobile)
        panel = screen.query_one(ErrorPanel)
        assert panel.display
        assert "Traceback" not in str(panel.render())
        assert not screen.query_one("#requests-loading").display
        await pilot.press("f5")
        await settle(pilot)
        assert not panel.display and screen.query_one(RequestsTable).row_count == 12
        # 9050: a customer ID the server does not know.
        lookup = app.session.lookup
        app.session.lookup = lookup.model_copy(
            update={"details": lookup.details.model_copy(update={"id": 42})}
        )
        await pilot.press("escape")
        await app.push_screen(RequestsScreen())
        await settle(pilot)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display and "No such request" in str(panel.render())


async def test_auto_refresh_while_pending(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.asha.mobile)
        assert screen.auto_refresh_armed
        assert status_line(screen).endswith("auto-refresh 20 s")
        newest = sandbox_state(app).retro_requests.page(DEMO.asha.customer_id, 0, 1)[0]
        newest.status = "APPROVED"
        # Under the detail view nothing is fetched; the timer is simply set again.
        await pilot.press("enter")
        await pilot.pause()
        shown = screen.view
        screen._refresh_timer_fired()
        await settle(pilot)
        assert screen.view is shown and screen.auto_refresh_armed
        await pilot.press("escape")
        await pilot.pause()
        screen._refresh_timer_fired()
        await settle(pilot)
        assert screen.view is not shown
        assert cell_text(screen.query_one(RequestsTable), 0, 0).strip() == "APPROVED"
        # Only requests on show count: a page with no PENDING request stops the timer.
        await pilot.press("f", "2")  # APPROVED
        await settle(pilot)
        assert not screen.auto_refresh_armed
        # PENDING: armed while the page reloads in one call, not when it would take several.
        await pilot.press("f", "1")
        await settle(pilot)
        assert screen.view.status == "PENDING" and screen.auto_refresh_armed
        screen.pager.scan_limit = 5
        await pilot.press("f5")
        await settle(pilot)
        assert screen.view.has_pending and not screen.auto_refresh_armed


async def test_auto_refresh_is_off_in_kiosk_mode_and_at_zero(make_app):
    for flags in ({"kiosk": True}, {"requests_refresh_seconds": 0}):
        app = make_app(flags=flags)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_requests(pilot, DEMO.asha.mobile)
            assert screen.view.has_pending
            assert not screen.auto_refresh_armed
            assert "auto-refresh" not in status_line(screen)


async def test_footer_fits_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_requests(pilot, DEMO.asha.mobile)
        # This screen's keys and F1 Help show in full left of '^p palette'.
        # Footer parts by their CSS type names: Textual does not export the classes.
        keys = {key.description: key for key in screen.query("FooterKey")}
        right_edge = screen.query_one("FooterKey.-command-palette").region.x
        for description in ("Back", "Filter", "Refresh", "Detail", "Help"):
            assert keys[description].region.right <= right_edge <= SIZE[0] - 10, description
        page_keys = [key.region for key in screen.query("FooterKey.-grouped")]
        assert len(page_keys) == 2 and str(screen.query_one("FooterLabel").render()) == "Page"
        assert screen.query_one("FooterLabel").region.right <= right_edge
        ids = [binding.id for binding in RequestsScreen.BINDINGS]
        assert all(id_ and id_.startswith("requests.") for id_ in ids)
