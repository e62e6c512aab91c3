"""Snapshots of the requests screen and its detail view at 80x24 (fixed clock, seeded sandbox)."""

from __future__ import annotations

from tests.conftest import until
from tests.test_requests_flow import SIZE, open_requests, sandbox_state, settle
from tillui.sandbox import DEMO


async def _asha_with_a_claim_made_here(pilot) -> None:
    app = pilot.app
    await app.services()
    claimed = sandbox_state(app).retro_requests.page(DEMO.asha.customer_id, 1, 1)[0]
    app.session.claimed_transaction_ids.add(claimed.transaction_id)
    screen = await open_requests(pilot, DEMO.asha.mobile)
    await until(pilot, lambda: not screen.bills_pending)  # the bill numbers come a moment later
    await settle(pilot)


def test_requests_screen(snap_compare, make_app) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_asha_with_a_claim_made_here)


def test_request_detail(snap_compare, make_app) -> None:
    async def open_detail(pilot) -> None:
        await _asha_with_a_claim_made_here(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_detail)
