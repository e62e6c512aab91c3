from __future__ import annotations

import base64
import hashlib

import pytest

from tillui.sandbox import DEMO

from .test_sandbox_support import (
    CLAIM_PATH,
    GATEWAY,
    Clock,
    basic,
    client,
    error_code,
    lookup_params,
    make_app,
)

DETAILS = "/v2/customers/lookup/customerDetails"
TOKEN = "/v3/oauth/token/generate"
ASHA = lookup_params("mobile", DEMO.asha.mobile)


def test_documented_worked_example_header_value():
    assert (
        basic(DEMO.example_username, DEMO.example_password) == f"Basic {DEMO.example_basic_value}"
    )


@pytest.mark.parametrize(
    "authorization",
    [
        basic(),
        basic(DEMO.example_username, DEMO.example_password),
        f"Basic {DEMO.example_basic_value}",
    ],
)
async def test_basic_auth_accepted(authorization):
    async with client(make_app(), Authorization=authorization) as http:
        response = await http.get(DETAILS, params=ASHA)
    assert response.status_code == 200


def _raw_basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": basic(password="wrong")},
        {"Authorization": basic(username="someone.else")},
        # The plain password instead of its MD5, and an upper-case MD5: both refused.
        {"Authorization": _raw_basic(f"{DEMO.username}:{DEMO.password}")},
        {
            "Authorization": _raw_basic(
                f"{DEMO.username}:{hashlib.md5(DEMO.password.encode(), usedforsecurity=False).hexdigest().upper()}"
            )
        },
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Bearer abc"},
        {"X-CAP-API-OAUTH-TOKEN": "made.up.token"},
    ],
)
async def test_v2_auth_failures_are_401_envelopes(headers):
    app = make_app()
    transport_headers = headers or {"X-Nothing": "1"}
    async with client(app, **transport_headers) as http:
        for path in (
            DETAILS,
            f"/v2/customers/{DEMO.asha.customer_id}/retroRequest",
            "/v2/transactions/getByBillNumber/000042",
        ):
            response = await http.get(path, params=ASHA)
            assert response.status_code == 401
            assert error_code(response) == 401
            assert response.headers["X-Cap-Requestid"]
        retro = await http.put("/v2/transactions/retro", json={})
        assert retro.status_code == 401


async def test_oauth_token_flow_and_expiry():
    clock = Clock()
    app = make_app(clock, oauth_ttl_seconds=300)
    async with client(app, **{"X-Nothing": "1"}) as http:
        issued = await http.post(TOKEN, json={"key": DEMO.oauth_key, "secret": DEMO.oauth_secret})
        assert issued.status_code == 200
        body = issued.json()
        assert body["errors"] is None and body["data"]["ttlSeconds"] == 300
        token = body["data"]["accessToken"]
        assert token.count(".") == 2
        headers = {"X-CAP-API-OAUTH-TOKEN": token}
        assert (await http.get(DETAILS, params=ASHA, headers=headers)).status_code == 200
        clock.advance(seconds=299)
        assert (await http.get(DETAILS, params=ASHA, headers=headers)).status_code == 200
        clock.advance(seconds=1)
        expired = await http.get(DETAILS, params=ASHA, headers=headers)
        assert expired.status_code == 401 and error_code(expired) == 401


@pytest.mark.parametrize(
    "body",
    [
        {"key": DEMO.oauth_key, "secret": "nope"},
        {"key": "nope", "secret": DEMO.oauth_secret},
        {},
        [],
    ],
)
async def test_oauth_bad_key_or_secret(body):
    async with client(make_app()) as http:
        response = await http.post(TOKEN, json=body)
    assert response.status_code == 401 and error_code(response) == 401


async def test_oauth_invalid_json_body():
    async with client(make_app()) as http:
        response = await http.post(TOKEN, content=b"{not json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-CAP-API-AUTH-ORG-ID": DEMO.org_id},
        {"X-CAP-UI-AUTH-TOKEN": DEMO.workflow_token},
        {"X-CAP-API-AUTH-ORG-ID": "999", "X-CAP-UI-AUTH-TOKEN": DEMO.workflow_token},
        {"X-CAP-API-AUTH-ORG-ID": DEMO.org_id, "X-CAP-UI-AUTH-TOKEN": "wrong"},
        # v2 credentials do not open the gateway.
        {"Authorization": basic()},
    ],
)
async def test_gateway_auth_failures(headers):
    async with client(make_app(), **(headers or {"X-Nothing": "1"})) as http:
        claim = await http.post(CLAIM_PATH, json={})
        read = await http.get("/api_gateway/v2/request-workflow/requests/abc")
        decide = await http.put(CLAIM_PATH, json={})
    for response in (claim, read, decide):
        assert response.status_code == 401 and error_code(response) == 401


async def test_every_response_carries_a_distinct_request_id():
    async with client(make_app()) as http:
        responses = [
            await http.get(DETAILS, params=ASHA),
            await http.get(DETAILS, params=lookup_params("mobile", "1")),
            await http.get("/no/such/path"),
            await http.post(CLAIM_PATH, json={}, headers=GATEWAY),
        ]
    ids = [r.headers["X-Cap-Requestid"] for r in responses]
    assert all(ids) and len(set(ids)) == len(ids)
    assert responses[2].status_code == 404 and error_code(responses[2]) == 99000
