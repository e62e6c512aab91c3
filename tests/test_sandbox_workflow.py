from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tillui.sandbox import DEMO

from .test_sandbox_support import (
    CLAIM_PATH,
    GATEWAY,
    NOW,
    basic,
    claim_body,
    client,
    error_code,
    make_app,
    state_of,
)

IST = timezone(timedelta(hours=5, minutes=30))
CHECKER = {**GATEWAY, "X-CAP-UI-AUTH-TOKEN": DEMO.checker_token}
DATA_KEYS = {
    "requestId",
    "userId",
    "userName",
    "requestType",
    "state",
    "startTime",
    "endTime",
    "details",
}


def _claimable_bill(app, customer_id: int, *, skip: int = 0):
    """A recent journal bill billed after the customer registered."""
    state = state_of(app)
    registered = state.customers.get(customer_id).registered_at
    bills = [state.transactions.get(i) for i in reversed(state.journal_transaction_ids)]
    return [b for b in bills if b.billing_time > registered][skip]


def _decision(request_id: str, decision: str, message: str = "checked") -> dict:
    return {
        "requestId": request_id,
        "actionName": "AdminTask",
        "payload": {"AdminTask-Payload": {"actionDecision": decision, "actionMessage": message}},
    }


async def _requests(http, customer_id: int) -> list[dict]:
    response = await http.get(
        f"/v2/customers/{customer_id}/retroRequest",
        params={"changeType": "RETRO"},
        headers={"Authorization": basic()},
    )
    return response.json()["data"]


async def test_auto_approved_claim_changes_bill_points_and_requests():
    app = make_app()
    state = state_of(app)
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    points_before = state.customers.get(omar).programs[0].main_points
    body = claim_body(bill.id, omar)
    async with client(app, **GATEWAY) as http:
        response = await http.post(CLAIM_PATH, json=body)
        data = response.json()["data"]
        read = await http.get(f"/api_gateway/v2/request-workflow/requests/{data['requestId']}")
        requests = await _requests(http, omar)
        again = await http.post(CLAIM_PATH, json=body)
    assert response.status_code == 200
    assert set(data) == DATA_KEYS
    uuid.UUID(data["requestId"])
    assert data["requestType"] == "retro-transaction"
    assert data["state"] == "approved"
    assert (data["userId"], data["userName"]) == (DEMO.workflow_user_id, DEMO.workflow_user_name)
    assert data["startTime"] == NOW.strftime("%Y-%m-%dT%H:%M:%S") and data["endTime"] is not None
    details = data["details"]
    assert details["IntouchAPITask-Payload"] == body["payload"]["IntouchAPITask-Payload"]
    assert (
        details["ValidateMakerAccess_Output"] is True and details["ValidatePayload_Output"] is True
    )
    assert read.json() == response.json()

    assert (bill.type, bill.customer_id, bill.retro_txn) == ("REGULAR", omar, True)
    assert state.customers.get(omar).programs[0].main_points == points_before + int(bill.amount)
    [listed] = requests
    assert listed["status"] == "SUCCESS"
    assert (listed["transactionId"], listed["userId"]) == (bill.id, omar)
    assert (
        listed["addedBy"]["id"] == DEMO.till_id and listed["addedByParent"]["id"] == DEMO.store_id
    )
    assert listed["comments"] == "claimed at the till" and isinstance(listed["requestId"], int)
    # No idempotency key: a second claim is a second request, whose execution fails.
    assert again.status_code == 200 and again.json()["data"]["state"] == "failed"
    assert len(state.workflow_requests) == 2 and bill.customer_id == omar


async def test_refuse_duplicates_option_refuses_at_post():
    app = make_app(refuse_duplicates=True)
    omar = DEMO.omar.customer_id
    body = claim_body(_claimable_bill(app, omar).id, omar)
    async with client(app, **GATEWAY) as http:
        await http.post(CLAIM_PATH, json=body)
        again = await http.post(CLAIM_PATH, json=body)
    assert again.status_code == 409 and error_code(again) == 99104
    assert len(state_of(app).workflow_requests) == 1


async def test_second_pending_claim_is_accepted_and_fails_after_the_first_is_approved():
    app = make_app(auto_approve=False)
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        first = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        second = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        await http.put(CLAIM_PATH, json=_decision(first["requestId"], "approved"), headers=CHECKER)
        late = await http.put(
            CLAIM_PATH, json=_decision(second["requestId"], "approved"), headers=CHECKER
        )
        statuses = sorted(r["status"] for r in await _requests(http, omar))
    assert second["state"] == "AdminTask"
    assert late.json()["data"]["state"] == "failed"
    assert statuses == ["FAILURE", "SUCCESS"]


