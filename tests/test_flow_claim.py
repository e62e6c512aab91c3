"""Claim a recent non-member bill, at 80x24, through the real client, outbox and sandbox."""

from __future__ import annotations

from tests.conftest import scan, until
from tests.screen_text import notices
from tillui.sandbox import DEMO
from tillui.screens.claim import BillsTable, ClaimScreen
from tillui.screens.claim_result import ClaimResultScreen
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.confirm_claim import ConfirmClaimDialog
from tillui.widgets.error_panel import ErrorPanel

SIZE = (80, 24)


async def settle(pilot) -> None:
    """Wait for the workers that finish by themselves (not one parked behind a dialog)."""
    app = pilot.app
    await until(
        pilot,
        lambda: all(
            w.is_finished or (w.name == "_choose" and isinstance(app.screen, ConfirmClaimDialog))
            for w in app.workers
        ),
    )
    await pilot.pause()


async def open_claim(pilot, mobile: str) -> None:
    app = pilot.app
    await app.services()
    await pilot.press(*mobile, "enter")
    await settle(pilot)
    assert isinstance(app.screen, CustomerScreen)
    await pilot.press("c")
    # With the scan guard on, the key is held back ~60 ms before it counts: wait for its effect.
    await until(pilot, lambda: isinstance(app.screen, ClaimScreen))
    await settle(pilot)


def sandbox_state(app):
    return app.services_now.demo.sandbox.state.sandbox


def highlighted(app):
    return app.screen._highlighted()


def reason_text(app) -> str:
    return str(app.screen.query_one("#claim-reason").render())


async def test_a_listed_bill_is_claimed_in_four_keys_and_the_sandbox_agrees(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)  # key 1: c
        await pilot.press("down")  # key 2: move
        candidate = highlighted(app)
        assert candidate.selectable and candidate.check == "confirmed"
        state = sandbox_state(app)
        points_before = state.customers.get(DEMO.omar.customer_id).programs[0].main_points
        await pilot.press("enter")  # key 3: Enter
        await settle(pilot)
        assert isinstance(app.screen, ConfirmClaimDialog)
        await pilot.press("enter")  # key 4: confirm
        await settle(pilot)
        assert isinstance(app.screen, ClaimResultScreen)
        outcome = app.screen.outcome
        assert outcome.sent and outcome.claim.request_id
        assert outcome.claim.request_id in str(app.screen.query_one("#result-request").render())

        bill = state.transactions.get(candidate.transaction_id)
        assert (
            bill.type == "REGULAR" and bill.customer_id == DEMO.omar.customer_id and bill.retro_txn
        )
        points_after = state.customers.get(DEMO.omar.customer_id).programs[0].main_points
        assert points_after == points_before + int(candidate.amount)
        listed = state.retro_requests.for_transaction(candidate.transaction_id)
        assert [r.status for r in listed] == ["SUCCESS"]
        assert (
            listed[0].added_by.id == DEMO.till_id and listed[0].added_by_parent.id == DEMO.store_id
        )

        await pilot.press("enter")  # done: back to the customer, whose points are refreshed
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        assert app.session.lookup.points.main_points == points_after


