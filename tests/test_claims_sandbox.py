"""ClaimService with the real IntouchClient against the real sandbox (in-process ASGI).

A transport wrapper plays the till's network: it counts claim POSTs and can lose a request on
its way out or lose the answer after the sandbox has acted on it. The sandbox accepts a second
claim of a bill (as the real server does), so a resend of a claim the server already had shows
as a second request and as an extra POST; both are asserted. One clock drives the sandbox, the
outbox and the service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tillui.api.client import IntouchClient
from tillui.claims.journal import JournalBill, read_recent_bills
from tillui.claims.limits import check_bill
from tillui.claims.outbox import ClaimsOutbox
from tillui.claims.service import ClaimService
from tillui.config.settings import Secrets, Settings
from tillui.sandbox import DEMO, SandboxConfig, create_app, write_demo_journal

NOW = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = Settings(
    api_base_url="http://sandbox",
    workflow_base_url="http://sandbox",
    username="demo.till",
    org_id="100",
    till_id="50682289",
    store_id="50682288",
    zone_id="50682286",
    concept_id="50678331",
)
SECRETS = Secrets(password="demo123", workflow_token="demo-workflow-token")
OMAR = DEMO.omar.customer_id  # registered 10 days ago, no requests: a clean claimant
QUIET = SETTINGS.claim_quiet_period_seconds


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class TillNetwork(httpx.AsyncBaseTransport):
    """Forwards to the sandbox; claim POSTs follow `plan` ("deliver", "lose_request",
    "lose_answer"), one entry per POST, then "deliver"."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.plan: list[str] = []
        self.claim_posts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/RETRO-TRANSACTION"):
            return await self.inner.handle_async_request(request)
        self.claim_posts += 1
        mode = self.plan.pop(0) if self.plan else "deliver"
        if mode == "lose_request":
            raise httpx.ConnectError("network unreachable", request=request)
        response = await self.inner.handle_async_request(request)
        if mode == "lose_answer":
            await response.aclose()
            raise httpx.ReadTimeout("no answer", request=request)
        return response


@dataclass
class Till:
    app: object
    network: TillNetwork
    client: IntouchClient
    outbox_path: Path
    bills: list[JournalBill]
    """Journal bills Omar may claim by the app's own limits rule, newest first."""
    clock: Clock

    def service(self) -> ClaimService:
        """A fresh outbox and service on the same file: a restarted app."""
        return ClaimService(
            self.client,
            ClaimsOutbox(self.outbox_path, clock=self.clock),
            SETTINGS,
            SECRETS,
            sending_grace=timedelta(0),
            clock=self.clock,
        )

    async def check_twice(self, svc: ClaimService) -> list:
        first = await svc.reconcile()
        assert all(not o.posted for o in first)
        self.clock.advance(QUIET)
        return await svc.reconcile()

    def kept(self, transaction_id: int) -> int:
        """Workflow requests the sandbox kept for this bill."""
        return sum(
            1
            for w in self.app.state.sandbox.workflow_requests.values()
            if w.retro_request.transaction_id == transaction_id
        )

    async def requests_for(self, transaction_id: int, customer_id: int = OMAR) -> list:
        page = await self.client.retro_requests(customer_id, limit=100)
        return [r for r in page.items if r.transaction_id == transaction_id]


@pytest.fixture
async def till(tmp_path: Path) -> AsyncIterator[Till]:
    clock = Clock()
    app = create_app(SandboxConfig(seed=42, now=clock, auto_approve=True))
    network = TillNetwork(httpx.ASGITransport(app=app))
    journal = write_demo_journal(tmp_path / "bills.jsonl", app.state.sandbox)
    async with IntouchClient(SETTINGS, SECRETS, transport=network) as client:
        omar = await client.customer_by_id(OMAR)
        assert omar.registered_at is not None
        read = read_recent_bills(journal, since=NOW - timedelta(days=SETTINGS.retro_max_age_days))
        assert read.problems == []
        claimable = [
            bill
            for bill in read.bills
            if check_bill(
                bill.billing_time,
                omar.registered_at,
                NOW,
                max_age_days=SETTINGS.retro_max_age_days,
                delay_hours=SETTINGS.retro_delay_hours,
            ).allowed
        ]
        assert len(claimable) >= 4
        yield Till(app, network, client, tmp_path / "claims.sqlite3", claimable, clock)


