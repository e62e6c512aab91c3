"""This till's claims, through the real client, outbox and sandbox: one approved and one rejected
by the manager show their server states; hundreds of claims page; an unconfirmed one is checked
now; and the requests of typed identifiers open from the lookup form in one call."""

from __future__ import annotations

from tests.conftest import until
from tillui.sandbox import DEMO
from tillui.screens.checker import CheckerScreen
from tillui.screens.claim import BillsTable, ClaimScreen
from tillui.screens.claim_result import ClaimResultScreen
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.checker_access import CheckerAccessDialog
from tillui.screens.dialogs.checker_decision import CheckerDecisionDialog
from tillui.screens.dialogs.claim_details import FieldsDialog
from tillui.screens.dialogs.confirm_claim import ConfirmClaimDialog
from tillui.screens.lookup import LookupScreen
from tillui.screens.requests import RequestsScreen
from tillui.screens.till_claims import TillClaimsScreen

SIZE = (80, 24)
MANUAL = {"manual_approval_store_ids": (DEMO.store_id,)}
DIALOGS = (ConfirmClaimDialog, CheckerAccessDialog, CheckerDecisionDialog)


async def settle(pilot) -> None:
    app = pilot.app
    await until(
        pilot,
        lambda: all(
            w.is_finished or w.name == "_choose" or isinstance(app.screen, DIALOGS)
            for w in app.workers
        ),
    )
    await pilot.pause()


async def claim_first_bill(pilot, mobile: str) -> int:
    """Look up, claim the first claimable bill; back on the lookup screen. Its transaction."""
    app = pilot.app
    await pilot.press(*mobile, "enter")
    await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, ClaimScreen))
    await settle(pilot)
    table = app.screen.query_one(BillsTable)
    claimed = app.session.claimed_transaction_ids

    def unusable() -> bool:
        candidate = app.screen._highlighted()
        return not candidate.selectable or candidate.transaction_id in claimed

    while unusable():  # the newest may be claimed already
        table.move_cursor(row=table.cursor_row + 1)
        await pilot.pause()
    transaction_id = app.screen._highlighted().transaction_id
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmClaimDialog))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ClaimResultScreen))
    await settle(pilot)
    app.start_over()
    await until(pilot, lambda: isinstance(app.screen, LookupScreen))
    return transaction_id


def till_claims(app) -> TillClaimsScreen:
    assert isinstance(app.screen, TillClaimsScreen)
    return app.screen


async def test_approved_and_rejected_claims_show_their_server_states(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await app.services()
        approved_bill = await claim_first_bill(pilot, DEMO.omar.mobile)
        rejected_bill = await claim_first_bill(pilot, DEMO.ravi.mobile)

        await pilot.press("ctrl+o", "tab", *DEMO.checker_token, "enter")
        await until(pilot, lambda: isinstance(app.screen, CheckerScreen))
        checker = app.screen
        await until(pilot, lambda: checker.view is not None)
        assert checker.view.total == 9  # 7 seeded + our 2, newest last
        for bill, keys in (
            (approved_bill, ("a", "enter")),
            (rejected_bill, ("r", *"Torn receipt", "enter")),
        ):
            row = next(n for n, c in enumerate(checker.view.items) if c.transaction_id == bill)
            total = checker.view.total
            checker.query_one("#checker-table").move_cursor(row=row)
            await pilot.press(keys[0])
            await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
            await pilot.press(*keys[1:])
            await settle(pilot)
            await until(pilot, lambda total=total: checker.view.total == total - 1)
        await pilot.press("escape")

        await pilot.press("ctrl+l")  # the cashier: one key
        await until(pilot, lambda: isinstance(app.screen, TillClaimsScreen))
        screen = till_claims(app)
        await until(pilot, lambda: screen.view is not None)
        by_bill = {c.record.transaction_id: c for c in screen.view.items}
        assert by_bill[approved_bill].local_words == "sent"
        assert by_bill[approved_bill].server_words == "approved"
        assert by_bill[rejected_bill].server_words == "rejected"
        assert by_bill[rejected_bill].reason == "Torn receipt"
        assert screen.view.items[0].record.transaction_id == rejected_bill  # newest first
        reason = screen.query_one("#till-claims-reason")
        assert "Torn receipt" in str(reason.render())
        # The new server state is kept: shown even when the server cannot be asked.
        stored = app.services_now.claims.outbox.for_transaction(approved_bill)
        assert stored.server_state == "approved"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FieldsDialog))
        fields = {label: str(value) for label, value in app.screen.rows}
        assert fields["On the server"] == "rejected" and fields["Reason"] == "Torn receipt"


