"""The documented workflow list (INDEX.md "Listing workflow requests"): sandbox filters and the
client's `workflow_requests`, including the one place its unconfirmed envelope is read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from tests.test_client_sandbox import DEMO_SECRETS, client_for, demo_settings
from tests.test_sandbox_support import GATEWAY, Clock, claim_body, client, error_code, make_app
from tillui.api import BadRequest, IntouchClient, InvalidResponse, build_retro_claim
from tillui.api.models import WorkflowRequestPage
from tillui.api.models.workflow import workflow_page_body
from tillui.sandbox import DEMO, SandboxConfig, create_app

LIST_PATH = "/api_gateway/v2/request-workflow/requests"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def _claimable(app, customer_id: int) -> list[int]:
    state = app.state.sandbox
    registered = state.customers.get(customer_id).registered_at
    bills = [state.transactions.get(i) for i in reversed(state.journal_transaction_ids)]
    return [b.id for b in bills if b.billing_time > registered]


async def _claim(http, transaction_id: int, customer_id: int, **kwargs) -> str:
    response = await http.post(
        "/api_gateway/v2/request-workflow/RETRO-TRANSACTION",
        json=claim_body(transaction_id, customer_id, **kwargs),
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]["requestId"]


async def test_sandbox_filters_sorts_and_pages() -> None:
    clock = Clock(NOW)
    app = make_app(clock, auto_approve=False)
    bills = _claimable(app, DEMO.omar.customer_id)
    made: list[str] = []
    async with client(app, **GATEWAY) as http:
        for bill in bills[:3]:
            made.append(await _claim(http, bill, DEMO.omar.customer_id))
            clock.advance(days=1)
        listed = await http.get(LIST_PATH, params={"tillId": str(DEMO.till_id), "limit": "2"})
        body = listed.json()
        assert listed.status_code == 200
        assert [i["requestId"] for i in body["data"]] == made[::-1][:2]
        assert body["pagination"] == {"pageNo": 1, "limit": 2, "total": 3}
        page2 = (await http.get(LIST_PATH, params={"limit": "2", "PageNo": "2"})).json()
        assert [i["requestId"] for i in page2["data"]] == [made[0]]
        ascending = (await http.get(LIST_PATH, params={"sortOrder": "asc"})).json()
        assert [i["requestId"] for i in ascending["data"]] == made
        day2 = (NOW + timedelta(days=1)).date().isoformat()
        dated = (await http.get(LIST_PATH, params={"startDate": day2, "endDate": day2})).json()
        assert [i["requestId"] for i in dated["data"]] == [made[1]]
        for params in (
            {"tillId": "999"},
            {"storeId": "999"},
            {"zoneId": "999"},
            {"conceptId": "999"},
            {"userId": str(DEMO.asha.customer_id)},
            {"states": "approved,failed"},
            {"requestType": "SOMETHING-ELSE"},
        ):
            assert (await http.get(LIST_PATH, params=params)).json()["data"] == [], params
        for params in (
            {"userId": str(DEMO.omar.customer_id)},
            {"states": "AdminTask"},
            {"requestType": "RETRO-TRANSACTION", "storeId": str(DEMO.store_id)},
        ):
            assert len((await http.get(LIST_PATH, params=params)).json()["data"]) == 3, params


async def test_sandbox_list_refuses_bad_filters_and_wants_gateway_auth() -> None:
    app = make_app()
    async with client(app, **GATEWAY) as http:
        for params in (
            {"startDate": "01-06-2025"},
            {"sortOrder": "up"},
            {"sortBy": "name"},
            {"limit": "0"},
            {"PageNo": "x"},
            {"startDate": "2025-06-02", "endDate": "2025-06-01"},
        ):
            response = await http.get(LIST_PATH, params=params)
            assert response.status_code == 400, params
            assert error_code(response) == 99001
    async with client(app) as http:  # Basic only, no gateway headers
        assert (await http.get(LIST_PATH)).status_code == 401


async def test_client_lists_this_tills_claims_with_the_post_uuids() -> None:
    app = create_app(SandboxConfig(seed=42, now=lambda: NOW, auto_approve=False))
    bills = _claimable(app, DEMO.omar.customer_id)
    async with client_for(app) as api:
        made = []
        for bill in bills[:3]:
            claim = build_retro_claim(
                demo_settings(),
                DEMO_SECRETS,
                transaction_id=bill,
                customer_id=DEMO.omar.customer_id,
            )
            made.append((await api.submit_retro_claim(claim)).request_id)
        page = await api.workflow_requests(
            till_id=str(DEMO.till_id), start_date=NOW.date(), limit=2, states=["AdminTask"]
        )
        assert isinstance(page, WorkflowRequestPage)
        assert (page.page, page.limit, page.total, page.has_more) == (1, 2, 3, True)
        assert [r.request_id for r in page.items] == made[::-1][:2]
        assert [r.transaction_id for r in page.items] == bills[:3][::-1][:2]
        assert {r.customer_id for r in page.items} == {DEMO.omar.customer_id}
        assert all(r.awaiting_checker for r in page.items)
        last = await api.workflow_requests(till_id=str(DEMO.till_id), limit=2, page=2)
        assert [r.request_id for r in last.items] == [made[0]] and not last.has_more
        none = await api.workflow_requests(user_id=DEMO.asha.customer_id, end_date=date(2000, 1, 1))
        assert none.items == [] and none.total == 0 and not none.has_more
        with pytest.raises(BadRequest):
            await api.workflow_requests(limit=0)


async def test_client_sends_the_documented_query() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": []})

    async with IntouchClient(
        demo_settings(), DEMO_SECRETS, transport=httpx.MockTransport(answer)
    ) as api:
        page = await api.workflow_requests(
            till_id="7",
            store_id="8",
            user_id=9,
            states=("AdminTask", "approved"),
            start_date=date(2025, 6, 1),
            end_date=date(2025, 6, 2),
            sort_order="asc",
            limit=5,
            page=3,
        )
    assert page.items == [] and page.page == 3 and page.total is None and not page.has_more
    (request,) = seen
    assert request.url.path == LIST_PATH
    assert dict(request.url.params) == {
        "tillId": "7",
        "storeId": "8",
        "userId": "9",
        "states": "AdminTask,approved",
        "requestType": "RETRO-TRANSACTION",
        "startDate": "2025-06-01",
        "endDate": "2025-06-02",
        "sortBy": "startDate",
        "sortOrder": "asc",
        "limit": "5",
        "PageNo": "3",
    }
    assert request.headers["X-CAP-API-AUTH-ORG-ID"] == DEMO.org_id


ITEM = {"requestId": "u-1", "state": "approved"}


@pytest.mark.parametrize(
    ("body", "total", "page"),
    [
        ({"data": [ITEM], "pagination": {"pageNo": 2, "limit": 1, "total": 5}}, 5, 2),
        ({"data": {"requests": [ITEM], "totalCount": 7}}, 7, 1),
        ({"data": {"content": [ITEM], "totalElements": 3, "page": 4}}, 3, 4),
        ([ITEM], None, 1),
        ({"data": [ITEM], "total": 1}, 1, 1),
    ],
)
def test_envelope_variants_are_read_in_one_place(body, total, page) -> None:
    parsed = WorkflowRequestPage.model_validate(workflow_page_body(body, page=1, limit=1))
    assert [i.request_id for i in parsed.items] == ["u-1"]
    assert (parsed.total, parsed.page) == (total, page)


async def test_unreadable_list_is_invalid_response() -> None:
    transport = httpx.MockTransport(lambda _r: httpx.Response(200, json={"data": {"x": 1}}))
    async with IntouchClient(demo_settings(), DEMO_SECRETS, transport=transport) as api:
        with pytest.raises(InvalidResponse):
            await api.workflow_requests()
