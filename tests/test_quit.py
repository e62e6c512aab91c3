"""Ctrl+Q asks first when a claim is in flight or not yet confirmed by the server."""

from __future__ import annotations

from tests.conftest import services_ready, until
from tests.test_flow_claim import open_claim, sandbox_state, settle
from tillui.sandbox import DEMO
from tillui.screens.claim_result import ClaimResultScreen
from tillui.screens.dialogs.confirm_quit import ConfirmQuitDialog, QuitQuestion

SIZE = (80, 24)


async def test_quit_with_nothing_pending_quits_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code is not None)
        assert not isinstance(app.screen, ConfirmQuitDialog)


async def unconfirmed_claim(pilot) -> None:
    """Claim a bill while the server fails: the claim stays unconfirmed in the outbox."""
    app = pilot.app
    await open_claim(pilot, DEMO.omar.mobile)
    state = sandbox_state(app)
    state.faults.inject("/api_gateway/v2/request-workflow", "status", status=503)
    state.faults.inject("/v2/customers/", "status", count=20, status=503)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ClaimResultScreen) and app.screen.outcome.unknown


async def test_quit_with_an_unconfirmed_claim_asks_and_says_what_happens_to_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unconfirmed_claim(pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmQuitDialog))
        text = " ".join(str(s.render()) for s in app.screen.query(".dialog-text"))
        assert "1 claim is not yet confirmed" in text
        assert "outbox keeps every claim" in text and "next start" in text
        await pilot.press("escape")  # stay
        await until(pilot, lambda: isinstance(app.screen, ClaimResultScreen))
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmQuitDialog))
        await pilot.press("enter")  # quit anyway
        await until(pilot, lambda: app.return_code is not None)


async def test_a_scan_never_answers_the_quit_question(make_app):
    from tests.conftest import scan

    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await unconfirmed_claim(pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmQuitDialog))
        await scan(pilot, "CARD0001")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmQuitDialog) and app.return_code is None


def test_a_claim_being_sent_is_named_in_the_question():
    lines = QuitQuestion(sending=1, unconfirmed=0).lines()
    assert lines[0].startswith("A claim is being sent right now")
    assert "checks it with Intouch at the next start" in lines[-1]


async def test_quit_while_a_claim_is_being_sent_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        # The gateway holds the claim far longer than the test runs: it is in flight throughout.
        sandbox_state(app).faults.inject(
            "/api_gateway/v2/request-workflow", "delay", delay_seconds=60
        )
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # confirm: the claim is on its way
        await until(pilot, lambda: app.services_now.claims.sending_count == 1)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmQuitDialog))
        text = " ".join(str(s.render()) for s in app.screen.query(".dialog-text"))
        assert "being sent right now" in text
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ConfirmQuitDialog))
        assert app.return_code is None


async def test_ctrl_q_answers_on_the_claims_confirm_dialog(make_app):
    from tillui.screens.dialogs.confirm_claim import ConfirmClaimDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmClaimDialog))
        await pilot.press("ctrl+q")  # the note field has the focus: still answers
        await until(pilot, lambda: app.return_code is not None)


async def test_a_claims_answer_never_opens_over_the_quit_question(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim(pilot, DEMO.omar.mobile)
        sandbox_state(app).faults.inject(
            "/api_gateway/v2/request-workflow", "delay", delay_seconds=1.5
        )
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: app.services_now.claims.sending_count == 1)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmQuitDialog))
        await until(pilot, lambda: app.services_now.claims.sending_count == 0, timeout=10)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmQuitDialog)  # the question the cashier reads
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClaimResultScreen))
