"""The store manager at the till, through the real client against the sandbox: approve, reject,
a refused token, a claim already decided elsewhere, paging; the token held only for the visit."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr

from tests.conftest import until
from tillui.sandbox import DEMO
from tillui.screens.checker import CheckerScreen
from tillui.screens.dialogs.checker_access import CheckerAccessDialog
from tillui.screens.dialogs.checker_decision import CheckerDecisionDialog
from tillui.screens.dialogs.claim_details import FieldsDialog
from tillui.screens.lookup import LookupScreen
from tillui.widgets.error_panel import ErrorPanel
from tillui.wiring.demo import DEMO_MANAGER_PIN

SIZE = (80, 24)
MANUAL = {"manual_approval_store_ids": (DEMO.store_id,)}


def sandbox(app):
    return app.services_now.demo.sandbox.state.sandbox


def waiting_in_sandbox(app) -> int:
    return sum(1 for r in sandbox(app).workflow_requests.values() if r.state == "AdminTask")


async def settle(pilot) -> None:
    app = pilot.app
    await until(
        pilot,
        lambda: all(
            w.is_finished or isinstance(app.screen, (CheckerAccessDialog, CheckerDecisionDialog))
            for w in app.workers
        ),
    )
    await pilot.pause()


async def open_checker(pilot, secret: str = DEMO.checker_token, *, field: str = "token") -> None:
    app = pilot.app
    await app.services()
    await pilot.press("ctrl+o")  # key 1
    await until(pilot, lambda: isinstance(app.screen, CheckerAccessDialog))
    if field == "token" and app.screen.query("#checker-pin"):
        await pilot.press("tab")
    await pilot.press(*secret, "enter")
    await settle(pilot)


def checker(app) -> CheckerScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, CheckerScreen))
    return screen


async def test_the_manager_approves_with_the_pin_and_the_customer_sees_approved_then_success(
    make_app, clock
):
    app = make_app(execution_delay_seconds=5, **MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot, DEMO_MANAGER_PIN, field="pin")
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)
        assert screen.has_checker_token
        assert screen.view.total == 7 and len(screen.view.items) == 7
        first = screen.highlighted
        assert first.bill_number == "D1-400010"  # oldest first: Asha's, 6 days old
        assert first.amount is not None and first.till == DEMO.till_name
        await pilot.press("a")  # approve
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")  # confirm (no message needed)
        await settle(pilot)
        await until(pilot, lambda: screen.view.total == 6)
        result = str(screen.query_one("#checker-result").render())
        assert "D1-400010" in result and "Approved" in result
        assert waiting_in_sandbox(app) == 6

        client = app.services_now.client
        asha = DEMO.asha.customer_id

        async def status() -> str:
            page = await client.retro_requests(asha, limit=20)
            return next(r.status for r in page.items if r.transaction_id == first.transaction_id)

        assert await status() == "APPROVED"
        clock.at += timedelta(seconds=6)
        assert await status() == "SUCCESS"


async def test_the_manager_rejects_with_a_message_the_customer_reads(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot)
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)
        await pilot.press("down")
        chosen = screen.highlighted
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")  # an empty message is not enough to reject
        assert isinstance(app.screen, CheckerDecisionDialog)
        assert app.screen.query_one("#decision-problem").display
        await pilot.press(*"No receipt", "enter")
        await settle(pilot)
        await until(pilot, lambda: screen.view.total == 6)
        request = sandbox(app).workflow_requests[chosen.request_id]
        assert request.state == "rejected"
        assert request.retro_request.status == "REJECTED"
        assert request.retro_request.reason == "No receipt"
        assert "Rejected" in str(screen.query_one("#checker-result").render())


async def test_a_refused_token_changes_nothing_and_another_can_be_given(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot, "not-a-checker")
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)  # listing needs no checker token
        chosen = screen.highlighted
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.query_one(ErrorPanel)
        await until(pilot, lambda: panel.display)
        assert "refused" in str(panel.render())
        assert not screen.has_checker_token
        assert sandbox(app).workflow_requests[chosen.request_id].state == "AdminTask"
        assert screen.view.total == 7

        await pilot.press("a")  # asks for a token again, then goes on with the approval
        await until(pilot, lambda: isinstance(app.screen, CheckerAccessDialog))
        await pilot.press("tab", *DEMO.checker_token, "enter")
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: screen.view.total == 6)
        assert sandbox(app).workflow_requests[chosen.request_id].state == "approved"


async def test_the_makers_own_token_is_never_used_to_approve(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot, DEMO.workflow_token)
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)
        before = sandbox(app)._served
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.query_one(ErrorPanel)
        await until(pilot, lambda: panel.display)
        assert "own token" in str(panel.render())
        assert sandbox(app)._served == before  # refused before anything was sent
        assert waiting_in_sandbox(app) == 7


async def test_a_claim_decided_meanwhile_by_someone_else_is_told_and_nothing_is_lost(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot)
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)
        chosen = screen.highlighted
        # Another manager rejects it at the web console while this one reads the bill.
        await app.services_now.client.decide_workflow_request(
            chosen.request_id,
            approve=False,
            message="Duplicate receipt",
            checker_token=SecretStr(DEMO.checker_token),
        )
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CheckerDecisionDialog))
        await pilot.press("enter")
        await settle(pilot)
        result = screen.query_one("#checker-result")
        await until(pilot, lambda: result.display)
        text = str(result.render())
        assert "Already decided by someone else" in text and "Duplicate receipt" in text
        assert sandbox(app).workflow_requests[chosen.request_id].state == "rejected"
        assert screen.has_checker_token
        await until(pilot, lambda: screen.view.total == 6)


async def test_pages_of_waiting_claims_and_the_bill_one_key_away(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await app.services()
        app.push_screen(CheckerScreen(page_size=3))
        await until(pilot, lambda: isinstance(app.screen, CheckerAccessDialog))
        await pilot.press("tab", *DEMO.checker_token, "enter")
        await settle(pilot)
        screen = checker(app)
        await until(pilot, lambda: screen.view is not None)
        seen = [c.request_id for c in screen.view.items]
        assert "page 1 of 3" in str(screen.query_one("#checker-status").render())
        await pilot.press("pagedown")
        await settle(pilot)
        await until(pilot, lambda: screen.view.page == 2)
        seen += [c.request_id for c in screen.view.items]
        await pilot.press("n")
        await settle(pilot)
        await until(pilot, lambda: screen.view.page == 3)
        seen += [c.request_id for c in screen.view.items]
        assert len(seen) == len(set(seen)) == 7
        starts = [sandbox(app).workflow_requests[r].start_time for r in seen]
        assert starts == sorted(starts)  # oldest first across pages
        await pilot.press("pagedown")  # nothing after the last page
        assert screen.view.page == 3
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FieldsDialog))
        fields = dict((label, str(value)) for label, value in app.screen.rows)
        assert fields["Bill number"] == screen.highlighted.bill_number
        assert fields["Customer"].startswith("*****") and fields["Amount"]
        await pilot.press("escape")
        assert app.screen is screen


async def test_the_token_is_dropped_on_leaving_and_on_the_idle_reset(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await open_checker(pilot)
        screen = checker(app)
        assert screen.has_checker_token
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        assert not screen.has_checker_token

        await open_checker(pilot)
        again = checker(app)
        assert again is not screen and again.has_checker_token
        app.start_over()  # what the idle reset and a kiosk reset do
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        await until(pilot, lambda: not again.has_checker_token)

        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, CheckerAccessDialog))
        await pilot.press("escape")  # no token: back where the manager came from
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))


async def test_a_wrong_pin_is_told_and_does_not_open(make_app):
    app = make_app(**MANUAL)
    async with app.run_test(size=SIZE) as pilot:
        await app.services()
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, CheckerAccessDialog))
        dialog = app.screen
        await pilot.press(*"1111", "enter")
        problem = dialog.query_one("#checker-access-problem")
        await until(pilot, lambda: problem.display)
        assert "Wrong PIN" in str(problem.render()) and "4 tries left" in str(problem.render())
        assert app.screen is dialog
