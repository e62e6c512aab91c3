"""Add Customer V2 against the sandbox, and the registration service's no-duplicates rule."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from starlette.applications import Starlette

from tests.test_client_sandbox import NOW, client_for, sandbox_app
from tillui.api import CustomerExists
from tillui.api.errors import InvalidRegistration
from tillui.api.models import NewCustomer, NewIdentifier
from tillui.claims.registration import (
    ConfirmExisting,
    Registered,
    RegistrationOutcomeUnknown,
    RegistrationService,
)
from tillui.counter.identifier_types import Identifier
from tillui.sandbox import DEMO

POST = "/v2/customers"


def shopper(mobile: str = "447700900001", **extra: str) -> NewCustomer:
    return NewCustomer(
        first_name=extra.get("first", "Ravi"),
        last_name=extra.get("last", "Kumar"),
        identifiers=(NewIdentifier(type="mobile", value=mobile),),
        associated_with=DEMO.till_code,
    )


@pytest.fixture
def app() -> Starlette:
    return sandbox_app()


async def test_registered_customer_is_found_by_lookup_registered_now(app: Starlette) -> None:
    async with client_for(app) as client:
        answer = await client.add_customer(shopper())
        assert [e.type for e in answer.side_effects] == ["points"]
        assert answer.side_effects[0].told() == "100 points as a welcome"
        found = await client.customer_details([Identifier("mobile", "447700900001")])
    assert found.id == answer.created_id
    assert found.name == "Ravi Kumar"
    assert found.registered_at == NOW
    assert found.registered_by is not None and found.registered_by.code == DEMO.till_code


async def test_second_registration_of_a_mobile_is_refused_with_8006(app: Starlette) -> None:
    async with client_for(app) as client:
        with pytest.raises(CustomerExists) as refused:
            await client.add_customer(shopper(DEMO.asha.mobile))
    assert refused.value.code == 8006
    assert "already registered" in refused.value.hint


@pytest.mark.parametrize(
    ("customer", "code"),
    [
        (shopper("12ab"), 8014),
        (shopper(last=""), 99301),
        (
            NewCustomer(identifiers=(NewIdentifier(type="mobile", value="919811"),), source="WEB"),
            3217,
        ),
    ],
)
async def test_refusals_are_typed_with_a_cashiers_hint(
    app: Starlette, customer: NewCustomer, code: int
) -> None:
    async with client_for(app) as client:
        with pytest.raises(InvalidRegistration) as refused:
            await client.add_customer(customer)
    assert refused.value.code == code
    assert refused.value.hint and "Traceback" not in refused.value.hint


async def test_lost_answer_then_lookup_finds_the_customer_for_the_cashier_to_confirm(
    app: Starlette,
) -> None:
    app.state.sandbox.faults.inject(POST, "commit_drop", method="POST")
    async with client_for(app) as client:
        outcome = await RegistrationService(client).register(shopper())
    assert isinstance(outcome, ConfirmExisting)
    assert outcome.after_lost_answer and outcome.customer.name == "Ravi Kumar"


async def test_8006_for_someone_else_is_shown_never_merged(app: Starlette) -> None:
    async with client_for(app) as client:
        outcome = await RegistrationService(client).register(shopper(DEMO.asha.mobile))
    assert isinstance(outcome, ConfirmExisting)
    assert not outcome.after_lost_answer
    assert outcome.customer.id == DEMO.asha.customer_id


async def _register_until_settled(service: RegistrationService, customer: NewCustomer) -> int:
    for _ in range(5):
        try:
            outcome = await service.register(customer)
        except RegistrationOutcomeUnknown:
            continue
        if isinstance(outcome, Registered):
            return outcome.customer_id
        return outcome.customer.id
    raise AssertionError("never settled")


async def test_soak_100_registrations_with_20_percent_commit_faults_make_no_duplicates(
    app: Starlette,
) -> None:
    state = app.state.sandbox
    rng = random.Random(7)
    before = len(state.customers)
    faulted = 0
    async with client_for(app) as client:
        service = RegistrationService(client)
        for n in range(100):
            if rng.random() < 0.2:
                state.faults.inject(POST, "commit_drop", method="POST")
                faulted += 1
            mobile = f"4477009{n:05d}"
            got = await _register_until_settled(service, shopper(mobile, first=f"P{n}"))
            customer = state.customers.get(got)
            assert customer is not None and customer.identifiers["mobile"] == mobile
    registered = [c for c in state.customers][before:]
    mobiles = Counter(c.identifiers["mobile"] for c in registered)
    assert faulted >= 10
    assert len(registered) == 100
    assert max(mobiles.values()) == 1


async def test_new_member_claims_the_bill_just_rung_but_not_one_from_before_the_delay(
    app: Starlette,
) -> None:
    from tests.test_client_sandbox import DEMO_SECRETS, demo_settings
    from tillui.api import RetroNotAllowed, build_retro_claim

    state = app.state.sandbox
    bills = [state.transactions.get(i) for i in state.journal_transaction_ids]
    just_rung = bills[-1]  # the demo journal's non-member bill of minutes ago
    five_hours = next(
        b
        for b in bills
        if b is not None and round((NOW - b.billing_time).total_seconds()) == 5 * 3600
    )
    assert just_rung is not None and just_rung.customer_id is None
    async with client_for(app) as client:
        created = (await client.add_customer(shopper())).created_id

        def claim(transaction_id: int):  # type: ignore[no-untyped-def]
            return build_retro_claim(
                demo_settings(), DEMO_SECRETS, transaction_id=transaction_id, customer_id=created
            )

        assert (await client.submit_retro_claim(claim(just_rung.id))).request_id
        with pytest.raises(RetroNotAllowed):
            await client.submit_retro_claim(claim(five_hours.id))
