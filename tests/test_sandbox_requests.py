from __future__ import annotations

from datetime import datetime

import pytest

from tillui.sandbox import DEMO

from .test_sandbox_support import client, error_code, lookup_params, make_app

ENTITY_KEYS = {
    "id",
    "code",
    "description",
    "name",
    "type",
    "referenceId",
    "adminType",
    "isActive",
    "isOuEnabled",
    "timeZoneId",
    "currencyId",
    "languageId",
    "default",
}
ITEM_KEYS = {
    "id",
    "status",
    "addedBy",
    "addedByParent",
    "updatedBy",
    "addedOn",
    "updatedOn",
    "userId",
    "requestId",
    "baseType",
    "reason",
    "comments",
    "transactionId",
    "warnings",
    "reqAdd",
    "oneStep",
}


def _asha_path() -> str:
    return f"/v2/customers/{DEMO.asha.customer_id}/retroRequest"


async def test_document_001_shape_newest_first_every_status():
    async with client(make_app()) as http:
        response = await http.get(_asha_path(), params={"changeType": "RETRO", "limit": 20})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"pagination", "data", "warnings", "errors"}
    assert body["pagination"] == {"limit": 20, "offset": 0, "total": 12}
    items = body["data"]
    assert len(items) == 12
    for item in items:
        assert set(item) == ITEM_KEYS
        for key in ("addedBy", "addedByParent", "updatedBy"):
            assert set(item[key]) == ENTITY_KEYS
        assert item["addedBy"]["type"] == "TILL" and item["addedByParent"]["type"] == "STORE"
        assert item["baseType"] == "RETRO" and item["userId"] == DEMO.asha.customer_id
        assert item["addedOn"].endswith("Z")
        assert isinstance(item["requestId"], int) and isinstance(item["transactionId"], int)
    assert {i["status"] for i in items} == {"PENDING", "APPROVED", "REJECTED", "SUCCESS", "FAILURE"}
    added = [datetime.fromisoformat(i["addedOn"]) for i in items]
    assert added == sorted(added, reverse=True)


async def test_default_limit_and_paging_edges():
    async with client(make_app()) as http:
        first = (await http.get(_asha_path(), params={"changeType": "RETRO"})).json()
        second = (await http.get(_asha_path(), params={"offset": 10})).json()
        past = (await http.get(_asha_path(), params={"offset": 12})).json()
        far = (await http.get(_asha_path(), params={"offset": 500, "limit": 3})).json()
        other_type = (await http.get(_asha_path(), params={"changeType": "MOBILE"})).json()
    assert first["pagination"] == {"limit": 10, "offset": 0, "total": 12}
    assert len(first["data"]) == 10
    assert len(second["data"]) == 2
    assert {i["id"] for i in first["data"]}.isdisjoint(i["id"] for i in second["data"])
    assert past["data"] == [] and past["pagination"]["total"] == 12
    assert far == {
        "pagination": {"limit": 3, "offset": 500, "total": 12},
        "data": [],
        "warnings": [],
        "errors": [],
    }
    assert other_type["data"] == [] and other_type["pagination"]["total"] == 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "ten"}, {"offset": -1}])
async def test_bad_paging_parameters(params):
    async with client(make_app()) as http:
        response = await http.get(_asha_path(), params=params)
    assert response.status_code == 400 and error_code(response) == 99001


async def test_bulk_buyer_has_5000_requests_paged_lazily():
    app = make_app()
    bulk = DEMO.bulk.customer_id
    async with client(app) as http:
        first = (await http.get(f"/v2/customers/{bulk}/retroRequest", params={"limit": 100})).json()
        last = (
            await http.get(
                f"/v2/customers/{bulk}/retroRequest", params={"offset": 4995, "limit": 10}
            )
        ).json()
    assert first["pagination"]["total"] == 5000 and len(first["data"]) == 100
    assert len(last["data"]) == 5
    everything = first["data"] + last["data"]
    assert len({i["id"] for i in everything}) == 105
    added = [i["addedOn"] for i in first["data"]]
    assert added == sorted(added, reverse=True)
    assert first["data"][-1]["addedOn"] > last["data"][0]["addedOn"]
    # The claimed bills exist and agree with the requests' statuses.
    state = app.state.sandbox
    for item in last["data"]:
        txn = state.transactions.get(item["transactionId"])
        assert txn is not None
        assert (txn.type == "REGULAR") is (item["status"] == "SUCCESS")


async def test_lookup_by_identifiers_document_000():
    params = lookup_params(
        "email,mobile,externalID", f"{DEMO.asha.email},{DEMO.asha.mobile},{DEMO.asha.external_id}"
    )
    async with client(make_app()) as http:
        found = await http.get("/v2/customers/lookup/retroRequest", params=params)
        lone = await http.get(
            "/v2/customers/lookup/retroRequest", params=lookup_params("email", DEMO.asha.email)
        )
        clean = await http.get(
            "/v2/customers/lookup/retroRequest", params=lookup_params("mobile", DEMO.omar.mobile)
        )
    assert found.json()["pagination"]["total"] == 12
    assert error_code(lone) == 8015
    assert clean.json()["data"] == [] and clean.json()["pagination"]["total"] == 0


async def test_unknown_customer_id_is_9050():
    async with client(make_app()) as http:
        response = await http.get("/v2/customers/123/retroRequest", params={"changeType": "RETRO"})
    assert response.status_code == 404
    assert error_code(response) == 9050
    assert response.json()["errors"][0]["message"] == "Request not found"
