from __future__ import annotations

import pytest

from tillui.sandbox import DEMO, SandboxConfig, create_app

from .test_sandbox_support import Clock, client, error_code, lookup_params, make_app

DETAILS = "/v2/customers/lookup/customerDetails"
BALANCE = "/v2/customers/lookup/points/balance"


async def test_customer_details_shape_for_asha():
    async with client(make_app()) as http:
        response = await http.get(DETAILS, params=lookup_params("mobile", DEMO.asha.mobile))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == DEMO.asha.customer_id
    assert body["warnings"] == [] and body["errors"] == []
    [profile] = body["profiles"]
    assert (profile["firstName"], profile["lastName"]) == ("Asha", "Rao")
    assert {(i["type"], i["value"]) for i in profile["identifiers"]} == {
        ("mobile", "919800000001"),
        ("email", "asha.rao@example.com"),
        ("externalId", "EXT0001"),
        ("cardnumber", "CARD0001"),
    }
    loyalty = body["loyaltyInfo"]
    assert loyalty["loyaltyType"] == "loyalty"
    # Registered 200 days before the fixed clock (2025-06-15T12:00Z), rendered with Z.
    assert loyalty["attributionV2"]["createDate"] == "2024-11-27T12:00:00Z"
    assert loyalty["attributionV2"]["createdBy"]["id"] == DEMO.till_id
    programs = {p["programId"]: p for p in body["loyaltyProgramDetails"]}
    assert programs[1001]["programTitle"] == "Rewards"
    assert programs[1001]["currentSlab"] == "Gold"
    assert programs[1001]["loyaltyPoints"] == 8500
    assert programs[1001]["delayedPoints"] == 250.5
    assert programs[1001]["totalAvailablePoints"] == 8850.5
    assert programs[1002]["programTitle"] == "Coffee Club"
    assert programs[1002]["currentSlab"] == "Silver"
    assert set(programs[1002]) >= {"lifetimePoints", "loyaltyPoints", "delayedPoints"}


async def test_names_are_case_insensitive_and_extra_params_ignored():
    # Document 000's example spells the name `externalID`.
    params = lookup_params(
        "email,mobile,externalID",
        f"{DEMO.omar.email},{DEMO.omar.mobile},{DEMO.omar.external_id}",
        embed="points",
        whatever="1",
    )
    async with client(make_app()) as http:
        response = await http.get(DETAILS, params=params)
    assert response.status_code == 200
    assert response.json()["id"] == DEMO.omar.customer_id


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"source": "INSTORE"}, 11013),
        ({"identifierName": "mobile", "identifierValue": DEMO.asha.mobile}, 8016),
        ({}, 11013),
        (lookup_params("mobile,email", DEMO.asha.mobile), 11013),
        (lookup_params("mobile,", f"{DEMO.asha.mobile},x@example.com"), 11013),
        (lookup_params("mobile", ""), 11013),
        (lookup_params("mobile", "919999999999"), 8015),
    ],
)
async def test_lookup_errors(params, code):
    async with client(make_app()) as http:
        for path in (DETAILS, BALANCE, "/v2/customers/lookup/retroRequest"):
            response = await http.get(path, params=params)
            assert response.status_code == (404 if code == 8015 else 400)
            assert error_code(response) == code
            if code == 11013:
                expected = "identifierName, identifierValue, source can not be empty"
                assert response.json()["errors"][0]["message"] == expected


async def test_dual_eligibility_primary_wins_over_secondaries_pointing_elsewhere():
    params = lookup_params(
        "email,mobile,externalId", f"{DEMO.asha.email},{DEMO.omar.mobile},{DEMO.nikhil.external_id}"
    )
    async with client(make_app()) as http:
        response = await http.get(DETAILS, params=params)
    assert response.json()["id"] == DEMO.omar.customer_id


@pytest.mark.parametrize(
    "name,value",
    [("email", DEMO.asha.email), ("externalId", "EXT0001"), ("cardnumber", "CARD0001")],
)
async def test_dual_eligibility_lone_secondary_is_not_found(name, value):
    async with client(make_app()) as http:
        response = await http.get(DETAILS, params=lookup_params(name, value))
    assert error_code(response) == 8015
    assert response.json()["errors"][0]["message"] == "Customer not found for the given identifiers"


async def test_dual_eligibility_shared_email_with_primary_picks_the_right_customer():
    async with client(make_app()) as http:
        for person in (DEMO.ravi, DEMO.meera):
            params = lookup_params("email,mobile", f"{person.email},{person.mobile}")
            response = await http.get(DETAILS, params=params)
            assert response.json()["id"] == person.customer_id
            balance = await http.get(BALANCE, params=params)
            assert balance.json()["entityId"] == person.customer_id