async def test_hundreds_of_claims_page_and_the_server_is_asked_a_bounded_number_of_times(
    make_app,
):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        services = await app.services()
        outbox = services.claims.outbox
        for n in range(300):
            record = outbox.enqueue(
                till_id=services.settings.till_id,
                customer_id=565040001 + n % 20,
                transaction_id=900000 + n,
                bill_number=f"X-{n:05d}",
                amount="100.00",
                notes="",
                body={},
            )
            outbox.mark_sending(record.id)
            outbox.mark_sent(record.id, request_id=f"gone-{n}", server_state="AdminTask")
        state = services.demo.sandbox.state.sandbox
        served = state._served
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, TillClaimsScreen))
        screen = till_claims(app)
        await until(pilot, lambda: screen.view is not None)
        assert state._served - served <= 4  # one page of claims: a bounded list walk
        assert screen.view.total == 300 and screen.view.page_count == 25
        assert screen.view.items[0].record.bill_number == "X-00299"
        assert screen.view.items[0].server_words == "waiting for approval"  # stored one
        await pilot.press("end")
        await until(pilot, lambda: screen.view.index == 24)
        assert [c.record.bill_number for c in screen.view.items][-1] == "X-00000"
        await pilot.press("pageup")
        await until(pilot, lambda: screen.view.index == 23)
        assert "page 24 of 25" in str(screen.query_one("#till-claims-status").render())


async def test_an_unconfirmed_claim_is_checked_now_with_one_key(make_app):
    from tillui.api import build_retro_claim

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        services = await app.services()
        await until(pilot, lambda: all(w.is_finished for w in app.workers))  # start-up check
        state = services.demo.sandbox.state.sandbox
        omar = state.customers.get(DEMO.omar.customer_id)
        bill = next(
            state.transactions.get(i)
            for i in reversed(state.journal_transaction_ids)
            if state.transactions.get(i).billing_time > omar.registered_at
        )
        outbox = services.claims.outbox
        record = outbox.enqueue(
            till_id=services.settings.till_id,
            customer_id=omar.id,
            transaction_id=bill.id,
            bill_number=bill.bill_number,
            amount=str(bill.amount),
            notes="",
            body={},
        )
        outbox.mark_sending(record.id)
        # The POST reached the server, but its answer was lost on the way back.
        claim = build_retro_claim(
            services.settings, services.secrets, transaction_id=bill.id, customer_id=omar.id
        )
        made = await services.client.submit_retro_claim(claim)
        outbox.mark_unknown(record.id, error="No answer within 14 s")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, TillClaimsScreen))
        screen = till_claims(app)
        await until(pilot, lambda: screen.view is not None)
        first = screen.view.items[0]
        assert first.record.id == record.id
        if first.local_words == "being checked":  # not yet settled by the background check
            assert "No answer" in first.reason
        await pilot.press("c")
        await until(
            pilot,
            lambda: screen.view is not None and screen.view.items[0].local_words == "sent",
        )
        assert screen.view.items[0].record.request_id == made.request_id
        assert screen.view.items[0].server_words == "approved"
        assert len(state.workflow_requests) == 1  # found, never sent again


async def test_requests_by_typed_identifiers_in_one_call_without_a_lookup(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        services = await app.services()
        state = services.demo.sandbox.state.sandbox
        logged = len(state.request_log.entries)

        def calls() -> int:
            # Besides the list, only the bill numbers of its transactions are read (one GET
            # each, cached: tillui/claims/bill_numbers.py).
            entries = state.request_log.entries[logged:]
            return sum(not e.path.startswith("/v2/transactions/") for e in entries)

        await pilot.press(*DEMO.asha.mobile, "ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, RequestsScreen))
        screen = app.screen
        await until(pilot, lambda: screen.view is not None)
        assert calls() == 1
        assert app.session.lookup is None  # no customer details were loaded
        assert screen.view.total == 12
        title = str(screen.query_one("#requests-title").render())
        assert DEMO.asha.mobile not in title and "0001" in title
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await pilot.press("ctrl+u", "ctrl+r")  # nothing typed: said, nothing sent
        assert isinstance(app.screen, LookupScreen)
        assert calls() == 1
