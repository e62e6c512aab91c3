"""The smaller counter items of issue 10, each with the test that shows it fixed."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from tests.conftest import services_ready, until
from tests.screen_text import notices
from tests.test_flow_claim import SIZE, highlighted, open_claim, settle
from tillui.sandbox import DEMO
from tillui.screens.claim import BillsTable
from tillui.screens.claim_result import ClaimResultScreen
from tillui.screens.dialogs.confirm_claim import ConfirmClaimDialog
from tillui.screens.lookup import LookupScreen
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.note_input import NOTE_MAX, NoteInput


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def claim_first_bill(pilot) -> ClaimResultScreen:
    await open_claim(pilot, DEMO.omar.mobile)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ClaimResultScreen) and screen.outcome.sent
    return screen


async def test_f5_on_the_claim_result_shows_that_it_refreshed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await claim_first_bill(pilot)
        assert "checked" not in text_of(screen, "#result-state")
        await pilot.press("f5")
        await settle(pilot)
        assert "checked 10:00:00" in text_of(screen, "#result-state")
        assert any("refreshed" in (n.title or "") for n in notices(app))


async def test_the_state_is_not_said_twice(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await claim_first_bill(pilot)
        screen._show_state("approved")
        said = text_of(screen, "#result-state")
        assert said.lower().count("approved") == 1, said
        assert "points are being added" in said
        screen._show_state("AdminTask")
        assert "supervisor" in text_of(screen, "#result-state")


async def test_a_found_receipt_keeps_its_currency(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.asha.mobile)
        table = app.screen.query_one(BillsTable)
        first = highlighted(app)
        assert first.currency == "INR"
        await pilot.press("slash", *first.bill_number, "enter")
        await settle(pilot)
        found = highlighted(app)
        assert found.source == "search" and found.transaction_id == first.transaction_id
        assert found.currency == "INR"
        amount = table.get_cell(str(found.transaction_id), "amount").plain
        assert amount.startswith("INR ")


async def test_a_found_receipt_outside_the_journal_takes_the_tills_currency() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal
    from types import SimpleNamespace

    from tillui.api.models import Transaction
    from tillui.claims.candidates import Candidate, ClaimContext, search_receipt
    from tillui.claims.limits import LimitVerdict
    from tillui.config.settings import Settings

    now = datetime(2026, 11, 23, tzinfo=UTC)
    transaction = Transaction.model_validate(
        {
            "id": 77,
            "type": "NOT_INTERESTED",
            "billDetails": {"amount": 10, "billNumber": "X-77", "billingTime": now.isoformat()},
        }
    )

    async def by_bill(_number: str):
        return [transaction]

    client = SimpleNamespace(transactions_by_bill_number=by_bill)
    settings = Settings(api_base_url="https://intouch.test", username="u")
    context = ClaimContext(settings, None, now)
    journal_bill = Candidate(
        1, "J-1", now, Decimal(5), "EUR", "journal", LimitVerdict(True, None, None)
    )
    assert (await search_receipt(client, "X-77", context))[0].currency is None
    found = await search_receipt(client, "X-77", context, known=[journal_bill])
    assert found[0].currency == "EUR"


async def test_toasts_do_not_cover_the_unsent_claims_line(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await until(pilot, lambda: all(w.is_finished for w in app.workers))
        lookup = app.screen
        assert isinstance(lookup, LookupScreen)
        lookup.show_unsent_claims(2)
        for n in range(5):
            app.notify(f"Claim of bill D1-10004{n} settled: approved. " * 2, title="Claim")
        await until(pilot, lambda: len(app.screen.query("Toast")) == 5)
        await pilot.pause()
        line = lookup.query_one("#lookup-unsent").region
        toasts = [toast.region for toast in app.screen.query("Toast")]
        assert line.area
        assert all(not toast.overlaps(line) for toast in toasts)


async def test_a_long_paste_into_the_note_is_cut_with_a_message(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmClaimDialog)
        note = app.screen.query_one(NoteInput)
        note.post_message(events.Paste("n" * 10_000))
        await pilot.pause()
        assert note.value == "n" * NOTE_MAX
        assert f"cut to {NOTE_MAX} characters" in str(note.border_subtitle)
        await pilot.press("escape")
        await settle(pilot)


async def test_not_found_shows_the_support_reference_and_no_add_the_mobile(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.press(*"919800009999", "enter")
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display)
        said = str(app.screen.query_one(ErrorPanel).render())
        assert "No customer found" in said
        assert "Support reference: " in said
        assert "add the customer's primary identifier" not in said
        assert "mobile" in said  # it says what to check instead
