"""IntouchClient against the sandbox (the documents' oracle): in-process and over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from tests.test_client_helpers import FakeClock
from tillui.api import (
    ClaimOutcomeUnknown,
    CustomerNotFound,
    IntouchClient,
    RequestNotFound,
    RetroNotAllowed,
    Timeout,
    TransactionNotFound,
    Unavailable,
    build_retro_claim,
)
from tillui.config.settings import Secrets, Settings
from tillui.counter.identifier_types import Identifier
from tillui.sandbox import DEMO, SandboxConfig, create_app, running_sandbox

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ASHA_MOBILE = Identifier("mobile", DEMO.asha.mobile)
ASHA_EMAIL = Identifier("email", DEMO.asha.email)
FAMILY_EMAIL = Identifier("email", DEMO.meera.email)
MEERA_MOBILE = Identifier("mobile", DEMO.meera.mobile)


def demo_settings(base_url: str = "http://sandbox.test", **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_base_url": base_url,
        "workflow_base_url": base_url.replace("sandbox", "workflow", 1),
        "username": DEMO.username,
        "org_id": DEMO.org_id,
        "till_id": str(DEMO.till_id),
        "store_id": str(DEMO.store_id),
        "zone_id": str(DEMO.zone_id),
        "concept_id": str(DEMO.concept_id),
    }
    return Settings(**(values | overrides))


DEMO_SECRETS = Secrets(
    password=SecretStr(DEMO.password),
    workflow_token=SecretStr(DEMO.workflow_token),
    oauth_key=SecretStr(DEMO.oauth_key),
    oauth_secret=SecretStr(DEMO.oauth_secret),
)


def sandbox_app(*, auto_approve: bool = True) -> Starlette:
    return create_app(SandboxConfig(seed=42, now=lambda: NOW, auto_approve=auto_approve))


def client_for(app: Starlette, **settings: Any) -> IntouchClient:
    clock = FakeClock()  # retries (fault tests) must not really sleep
    return IntouchClient(
        demo_settings(**settings),
        DEMO_SECRETS,
        transport=httpx.ASGITransport(app=app),
        clock=clock,
        sleep=clock.sleep,
    )


@pytest.fixture
def app() -> Starlette:
    return sandbox_app()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[IntouchClient]:
    async with client_for(app) as client:
        yield client


async def test_lookup_by_mobile(client: IntouchClient) -> None:
    found = await client.lookup([ASHA_MOBILE])
    details, points = found.details, found.points
    assert details.id == DEMO.asha.customer_id
    assert details.name == "Asha Rao"
    assert details.identifier("mobile") == DEMO.asha.mobile
    assert details.identifier("email") == DEMO.asha.email
    assert details.is_loyalty_member
    assert details.registered_at is not None and details.registered_at.tzinfo is not None
    assert details.registered_at < NOW
    assert [p.program_id for p in details.programs] == [1001, 1002]
    rewards = details.program(1001)
    assert rewards is not None and rewards.current_slab == "Gold"
    assert rewards.loyalty_points == 8500
    assert rewards.delayed_points == Decimal("250.5")
    assert points.entity_id == DEMO.asha.customer_id
    assert points.main_points == 8500
    assert points.delayed_accrual_points == Decimal("250.5")
    assert points.external_trigger_based_points == 100
    assert points.promised_points == Decimal("350.5")
    assert points.total_points == Decimal("8850.5")


async def test_lookup_by_email_and_mobile(client: IntouchClient) -> None:
    found = await client.lookup([ASHA_EMAIL, ASHA_MOBILE])
    assert found.details.id == DEMO.asha.customer_id


async def test_shared_email_with_meeras_mobile_finds_meera(client: IntouchClient) -> None:
    found = await client.lookup([FAMILY_EMAIL, MEERA_MOBILE])
    assert found.details.id == DEMO.meera.customer_id
    assert found.details.name == "Meera Kumar"
    assert found.points.entity_id == DEMO.meera.customer_id


@pytest.mark.parametrize("email", [ASHA_EMAIL, FAMILY_EMAIL], ids=["own-email", "shared-email"])
async def test_lone_email_is_customer_not_found(client: IntouchClient, email: Identifier) -> None:
    with pytest.raises(CustomerNotFound) as caught:
        await client.lookup([email])
    assert caught.value.code == 8015
    assert caught.value.request_id  # the sandbox sends X-Cap-Requestid like the real API


async def test_points_for_one_program_and_all_programs(client: IntouchClient) -> None:
    default = await client.points_balance([ASHA_MOBILE])
    coffee = await client.points_balance([ASHA_MOBILE], program_id=DEMO.coffee_program_id)
    every = await client.points_balance([ASHA_MOBILE], all_programs=True)
    assert default.main_points == 8500
    assert coffee.main_points != default.main_points
    # fetchDataForAllPrograms returns the sum across programs, not a list (docs/intouch-api.md).
    assert every.main_points == default.main_points + coffee.main_points
    assert every.total_points == default.total_points + coffee.total_points


async def test_customer_by_id_matches_lookup(client: IntouchClient) -> None:
    by_id = await client.customer_by_id(DEMO.asha.customer_id)
    assert by_id == await client.customer_details([ASHA_MOBILE])


async def test_retro_requests_paginate(client: IntouchClient) -> None:
    first = await client.retro_requests(DEMO.asha.customer_id, limit=5)
    second = await client.retro_requests(DEMO.asha.customer_id, limit=5, offset=5)
    by_identifiers = await client.retro_requests_by_identifiers([ASHA_MOBILE], limit=5)
    assert first.pagination.total == second.pagination.total >= 10
    assert len(first.items) == 5
    assert first.pagination.has_more
    assert {r.id for r in first.items}.isdisjoint({r.id for r in second.items})
    assert by_identifiers == first
    assert all(r.user_id == DEMO.asha.customer_id for r in first.items)
    everything = await client.retro_requests(DEMO.asha.customer_id, limit=50)
    assert {"PENDING", "APPROVED", "REJECTED", "SUCCESS", "FAILURE"} <= {
        r.status for r in everything.items
    }


async def test_retro_requests_of_unknown_customer(client: IntouchClient) -> None:
    with pytest.raises(RequestNotFound) as caught:
        await client.retro_requests(1)
    assert caught.value.code == 9050


async def test_bill_number_lookup_and_transaction_by_id(client: IntouchClient) -> None:
    bills = await client.transactions_by_bill_number(DEMO.shared_bill_number)
    assert len(bills) == 2
    assert {b.bill_details.bill_number for b in bills} == {DEMO.shared_bill_number}
    assert all(b.bill_details.billing_time.tzinfo is not None for b in bills)
    one = await client.transaction(bills[0].id)
    assert one == bills[0]
    assert one.is_not_interested
    assert await client.transactions_by_bill_number("NO-SUCH-BILL") == []
    with pytest.raises(TransactionNotFound):
        await client.transaction(1)


def journal(app: Starlette) -> list[int]:
    return list(app.state.sandbox.journal_transaction_ids)


async def test_claim_with_auto_approval(app: Starlette, client: IntouchClient) -> None:
    newest_bill = journal(app)[-1]
    claim = build_retro_claim(
        demo_settings(),
        DEMO_SECRETS,
        transaction_id=newest_bill,
        customer_id=DEMO.omar.customer_id,
        notes="Forgot his card",
    )
    submitted = await client.submit_retro_claim(claim)
    assert submitted.request_id
    read = await client.workflow_request(submitted.request_id)
    assert read.request_id == submitted.request_id
    assert read.state == "approved"
    claimed = await client.transaction(newest_bill, type="REGULAR")
    assert claimed.customer_id == DEMO.omar.customer_id
    assert claimed.retro_txn
    requests = await client.retro_requests(DEMO.omar.customer_id)
    assert [(r.transaction_id, r.status) for r in requests.items] == [(newest_bill, "SUCCESS")]
    # No idempotency key: a second claim is accepted and fails when it executes.
    again = await client.submit_retro_claim(claim)
    assert again.request_id != submitted.request_id and again.state == "failed"


async def test_claim_refused_by_the_age_limit(app: Starlette, client: IntouchClient) -> None:
    oldest_bill = journal(app)[0]
    claim = build_retro_claim(
        demo_settings(), DEMO_SECRETS, transaction_id=oldest_bill, customer_id=DEMO.omar.customer_id
    )
    with pytest.raises(RetroNotAllowed) as caught:
        await client.submit_retro_claim(claim)
    assert "older" in caught.value.message
    assert caught.value.request_id


async def test_checker_approves_a_pending_claim() -> None:
    app = sandbox_app(auto_approve=False)
    async with client_for(app) as client:
        claim = build_retro_claim(
            demo_settings(),
            DEMO_SECRETS,
            transaction_id=journal(app)[-1],
            customer_id=DEMO.omar.customer_id,
        )
        submitted = await client.submit_retro_claim(claim)
        assert submitted.awaiting_checker
        (pending,) = (await client.retro_requests(DEMO.omar.customer_id)).items
        assert pending.status == "PENDING"
        decided = await client.decide_workflow_request(
            submitted.request_id,
            approve=True,
            message="receipt checked",
            checker_token=SecretStr(DEMO.checker_token),
        )
        assert decided.request_id == submitted.request_id
        assert decided.state == "approved"
        (done,) = (await client.retro_requests(DEMO.omar.customer_id)).items
        assert done.status == "SUCCESS"
        with pytest.raises(RequestNotFound):
            await client.workflow_request("00000000-0000-0000-0000-000000000000")


async def test_oauth_mode_against_the_sandbox(app: Starlette) -> None:
    async with client_for(app, auth_mode="oauth") as client:
        found = await client.lookup([ASHA_MOBILE])
    assert found.details.id == DEMO.asha.customer_id


async def test_transient_fault_is_retried(app: Starlette, client: IntouchClient) -> None:
    app.state.sandbox.faults.inject("/v2/customers/lookup/points", "status", status=503)
    points = await client.points_balance([ASHA_MOBILE])
    assert points.main_points == 8500


async def test_claim_fault_is_outcome_unknown(app: Starlette, client: IntouchClient) -> None:
    app.state.sandbox.faults.inject("/api_gateway", "status", status=503)
    claim = build_retro_claim(
        demo_settings(),
        DEMO_SECRETS,
        transaction_id=journal(app)[-1],
        customer_id=DEMO.omar.customer_id,
    )
    with pytest.raises(ClaimOutcomeUnknown):
        await client.submit_retro_claim(claim)


def test_over_real_loopback_http() -> None:
    config = SandboxConfig(seed=42, now=lambda: NOW, auto_approve=True)
    with running_sandbox(config) as base_url:
        assert base_url.startswith("http://127.0.0.1:")

        async def exercise() -> None:
            settings = demo_settings(base_url, workflow_base_url=base_url)
            async with IntouchClient(settings, DEMO_SECRETS) as client:
                found = await client.lookup([FAMILY_EMAIL, MEERA_MOBILE])
                assert found.details.name == "Meera Kumar"
                with pytest.raises(CustomerNotFound):
                    await client.lookup([FAMILY_EMAIL])
                bills = await client.transactions_by_bill_number(DEMO.shared_bill_number)
                assert len(bills) == 2

        asyncio.run(exercise())


def test_nothing_listening_is_unavailable() -> None:
    with running_sandbox(SandboxConfig(seed=42, now=lambda: NOW)) as base_url:
        pass  # the server has stopped: its port now refuses connections

    async def exercise() -> None:
        async with IntouchClient(
            demo_settings(base_url, connect_timeout=1), DEMO_SECRETS, sleep=_no_sleep
        ) as client:
            with pytest.raises(Unavailable):
                await client.points_balance([ASHA_MOBILE])

    asyncio.run(exercise())


async def _no_sleep(_seconds: float) -> None:
    return None


def test_read_timeout_from_settings_over_loopback() -> None:
    app = sandbox_app()
    # Every attempt (first + 2 retries) is held longer than the 0.2 s read timeout.
    app.state.sandbox.faults.inject("/v2/customers", "delay", count=3, delay_seconds=0.6)
    with running_sandbox(app=app) as base_url:

        async def exercise() -> None:
            settings = demo_settings(base_url, workflow_base_url=base_url, read_timeout=0.2)
            async with IntouchClient(settings, DEMO_SECRETS, sleep=_no_sleep) as client:
                with pytest.raises(Timeout):
                    await client.customer_details([ASHA_MOBILE])
                # The faults are used up: the next call is answered in time.
                details = await client.customer_details([ASHA_MOBILE])
                assert details.id == DEMO.asha.customer_id

        asyncio.run(exercise())