async def test_manual_approval_then_checker_approves():
    app = make_app(auto_approve=False, refuse_duplicates=True)
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        pending = await _requests(http, omar)
        duplicate = await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))
        approved = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "approved"), headers=CHECKER
        )
        done = await _requests(http, omar)
        twice = await http.put(
            CLAIM_PATH, json=_decision(created["requestId"], "rejected"), headers=CHECKER
        )
    assert created["state"] == "AdminTask" and created["endTime"] is None
    assert [r["status"] for r in pending] == ["PENDING"]
    assert error_code(duplicate) == 99105
    assert approved.json()["data"]["state"] == "approved"
    assert approved.json()["data"]["endTime"] is not None
    assert [r["status"] for r in done] == ["SUCCESS"]
    assert bill.type == "REGULAR"
    assert twice.status_code == 409 and error_code(twice) == 99205


async def test_checker_rejects_and_the_bill_can_be_claimed_again():
    app = make_app(auto_approve=False)
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        created = (await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))).json()["data"]
        rejected = await http.put(
            CLAIM_PATH,
            json=_decision(created["requestId"], "rejected", "Receipt not shown"),
            headers=CHECKER,
        )
        listed = await _requests(http, omar)
        retry = await http.post(CLAIM_PATH, json=claim_body(bill.id, omar))
    assert rejected.json()["data"]["state"] == "rejected"
    assert rejected.json()["data"]["details"]["AdminTask-Payload"] == {
        "actionDecision": "rejected",
        "actionMessage": "Receipt not shown",
    }
    assert listed[0]["status"] == "REJECTED" and listed[0]["reason"] == "Receipt not shown"
    assert bill.type == "NOT_INTERESTED"
    assert retry.json()["data"]["state"] == "AdminTask"


async def test_execution_failure_marks_the_request_failed():
    app = make_app()
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    body = claim_body(bill.id, omar, authorization=basic(password="stale"))
    async with client(app, **GATEWAY) as http:
        data = (await http.post(CLAIM_PATH, json=body)).json()["data"]
        listed = await _requests(http, omar)
    assert data["state"] == "failed"
    assert listed[0]["status"] == "FAILURE" and listed[0]["reason"].startswith("401")
    assert bill.type == "NOT_INTERESTED"


async def test_oauth_token_in_the_payload_executes():
    app = make_app()
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        token = (
            await http.post(
                "/v3/oauth/token/generate",
                json={"key": DEMO.oauth_key, "secret": DEMO.oauth_secret},
            )
        ).json()["data"]["accessToken"]
        body = claim_body(bill.id, omar)
        headers = body["payload"]["IntouchAPITask-Payload"]["headers"]
        del headers["Authorization"]
        headers["X-CAP-API-OAUTH-TOKEN"] = token
        data = (await http.post(CLAIM_PATH, json=body)).json()["data"]
    assert data["state"] == "approved" and bill.type == "REGULAR"


async def test_claim_at_the_harbour_till_is_attributed_to_its_store():
    app = make_app(auto_approve=False)
    omar = DEMO.omar.customer_id
    bill = _claimable_bill(app, omar)
    async with client(app, **GATEWAY) as http:
        await http.post(CLAIM_PATH, json=claim_body(bill.id, omar, till_id=DEMO.harbour_till_id))
        [listed] = await _requests(http, omar)
    assert listed["addedBy"]["id"] == DEMO.harbour_till_id
    assert listed["addedByParent"]["id"] == DEMO.harbour_store_id
    assert listed["addedByParent"]["name"] == "Harbour Store"


@pytest.mark.parametrize(
    ("billed", "allowed"),
    [
        (datetime(2025, 6, 15, 11, 30, tzinfo=IST), True),  # 06:00 UTC
        (datetime(2025, 6, 15, 6, 0, 1, tzinfo=UTC), True),
        (datetime(2025, 6, 15, 11, 29, 59, tzinfo=IST), False),  # 05:59:59 UTC
        (datetime(2025, 6, 15, 11, 29, tzinfo=IST), False),  # 05:59 UTC
    ],
)
async def test_registration_delay_boundary_document_002(billed, allowed):
    # Registration 09:00, delay 3 h; bill stored in +05:30, server answering in -04:00.
    app = make_app(auto_approve=False, server_utc_offset="-04:00", retro_delay_hours=3)
    state = state_of(app)
    omar = state.customers.get(DEMO.omar.customer_id)
    omar.registered_at = datetime(2025, 6, 15, 9, 0, tzinfo=UTC)
    bill = state.transactions.get(state.journal_transaction_ids[-1])
    bill.billing_time = billed
    async with client(app, **GATEWAY) as http:
        response = await http.post(CLAIM_PATH, json=claim_body(bill.id, omar.id))
    if allowed:
        assert response.json()["data"]["state"] == "AdminTask"
    else:
        assert response.status_code == 400 and error_code(response) == 99107