async def test_a_double_enter_in_the_dialog_sends_one_claim(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        candidate = highlighted(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        state = sandbox_state(app)
        assert len(state.retro_requests.for_transaction(candidate.transaction_id)) == 1
        assert len(state.workflow_requests) == 1
        # Counted at the network layer too: the sandbox accepts a second claim of a bill.
        assert state.request_log.claim_posts() == {candidate.transaction_id: 1}


async def test_escape_in_the_dialog_sends_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert sandbox_state(app).workflow_requests == {}


async def test_a_too_old_bill_is_refused_before_anything_is_sent(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.asha.mobile)
        table = app.screen.query_one(BillsTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        candidate = highlighted(app)
        assert candidate.verdict.code == "too_old"
        assert "claims are allowed up to 30 days" in reason_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert sandbox_state(app).workflow_requests == {}
        assert "days ago" in reason_text(app)


async def test_a_bill_before_the_registration_window_is_refused(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.nikhil.mobile)  # registered 1 h ago, delay 3 h
        table = app.screen.query_one(BillsTable)
        refused = next(
            i
            for i in range(table.row_count)
            if app.screen._candidates[
                int(table.coordinate_to_cell_key((i, 0)).row_key.value)
            ].verdict.code
            == "before_registration_window"
        )
        table.move_cursor(row=refused)
        await pilot.pause()
        assert "Billed before the customer registered" in reason_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert sandbox_state(app).workflow_requests == {}


async def test_receipt_search_finds_shared_bill_numbers_and_refuses_other_stores(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press("slash", *DEMO.shared_bill_number, "enter")
        await settle(pilot)
        found = [
            c
            for c in app.screen._candidates.values()
            if c.bill_number == DEMO.shared_bill_number and c.check != "unchecked"
        ]
        stores = {c.store_name: c for c in found}
        assert set(stores) == {DEMO.store_name, DEMO.harbour_store_name}
        harbour = stores[DEMO.harbour_store_name]
        assert (
            not harbour.selectable
            and "this till claims only its own store's bills" in harbour.reason
        )


async def test_an_unknown_receipt_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press("slash", *"NOPE-1", "enter")
        await settle(pilot)
        assert "No bill 'NOPE-1' found" in reason_text(app)


async def test_a_scanned_receipt_on_the_claim_screen_searches_instead_of_looking_up(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await scan(pilot, DEMO.shared_bill_number)
        await settle(pilot)
        assert isinstance(app.screen, ClaimScreen)
        assert app.screen.query_one("#receipt").value == DEMO.shared_bill_number
        assert any(c.source == "search" for c in app.screen._candidates.values())


async def test_a_server_error_on_the_claim_is_an_unknown_outcome_kept_for_reconciliation(
    make_app, clock
):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        sandbox_state(app).faults.inject("/api_gateway/v2/request-workflow", "status", status=503)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimResultScreen)
        assert app.screen.outcome.unknown
        assert "No answer from the server" in str(app.screen.query_one("#result-heading").render())
        services = await app.services()
        await services.claims.stop_background()  # this test drives the checks itself
        first = await services.claims.reconcile()
        assert [(o.kind, o.posted) for o in first] == [("unknown", False)]  # may still land
        clock.at += services.claims.quiet_period
        outcomes = await services.claims.reconcile()
        # Never received: resent once by reconciliation, now on the server exactly once.
        assert [o.kind for o in outcomes] == ["sent"]
        candidate = app.screen.candidate
        assert len(sandbox_state(app).retro_requests.for_transaction(candidate.transaction_id)) == 1


async def test_rate_limiting_while_confirming_shows_what_to_do(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.services()
        sandbox_state(app).faults.inject(
            "/v2/transactions/", "rate_limit", count=50, retry_after=30
        )
        await pilot.press(*DEMO.omar.mobile, "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display and "busy" in str(panel.render())
        assert sandbox_state(app).workflow_requests == {}


async def test_an_unsent_claim_is_shown_on_the_home_screen_until_checked(make_app, clock):
    from tillui.screens.lookup import LookupScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        state = sandbox_state(app)
        state.faults.inject("/api_gateway/v2/request-workflow", "status", status=503)
        state.faults.inject("/v2/customers/", "status", count=20, status=503)  # reconcile fails too
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.outcome.unknown
        transaction_id = app.screen.candidate.transaction_id
        app.start_over()
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, LookupScreen)
                and app.screen.query_one("#lookup-unsent").display
            ),
        )
        assert "1 claim not yet confirmed" in str(app.screen.query_one("#lookup-unsent").render())
        state.faults.clear()
        app.action_check_unsent_claims()  # a first check: nothing there yet, wait
        await settle(pilot)
        assert app.screen.query_one("#lookup-unsent").display
        clock.at += (await app.services()).claims.quiet_period
        app.action_check_unsent_claims()  # a quiet period later, still nothing: resent
        await until(pilot, lambda: not app.screen.query_one("#lookup-unsent").display)
        # Never received (the 503 came before the server acted): resent once, on the server once.
        assert len(state.retro_requests.for_transaction(transaction_id)) == 1


async def test_a_bill_claimed_elsewhere_meanwhile_is_refused_by_the_server(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        candidate = highlighted(app)
        await pilot.press("enter")
        await settle(pilot)
        # Between the confirm dialog and Enter, another till claims the same bill.
        bill = sandbox_state(app).transactions.get(candidate.transaction_id)
        bill.type, bill.customer_id, bill.retro_txn = "REGULAR", DEMO.asha.customer_id, True
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimResultScreen)
        assert app.screen.outcome.refused
        assert "refused" in str(app.screen.query_one("#result-heading").render())
        assert str(app.screen.query_one("#result-message").render()).strip()


async def test_bad_journal_lines_are_reported_and_the_rest_listed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        services = await app.services()
        with services.settings.bills_journal.open("a") as journal:
            journal.write(
                '{"transactionId": 1, "billNumber": "X", "billingTime": "2026-11-23T09:00:00"}\n'
            )
        await pilot.press(*DEMO.omar.mobile, "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.query_one(BillsTable).row_count > 10
        assert any("line 1 from the end" in str(n.message) for n in notices(app))


async def test_a_rejected_bill_can_be_claimed_again_and_the_dialog_says_so(make_app):
    from tillui.sandbox.workflow import decide

    app = make_app(auto_approve=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        candidate = highlighted(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "Claim this bill" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.outcome.sent
        state = sandbox_state(app)
        (first,) = state.workflow_requests.values()
        decide(
            state,
            {
                "requestId": first.request_id,
                "actionName": "AdminTask",
                "payload": {
                    "AdminTask-Payload": {"actionDecision": "rejected", "actionMessage": "no"}
                },
            },
        )
        app.start_over()
        await settle(pilot)
        await open_claim(pilot, DEMO.omar.mobile)
        table = app.screen.query_one(BillsTable)
        table.move_cursor(row=table.get_row_index(str(candidate.transaction_id)))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmClaimDialog), (highlighted(app), reason_text(app))
        title = str(app.screen.query_one(".dialog-title").render())
        assert title.startswith("A claim of this bill was rejected on ") and "claim again?" in title
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.outcome.sent and app.screen.outcome.posted
        assert state.request_log.claim_posts() == {candidate.transaction_id: 2}
        assert sorted(
            r.status for r in state.retro_requests.for_transaction(candidate.transaction_id)
        ) == ["PENDING", "REJECTED"]