async def claim(svc: ClaimService, bill: JournalBill, customer_id: int = OMAR):
    return await svc.submit(
        customer_id=customer_id,
        transaction_id=bill.transaction_id,
        bill_number=bill.bill_number,
        amount=bill.amount,
        notes="walk-in",
    )


async def test_a_claim_is_made_once_and_recorded(till):
    svc = till.service()
    bill = till.bills[0]
    outcome = await claim(svc, bill)
    assert outcome.sent and outcome.posted, outcome.message
    assert len(outcome.claim.request_id) == 36  # the workflow's UUID
    [request] = await till.requests_for(bill.transaction_id)
    assert request.status == "SUCCESS"  # auto-approved and executed
    again = await claim(svc, bill)
    assert again.kind == "already_claimed" and not again.posted
    assert till.network.claim_posts == 1


async def test_the_apps_limits_agree_with_the_server(tmp_path):
    """Every journal bill, for the customer registered an hour ago: the app's verdict and the
    server's answer match, and a refusal carries the server's reason."""
    app = create_app(SandboxConfig(seed=42, now=lambda: NOW, auto_approve=True))
    journal = write_demo_journal(tmp_path / "bills.jsonl", app.state.sandbox)
    transport = httpx.ASGITransport(app=app)
    async with IntouchClient(SETTINGS, SECRETS, transport=transport) as client:
        nikhil = await client.customer_by_id(DEMO.nikhil.customer_id)
        svc = ClaimService(client, ClaimsOutbox(tmp_path / "claims.sqlite3"), SETTINGS, SECRETS)
        bills = read_recent_bills(journal, since=NOW - timedelta(days=90)).bills
        codes = set()
        for bill in bills:
            verdict = check_bill(
                bill.billing_time, nikhil.registered_at, NOW, max_age_days=30, delay_hours=3
            )
            outcome = await claim(svc, bill, DEMO.nikhil.customer_id)
            assert outcome.sent is verdict.allowed, (bill, verdict, outcome.message)
            if not verdict.allowed:
                codes.add(verdict.code)
                assert outcome.refused and outcome.server_message
                expected = "older than" if verdict.code == "too_old" else "billed before"
                assert expected in outcome.server_message
    assert codes == {"too_old", "before_registration_window"}