@pytest.mark.parametrize(
    ("age", "allowed"), [(timedelta(days=30), True), (timedelta(days=30, seconds=1), False)]
)
async def test_max_age_boundary(age, allowed):
    app = make_app(auto_approve=False)
    state = state_of(app)
    asha = DEMO.asha.customer_id
    bill = state.transactions.get(state.journal_transaction_ids[-1])
    bill.billing_time = NOW - age
    async with client(app, **GATEWAY) as http:
        response = await http.post(CLAIM_PATH, json=claim_body(bill.id, asha))
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert error_code(response) == 99106


async def test_recently_registered_customer_and_the_seeded_journal():
    # Nikhil registered an hour ago: bills billed after (registration - 3 h) only.
    app = make_app(auto_approve=False)
    state = state_of(app)
    nikhil = DEMO.nikhil.customer_id
    bills = [state.transactions.get(i) for i in state.journal_transaction_ids[-4:]]
    async with client(app, **GATEWAY) as http:
        codes = [
            (await http.post(CLAIM_PATH, json=claim_body(b.id, nikhil))).status_code for b in bills
        ]
    assert codes == [400, 200, 200, 200]


def _without(body: dict, *path: str) -> dict:
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda b: _without(b, "entityInfo"), 99201),
        (lambda b: _without(b, "entityInfo", "tillId"), 99201),
        (lambda b: _without(b, "entityInfo", "storeId"), 99201),
        (lambda b: _without(b, "entityInfo", "zoneId"), 99201),
        (lambda b: _without(b, "entityInfo", "conceptId"), 99201),
        (lambda b: _without(b, "payload", "IntouchAPITask-Payload"), 99202),
        (lambda b: _without(b, "payload", "IntouchAPITask-Payload", "hostname"), 99202),
        (lambda b: b["payload"]["IntouchAPITask-Payload"].update(path="/v2/other") or b, 99202),
        (lambda b: b["payload"]["IntouchAPITask-Payload"].update(method="POST") or b, 99202),
        (
            lambda b: b["payload"]["IntouchAPITask-Payload"]["body"].update(oldType="REGULAR") or b,
            99202,
        ),
        (
            lambda b: b["payload"]["IntouchAPITask-Payload"]["body"].update(transactionId="7") or b,
            99202,
        ),
        (lambda b: b["entityInfo"].update(tillId="123") or b, 99203),
        (lambda b: b["entityInfo"].update(tillId=str(DEMO.store_id)) or b, 99203),
        (
            lambda b: b["payload"]["IntouchAPITask-Payload"]["body"].update(transactionId=1) or b,
            99101,
        ),
        (lambda b: b["payload"]["IntouchAPITask-Payload"]["body"].update(customerId=1) or b, 99108),
    ],
)
async def test_claim_validation(mutate, code):
    app = make_app()
    bill = _claimable_bill(app, DEMO.omar.customer_id)
    body = mutate(claim_body(bill.id, DEMO.omar.customer_id))
    async with client(app, **GATEWAY) as http:
        response = await http.post(CLAIM_PATH, json=body)
    assert response.status_code >= 400
    assert error_code(response) == code
    assert bill.type == "NOT_INTERESTED" and not state_of(app).workflow_requests


async def test_claims_refused_for_claimed_or_open_seeded_bills():
    app = make_app(refuse_duplicates=True)
    state = state_of(app)
    asha = DEMO.asha.customer_id
    asha_requests = state.retro_requests.page(asha, 0, 20)
    open_bill = next(r.transaction_id for r in asha_requests if r.status == "PENDING")
    claimed_bill = next(r.transaction_id for r in asha_requests if r.status == "SUCCESS")
    async with client(app, **GATEWAY) as http:
        open_response = await http.post(
            CLAIM_PATH, json=claim_body(open_bill, DEMO.omar.customer_id)
        )
        claimed = await http.post(CLAIM_PATH, json=claim_body(claimed_bill, DEMO.omar.customer_id))
        not_json = await http.post(CLAIM_PATH, content=b"<xml/>")
    assert error_code(open_response) == 99105
    assert error_code(claimed) == 99104
    assert error_code(not_json) == 99002


async def test_unknown_request_and_bad_decisions():
    app = make_app(auto_approve=False)
    async with client(app, **CHECKER) as http:
        unknown = await http.get("/api_gateway/v2/request-workflow/requests/nope", headers=GATEWAY)
        undecided = await http.put(CLAIM_PATH, json=_decision("nope", "maybe"))
        missing = await http.put(CLAIM_PATH, json=_decision("nope", "approved"))
        wrong_action = await http.put(
            CLAIM_PATH, json={**_decision("x", "approved"), "actionName": "Other"}
        )
    assert unknown.status_code == 404 and error_code(unknown) == 99204
    assert error_code(undecided) == 99206
    assert error_code(missing) == 99204
    assert error_code(wrong_action) == 99206
