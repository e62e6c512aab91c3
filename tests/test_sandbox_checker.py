"""The sandbox's checker side: a separate CanCheckRequest token, the maker's refused, a store
whose claims wait for a checker, and decisions moving the customer's list."""

from __future__ import annotations

from tillui.sandbox import DEMO

from .test_sandbox_support import (
    CLAIM_PATH,
    GATEWAY,
    Clock,
    basic,
    claim_body,
    client,
    error_code,
    make_app,
    state_of,
)

CHECKER = {**GATEWAY, "X-CAP-UI-AUTH-TOKEN": DEMO.checker_token}
MANUAL = {"manual_approval_store_ids": (DEMO.store_id,)}


def _decision(request_id: str, decision: str, message: str = "") -> dict:
    return {
        "requestId": request_id,
        "actionName": "AdminTask",
        "payload": {"AdminTask-Payload": {"actionDecision": decision, "actionMessage": message}},
    }


def _recent_bill(app, customer_id: int):
    state = state_of(app)
    registered = state.customers.get(customer_id).registered_at
    bills = [state.transactions.get(i) for i in reversed(state.journal_transaction_ids)]
    return next(b for b in bills if b.billing_time > registered)


async def _status(http, customer_id: int, transaction_id: int) -> tuple[str, str]:
    response = await http.get(
        f"/v2/customers/{customer_id}/retroRequest",
        params={"changeType": "RETRO", "limit": "50"},
        headers={"Authorization": basic()},
    )
    [found] = [r for r in response.json()["data"] if r["transactionId"] == transaction_id]
    return found["status"], found["reason"]


async def test_the_makers_token_cannot_decide_and_nothing_changes():
    app = make_app(**MANUAL)
    omar = DEMO.omar.customer_id
    bill = _recent_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        as_maker = await http.put(CLAIM_PATH, json=_decision(created["requestId"], "approved"))
        stranger = {**GATEWAY, "X-CAP-UI-AUTH-TOKEN": "someone-else"}
        as_stranger = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "approved"), headers=stranger
        )
        other_org = await http.put(
            CLAIM_PATH,
            json=_decision(created["requestId"], "approved"),
            headers={**CHECKER, "X-CAP-API-AUTH-ORG-ID": "999"},
        )
        status = await _status(http, omar, bill.id)
    assert created["state"] == "AdminTask"
    assert as_maker.status_code == 403 and error_code(as_maker) == 99207
    assert "CanCheckRequest" in as_maker.json()["errors"][0]["message"]
    assert as_stranger.status_code == 401 and other_org.status_code == 401
    assert status == ("PENDING", "")
    assert state_of(app).workflow_requests[created["requestId"]].state == "AdminTask"
    assert bill.type == "NOT_INTERESTED"


async def test_only_the_listed_store_waits_for_a_checker():
    app = make_app(**MANUAL)  # auto_approve stays on for every other store
    state = state_of(app)
    omar = DEMO.omar.customer_id
    harbour_bill = next(
        t
        for t in state.transactions
        if t.till.id == DEMO.harbour_till_id and t.type == "NOT_INTERESTED"
    )
    harbour_bill.billing_time = _recent_bill(app, omar).billing_time
    async with client(app, **GATEWAY) as http:
        here = await http.post(CLAIM_PATH, json=claim_body(_recent_bill(app, omar).id, omar))
        there = await http.post(
            CLAIM_PATH, json=claim_body(harbour_bill.id, omar, till_id=DEMO.harbour_till_id)
        )
    assert here.json()["data"]["state"] == "AdminTask"
    assert there.json()["data"]["state"] == "approved"


async def test_approval_shows_approved_then_success_after_the_execution_delay():
    clock = Clock()
    app = make_app(clock, execution_delay_seconds=5, **MANUAL)
    omar = DEMO.omar.customer_id
    bill = _recent_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        decided = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "approved", "ok"), headers=CHECKER
        )
        right_after = await _status(http, omar, bill.id)
        clock.advance(seconds=6)
        later = await _status(http, omar, bill.id)
        read = await http.get(f"/api_gateway/v2/request-workflow/requests/{created['requestId']}")
    assert decided.json()["data"]["state"] == "approved"
    assert decided.json()["data"]["details"]["AdminTask-Payload"]["actionDecision"] == "approved"
    assert right_after == ("APPROVED", "")
    assert later == ("SUCCESS", "")
    assert read.json()["data"]["state"] == "approved"
    assert bill.type == "REGULAR" and bill.customer_id == omar


async def test_rejection_shows_rejected_with_the_message():
    app = make_app(**MANUAL)
    omar = DEMO.omar.customer_id
    bill = _recent_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        await http.put(
            CLAIM_PATH,
            json=_decision(created["requestId"], "rejected", "No receipt"),
            headers=CHECKER,
        )
        status = await _status(http, omar, bill.id)
        again = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "approved"), headers=CHECKER
        )
    assert status == ("REJECTED", "No receipt")
    assert again.status_code == 409 and error_code(again) == 99205


async def test_an_approved_claim_that_fails_to_execute_is_failure_with_its_reason():
    app = make_app(**MANUAL)
    omar = DEMO.omar.customer_id
    bill = _recent_bill(app, omar)
    body = claim_body(bill.id, omar, authorization=basic(password="stale"))
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=body)).json()["data"]
        decided = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "approved"), headers=CHECKER
        )
        status = await _status(http, omar, bill.id)
    data = decided.json()["data"]
    assert data["state"] == "failed"
    assert data["details"]["IntouchAPITask_Output"]["message"].startswith("401")
    assert status[0] == "FAILURE" and status[1].startswith("401")


def test_claims_already_waiting_are_seeded_only_where_a_checker_is_needed():
    waiting = state_of(make_app(**MANUAL)).workflow_requests
    assert not state_of(make_app()).workflow_requests
    assert len(waiting) == 7
    assert all(r.state == "AdminTask" for r in waiting.values())
    asha = [r for r in waiting.values() if r.retro_request.customer_id == DEMO.asha.customer_id]
    assert len(asha) == 3 and all(r.retro_request.status == "PENDING" for r in asha)
    assert all(r.retro_request.added_by.id == DEMO.till_id for r in waiting.values())