async def test_without_dual_eligibility_a_unique_secondary_works_and_a_shared_one_does_not():
    async with client(make_app(dual_eligibility=False)) as http:
        found = await http.get(DETAILS, params=lookup_params("email", DEMO.asha.email.upper()))
        shared = await http.get(DETAILS, params=lookup_params("email", DEMO.ravi.email))
        card = await http.get(DETAILS, params=lookup_params("cardnumber", DEMO.omar.card_number))
    assert found.json()["id"] == DEMO.asha.customer_id
    assert error_code(shared) == 8015
    assert card.json()["id"] == DEMO.omar.customer_id


async def test_other_primary_identifier():
    async with client(make_app(primary_identifier="externalId")) as http:
        found = await http.get(DETAILS, params=lookup_params("externalId", DEMO.lena.external_id))
        mobile = await http.get(DETAILS, params=lookup_params("mobile", DEMO.lena.mobile))
    assert found.json()["id"] == DEMO.lena.customer_id
    assert found.json()["loyaltyInfo"]["loyaltyType"] == "non_loyalty"
    assert found.json()["loyaltyProgramDetails"] == []
    assert error_code(mobile) == 8015


async def test_customer_by_id():
    async with client(make_app()) as http:
        found = await http.get(
            f"/v2/customers/{DEMO.meera.customer_id}", params={"source": "INSTORE"}
        )
        missing = await http.get("/v2/customers/1", params={"source": "INSTORE"})
        junk = await http.get("/v2/customers/abc")
        superscript = await http.get("/v2/customers/\u00b2")
    assert found.json()["profiles"][0]["firstName"] == "Meera"
    assert error_code(missing) == 8015 and missing.status_code == 404
    assert error_code(junk) == 8015
    assert error_code(superscript) == 8015


async def test_points_balance_document_003_shape_and_program_table():
    app = make_app()
    asha = DEMO.asha
    async with client(app) as http:
        default = (await http.get(BALANCE, params=lookup_params("mobile", asha.mobile))).json()
        coffee = (
            await http.get(BALANCE, params=lookup_params("mobile", asha.mobile, programId="1002"))
        ).json()
        everything = (
            await http.get(
                BALANCE,
                params=lookup_params(
                    "mobile", asha.mobile, programId="1002", fetchDataForAllPrograms="true"
                ),
            )
        ).json()
        by_id = (await http.get(f"/v2/customers/{asha.customer_id}/points/balance")).json()
        unknown = await http.get("/v2/customers/42/points/balance")
    assert default == {
        "entityId": asha.customer_id,
        "entityType": "CUSTOMER",
        "totalPoints": 8850.5,
        "mainPoints": 8500.0,
        "promisedPoints": 350.5,
        "promisedPointsBreakup": {
            "delayedAccrualPoints": 250.5,
            "externalTriggerBasedPoints": 100.0,
        },
        "warnings": [],
    }
    assert by_id == default
    assert coffee["mainPoints"] == 420.75 and coffee["promisedPoints"] == 12.5
    # fetchDataForAllPrograms=true sums every program, whatever programId says.
    assert everything["mainPoints"] == 8500 + 420.75
    assert everything["totalPoints"] == 8850.5 + 433.25
    assert error_code(unknown) == 8015


async def test_generated_population():
    app = create_app(SandboxConfig(now=Clock()))
    state = app.state.sandbox
    customers = list(state.customers)
    assert len(customers) == 240 + len(DEMO.customers)
    assert {c.loyalty_type for c in customers} == {"loyalty", "non_loyalty"}
    assert all(
        {"mobile", "email", "externalId", "cardnumber"} <= set(c.identifiers) for c in customers
    )
    assert len({c.identifiers["mobile"] for c in customers}) == len(customers)
    programs = [p for c in customers for p in c.programs]
    assert {p.program_id for p in programs} == {1001, 1002, 1003}
    assert any(p.main_points % 1 for p in programs)
    assert any(p.delayed_points for p in programs) and any(p.external_points for p in programs)
    ages = [Clock().current - c.registered_at for c in customers]
    assert any(a.days > 300 for a in ages) and sum(a.total_seconds() < 12 * 3600 for a in ages) >= 3


def test_same_seed_same_data_other_seed_other_data():
    def mobiles(seed: int) -> list[str]:
        state = create_app(SandboxConfig(seed=seed, now=Clock())).state.sandbox
        return [c.identifiers["mobile"] for c in state.customers]

    assert mobiles(42) == mobiles(42)
    assert mobiles(42) != mobiles(7)
    named = len(DEMO.customers)
    assert mobiles(7)[:named] == [c.mobile for c in DEMO.customers]