async def test_lost_answer_is_found_by_reconcile_and_not_resent(till):
    svc = till.service()
    bill = till.bills[0]
    till.network.plan = ["lose_answer"]
    outcome = await claim(svc, bill)
    assert outcome.unknown
    assert len(await till.requests_for(bill.transaction_id)) == 1
    [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert settled.claim.server_state == "approved"  # the workflow list witnessed it
    assert till.network.claim_posts == 1
    assert len(await till.requests_for(bill.transaction_id)) == 1
    assert till.kept(bill.transaction_id) == 1


async def test_lost_request_is_resent_by_reconcile(till):
    svc = till.service()
    bill = till.bills[1]
    till.network.plan = ["lose_request"]
    assert (await claim(svc, bill)).unknown
    assert await till.requests_for(bill.transaction_id) == []
    [settled] = await till.check_twice(svc)
    assert settled.sent and settled.posted
    assert till.network.claim_posts == 2
    assert till.kept(bill.transaction_id) == 1
    assert len(await till.requests_for(bill.transaction_id)) == 1


async def test_a_server_error_is_unknown_then_resent(till):
    svc = till.service()
    bill = till.bills[2]
    till.app.state.sandbox.faults.inject("/api_gateway/v2/request-workflow", "status", status=503)
    outcome = await claim(svc, bill)
    assert outcome.unknown
    [settled] = await till.check_twice(svc)
    assert settled.sent and settled.posted
    assert len(await till.requests_for(bill.transaction_id)) == 1
    assert till.network.claim_posts == 2 and till.kept(bill.transaction_id) == 1


@pytest.mark.parametrize("killed_after", ["enqueue", "mark_sending", "server_received"])
async def test_exactly_one_request_after_a_kill(till, killed_after):
    from tillui.api import build_retro_claim

    bill = till.bills[3]
    outbox = ClaimsOutbox(till.outbox_path, clock=till.clock)
    request = build_retro_claim(
        SETTINGS, SECRETS, transaction_id=bill.transaction_id, customer_id=OMAR, notes="walk-in"
    )
    record = outbox.enqueue(
        till_id=SETTINGS.till_id,
        customer_id=OMAR,
        transaction_id=bill.transaction_id,
        bill_number=bill.bill_number,
        amount=bill.amount,
        notes="walk-in",
        body=request.to_json(),
    )
    if killed_after != "enqueue":
        outbox.mark_sending(record.id)
    if killed_after == "server_received":
        await till.client.submit_retro_claim(request)  # answered, but never recorded
    del outbox  # the process dies here

    restarted = till.service()
    [outcome] = await restarted.reconcile()
    if killed_after == "mark_sending":  # the POST may be out: two checks, a quiet period apart
        assert outcome.unknown and not outcome.posted
        till.clock.advance(QUIET)
        [outcome] = await restarted.reconcile()
    assert outcome.sent, outcome.message
    assert outcome.posted is (killed_after != "server_received")
    assert till.network.claim_posts == 1
    assert len(await till.requests_for(bill.transaction_id)) == 1
    assert till.kept(bill.transaction_id) == 1
    assert await restarted.reconcile() == []
    assert (await claim(restarted, bill)).kind == "already_claimed"
    assert till.network.claim_posts == 1


async def test_slow_commit_regression_no_resend_while_the_first_post_may_land(tmp_path):
    """The sandbox commits the claim after the till gave up (slow_commit). Reconciles right
    after the timeout find nothing and resend nothing; once the commit has landed and the quiet
    period has passed, the claim is found: one POST, one request."""
    import asyncio

    from tillui.sandbox.routes_workflow import RETRO_WORKFLOW_PATH

    clock = Clock()
    app = create_app(SandboxConfig(seed=42, now=clock, auto_approve=True))
    state = app.state.sandbox
    network = TillNetwork(httpx.ASGITransport(app=app))
    settings = SETTINGS.model_copy(update={"connect_timeout": 0.05, "read_timeout": 0.05})
    journal = write_demo_journal(tmp_path / "bills.jsonl", state)
    bill = read_recent_bills(journal, since=NOW - timedelta(days=2)).bills[0]
    state.faults.inject(RETRO_WORKFLOW_PATH, "slow_commit", method="POST", delay_seconds=1.5)
    async with IntouchClient(settings, SECRETS, transport=network) as client:
        svc = ClaimService(
            client,
            ClaimsOutbox(tmp_path / "claims.sqlite3", clock=clock),
            settings,
            SECRETS,
            clock=clock,
        )
        outcome = await claim(svc, bill)
        assert outcome.unknown  # gave up after ~1.1 s; the commit is due at 1.5 s
        for _ in range(3):
            [early] = await svc.reconcile()
            assert early.unknown and not early.posted
        assert state.workflow_requests == {}
        await asyncio.wait(state.background)  # the slow commit lands
        clock.advance(QUIET)
        [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert network.claim_posts == 1
    assert state.request_log.claim_posts() == {bill.transaction_id: 1}
    assert len(state.workflow_requests) == 1
