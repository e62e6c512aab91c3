"""ClaimService against a small in-memory fake of the Intouch client.

The fake keeps a server-side list of retro requests, so every test can assert the one thing
that matters: how many requests exist server-side for a transaction.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tillui.api.errors import (
    BadRequest,
    ClaimOutcomeUnknown,
    RateLimited,
    RequestNotFound,
    RetroNotAllowed,
    Unavailable,
)
from tillui.claims.outbox import REDACTED, ClaimsOutbox
from tillui.claims.service import MAX_ATTEMPTS, ClaimService
from tillui.config.settings import Secrets, Settings

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
CUSTOMER = 565039505
TXN = 7648261
QUIET = SETTINGS.claim_quiet_period_seconds
TILL = int(SETTINGS.till_id)


@dataclass
class Clock:
    """The one clock of a test: the fake server's, the outbox's and the service's."""

    now: datetime = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeIntouch:
    """Mirrors `IntouchClient.submit_retro_claim` / `retro_requests` with a server-side list.

    `behaviour` is consumed one entry per POST: "ok", "lost_answer" (the server makes the
    request, the answer never comes), "lost_request" (the request never arrives), "refuse",
    "boom" (an unexpected exception after the request was made), "busy" (429: turned away
    before the server acted).
    """

    clock: Clock = field(default_factory=Clock)
    behaviour: list[str] = field(default_factory=list)
    requests: list[SimpleNamespace] = field(default_factory=list)
    workflow_list: bool = False
    """Answer the workflow list (else it fails as an endpoint this server does not have)."""
    workflow_calls: int = 0
    posts: int = 0
    list_calls: int = 0
    release: asyncio.Event | None = None
    list_error: Exception | None = None
    list_gate: asyncio.Event | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def on_server(self, transaction_id: int) -> int:
        return sum(1 for r in self.requests if r.transaction_id == transaction_id)

    def make_request(
        self,
        customer_id: int,
        transaction_id: int,
        *,
        status: str = "PENDING",
        added_on: datetime | None = None,
        till: int = TILL,
    ) -> SimpleNamespace:
        request = SimpleNamespace(
            request_id=f"req-{next(self._ids)}",
            status=status,
            user_id=customer_id,
            transaction_id=transaction_id,
            added_on=added_on or self.clock(),
            added_by=SimpleNamespace(id=till),
        )
        self.requests.append(request)
        return request

    async def workflow_requests(
        self, *, till_id=None, start_date=None, limit=50, page=1, **_filters
    ) -> SimpleNamespace:
        self.workflow_calls += 1
        if not self.workflow_list:
            raise BadRequest(99000, "No such endpoint", status=404)
        mine = [r for r in reversed(self.requests) if str(r.added_by.id) == till_id]
        chunk = mine[(page - 1) * limit : page * limit]
        items = [
            SimpleNamespace(
                request_id=r.request_id,
                state={"PENDING": "AdminTask", "SUCCESS": "approved"}.get(r.status, "failed"),
                transaction_id=r.transaction_id,
                customer_id=r.user_id,
                start_time=r.added_on.replace(tzinfo=None),  # as documented: no offset
            )
            for r in chunk
        ]
        return SimpleNamespace(items=items, has_more=page * limit < len(mine))

    async def submit_retro_claim(self, claim: Any) -> SimpleNamespace:
        self.posts += 1
        body = claim.to_json()
        task = body["payload"]["IntouchAPITask-Payload"]
        assert task["headers"]["Authorization"].startswith("Basic ")  # the real credentials
        if self.release is not None:
            await self.release.wait()
        mode = self.behaviour.pop(0) if self.behaviour else "ok"
        if mode in ("lost_request", "refuse", "busy"):
            if mode == "busy":
                raise RateLimited(429, "Too many requests", status=429)
            if mode == "refuse":
                raise RetroNotAllowed(1234, "Transaction is older than the allowed age")
            raise ClaimOutcomeUnknown(None, "No clear answer to the claim: ReadTimeout")
        made = self.make_request(task["body"]["customerId"], task["body"]["transactionId"])
        if mode == "lost_answer":
            raise ClaimOutcomeUnknown(None, "No clear answer to the claim: ReadTimeout")
        if mode == "boom":
            raise KeyError("surprise")
        return SimpleNamespace(request_id=made.request_id, state="AdminTask")

    async def retro_requests(
        self, customer_id: int, *, limit: int = 10, offset: int = 0
    ) -> SimpleNamespace:
        self.list_calls += 1
        if self.list_gate is not None:
            await self.list_gate.wait()
        if self.list_error is not None:
            raise self.list_error
        mine = [r for r in reversed(self.requests) if r.user_id == customer_id]  # newest first
        return SimpleNamespace(
            items=mine[offset : offset + limit],
            pagination=SimpleNamespace(limit=limit, offset=offset, total=len(mine)),
        )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "claims.sqlite3"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeIntouch:
    return FakeIntouch(clock=clock)


def service(fake: FakeIntouch, path: Path, *, grace: timedelta = timedelta(0)) -> ClaimService:
    clock = fake.clock
    return ClaimService(
        fake, ClaimsOutbox(path, clock=clock), SETTINGS, SECRETS, sending_grace=grace, clock=clock
    )


def napping(naps: list[float], clock: Clock):
    """A sleep for the service that only moves the test's clock (and records each nap)."""

    async def nap(seconds: float) -> None:
        naps.append(seconds)
        clock.advance(seconds)
        await asyncio.sleep(0)

    return nap


async def until(condition, timeout: float = 5.0) -> None:
    """Let other tasks run until `condition()` holds: synchronise on a fact, never a nap."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {condition}"
        await asyncio.sleep(0.001)


async def check_twice(svc: ClaimService, clock: Clock) -> list:
    """A first check, then a second one a quiet period later (what a resend needs)."""
    first = await svc.reconcile()
    assert all(not o.posted for o in first)
    clock.advance(QUIET)
    return await svc.reconcile()


async def submit(svc: ClaimService, transaction_id: int = TXN, customer_id: int = CUSTOMER):
    return await svc.submit(
        customer_id=customer_id,
        transaction_id=transaction_id,
        bill_number=f"B-{transaction_id}",
        amount=Decimal("1249.50"),
        notes="walk-in",
    )


async def test_submit_sends_once_and_records_the_answer(fake, path):
    svc = service(fake, path)
    outcome = await submit(svc)
    assert outcome.sent and outcome.posted
    assert outcome.claim.state == "sent"
    assert outcome.claim.request_id == "req-1"
    assert outcome.claim.server_state == "AdminTask"
    assert outcome.claim.attempts == 1
    assert outcome.message == "Claim sent: request req-1, waiting for a supervisor's approval."
    assert fake.on_server(TXN) == 1
    stored = ClaimsOutbox(path).get(outcome.claim.id)
    assert stored.state == "sent"
    task = stored.body["payload"]["IntouchAPITask-Payload"]
    assert task["headers"]["Authorization"] == REDACTED
    assert task["body"] == {
        "oldType": "NOT_INTERESTED",
        "newType": "REGULAR",
        "transactionId": TXN,
        "customerId": CUSTOMER,
        "extendedFields": {},
        "customFields": {},
        "notes": "walk-in",
    }


async def test_refusal_is_recorded_with_the_servers_words_and_can_be_retried(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["refuse"]
    refused = await submit(svc)
    assert refused.refused and refused.posted
    assert refused.server_message == "Transaction is older than the allowed age"
    assert "cannot be added to the customer's account" in refused.message
    assert refused.claim.state == "refused"
    assert refused.claim.error == "Transaction is older than the allowed age"
    assert fake.on_server(TXN) == 0
    again = await submit(svc)
    assert again.sent
    assert fake.on_server(TXN) == 1


async def test_a_second_submit_after_sent_sends_nothing(fake, path):
    svc = service(fake, path)
    await submit(svc)
    again = await submit(svc)
    assert again.kind == "already_claimed" and not again.posted
    assert (
        again.message
        == "This bill is already claimed: request req-1, waiting for a supervisor's approval."
    )
    assert fake.posts == 1


async def test_double_enter_sends_one_claim(fake, path):
    svc = service(fake, path)
    fake.release = asyncio.Event()
    first = asyncio.create_task(submit(svc))
    second = asyncio.create_task(submit(svc))
    await until(lambda: fake.posts == 1)
    fake.release.set()
    outcomes = await asyncio.gather(first, second)
    assert sorted(o.kind for o in outcomes) == ["already_claimed", "sent"]
    assert fake.posts == 1
    assert fake.on_server(TXN) == 1
    assert outcomes[0].claim.id == outcomes[1].claim.id


async def test_double_enter_after_a_refusal_reports_the_refusal(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["refuse"]
    fake.release = asyncio.Event()
    tasks = [asyncio.create_task(submit(svc)) for _ in range(3)]
    await until(lambda: fake.posts == 1)
    fake.release.set()
    outcomes = await asyncio.gather(*tasks)
    assert [o.kind for o in outcomes] == ["refused"] * 3
    assert [o.posted for o in outcomes] == [True, False, False]
    assert fake.posts == 1


async def test_lost_answer_is_unknown_then_found_by_reconcile_not_resent(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_answer"]
    outcome = await submit(svc)
    assert outcome.unknown
    assert outcome.claim.state == "unknown"
    assert "do not claim this bill again" in outcome.message
    assert fake.on_server(TXN) == 1
    [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert settled.claim.request_id == "req-1"
    assert settled.claim.server_state == "PENDING"
    assert fake.posts == 1
    assert await svc.reconcile() == []


async def test_lost_request_is_resent_once_by_reconcile(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    assert (await submit(svc)).unknown
    assert fake.on_server(TXN) == 0
    [first] = await svc.reconcile()
    assert first.unknown and not first.posted and "Being checked" in first.message
    clock.advance(QUIET - 1)
    [early] = await svc.reconcile()
    assert early.unknown and not early.posted  # the first POST may still land
    clock.advance(1)
    [settled] = await svc.reconcile()
    assert settled.sent and settled.posted
    assert settled.claim.attempts == 2
    assert fake.on_server(TXN) == 1


async def test_submitting_an_unknown_claim_again_reconciles_it(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_answer"]
    await submit(svc)
    again = await submit(svc)
    assert again.sent and not again.posted
    assert fake.posts == 1 and fake.on_server(TXN) == 1


async def test_an_unknown_claim_for_another_customer_blocks_a_new_claim(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    first = await submit(svc)
    other = await submit(svc, customer_id=CUSTOMER + 1)
    assert other.kind == "already_claimed"
    assert other.claim.id == first.claim.id
    assert "waiting to be confirmed" in other.message
    assert fake.posts == 1


async def test_reconcile_sends_nothing_when_the_list_cannot_be_read(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    await submit(svc)
    fake.list_error = Unavailable(None, "Could not reach the server (ConnectError)")
    [outcome] = await svc.reconcile()
    assert outcome.unknown and not outcome.posted
    assert outcome.message.startswith("Could not check this claim yet.")
    assert fake.posts == 1


async def test_9050_is_not_proof_of_absence_and_nothing_is_resent(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    await submit(svc)
    fake.list_error = RequestNotFound(9050, "Invalid or unsupported customer ID")
    for outcome in await check_twice(svc, clock):
        assert outcome.unknown and not outcome.posted
    assert fake.posts == 1


async def test_a_claim_beyond_the_scanned_pages_is_not_resent(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    await submit(svc)
    for n in range(250):  # a customer with a long history, all newer than nothing we look for
        fake.make_request(CUSTOMER, 1_000 + n)
    [outcome] = await check_twice(svc, clock)
    assert outcome.unknown and not outcome.posted
    assert "could not be read whole" in outcome.message
    assert fake.posts == 1


async def test_a_claim_on_a_later_page_is_found(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_answer"]
    await submit(svc)
    for n in range(120):
        fake.make_request(CUSTOMER, 1_000 + n)
    [outcome] = await svc.reconcile()
    assert outcome.sent and not outcome.posted
    assert fake.list_calls == 3


async def test_after_max_attempts_a_claim_proven_absent_is_said_not_made(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_request"] * MAX_ATTEMPTS
    await submit(svc)
    for _ in range(MAX_ATTEMPTS - 1):
        [outcome] = await check_twice(svc, clock)
        assert outcome.unknown and outcome.posted
    [final] = await check_twice(svc, clock)
    assert final.refused and not final.posted
    assert final.message.startswith(f"Not made: sent {MAX_ATTEMPTS} times without an answer")
    assert "can be claimed again" in final.message
    assert final.claim.state == "refused" and await svc.unresolved_count() == 0
    assert fake.posts == MAX_ATTEMPTS and fake.on_server(TXN) == 0
    again = await submit(svc)  # the cashier claims the bill again: a new claim, sent at once
    assert again.sent and fake.on_server(TXN) == 1


async def test_background_reconcile_ends_when_every_claim_is_settled_or_given_up(fake, path, clock):
    """Resending forever would keep a till polling Intouch for a claim nobody can settle."""
    naps: list[float] = []
    svc = ClaimService(
        fake,
        ClaimsOutbox(path, clock=clock),
        SETTINGS,
        SECRETS,
        clock=clock,
        sleep=napping(naps, clock),
    )
    fake.behaviour = ["lost_request"] * MAX_ATTEMPTS
    await submit(svc)
    svc.start_background()
    await asyncio.wait_for(svc.background_finished(), 5)
    assert fake.posts == MAX_ATTEMPTS and await svc.unresolved_count() == 0
    assert len(naps) < 20


async def test_a_resend_turned_away_with_429_is_not_an_attempt(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_request", "busy", "busy", "lost_request", "ok"]
    await submit(svc)
    for expected in ("busy", "busy", "lost", "sent"):
        [outcome] = await check_twice(svc, clock)
        assert outcome.posted, expected
        assert outcome.sent if expected == "sent" else outcome.unknown, expected
    assert fake.posts == 5 and fake.on_server(TXN) == 1
    assert outcome.claim.attempts == MAX_ATTEMPTS


async def test_absence_is_dated_from_when_the_check_began_reading(fake, path, clock):
    """A slow list read (retries, a long history) must not count as a later check: the
    request a late commit makes meanwhile may be missing from the pages read first."""
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    await submit(svc)
    [first] = await svc.reconcile()
    assert first.unknown and not first.posted
    clock.advance(QUIET - 1)
    quick_list = fake.retro_requests

    async def read_slowly(customer_id, **kwargs):
        page = await quick_list(customer_id, **kwargs)
        clock.advance(2)  # it ends past the quiet period, but it began inside it
        return page

    fake.retro_requests = read_slowly
    [second] = await svc.reconcile()
    assert second.unknown and not second.posted and fake.posts == 1
    fake.retro_requests = quick_list
    [third] = await svc.reconcile()  # begun after the quiet period
    assert third.sent and third.posted and fake.posts == 2


async def test_fresh_sending_claims_are_left_to_whoever_is_sending_them(fake, path):
    outbox = ClaimsOutbox(path)
    claim = outbox.enqueue(
        till_id=SETTINGS.till_id,
        customer_id=CUSTOMER,
        transaction_id=TXN,
        bill_number="B",
        amount=1,
        notes="",
        body={},
    )
    outbox.mark_sending(claim.id)
    svc = service(fake, path, grace=timedelta(minutes=1))
    [outcome] = await svc.reconcile()
    assert outcome.unknown and "being sent right now" in outcome.message
    assert fake.posts == 0 and fake.list_calls == 0


async def test_two_apps_on_one_till_reconciling_at_once_resend_once(fake, path, clock):
    fake.behaviour = ["lost_request"]
    await submit(service(fake, path))
    await service(fake, path).reconcile()  # the first check
    clock.advance(QUIET)
    fake.list_gate = asyncio.Event()
    fake.list_calls = 0
    first, second = service(fake, path), service(fake, path)
    tasks = [asyncio.create_task(first.reconcile()), asyncio.create_task(second.reconcile())]
    await until(lambda: fake.list_calls == 2)  # both read the list before either resends
    fake.list_gate.set()
    [[a], [b]] = await asyncio.gather(*tasks)
    assert sorted([a.posted, b.posted]) == [False, True]
    assert fake.on_server(TXN) == 1
    assert fake.posts == 2  # the first, lost one and a single resend


async def test_a_claim_settled_by_another_app_meanwhile_is_reported_not_touched(fake, path):
    fake.behaviour = ["lost_answer"]
    await submit(service(fake, path))
    fake.list_gate = asyncio.Event()
    svc = service(fake, path)
    task = asyncio.create_task(svc.reconcile())
    await until(lambda: fake.list_calls == 1)  # it has read the claim and waits for the list
    other_app = ClaimsOutbox(path)
    [claim] = other_app.unresolved()
    other_app.mark_refused(claim.id, error="Checked by a supervisor")
    fake.list_gate.set()
    [outcome] = await task
    assert outcome.refused and not outcome.posted
    assert outcome.message == "The claim was refused: Checked by a supervisor"
    assert ClaimsOutbox(path).get(claim.id).state == "refused"
    assert fake.posts == 1


async def test_reconcile_leaves_claims_in_flight_alone(fake, path):
    svc = service(fake, path)
    fake.release = asyncio.Event()
    task = asyncio.create_task(submit(svc))
    await until(lambda: fake.posts == 1)
    assert await svc.reconcile() == []
    fake.release.set()
    assert (await task).sent
    assert fake.posts == 1


async def test_cancelled_while_waiting_for_the_answer_is_unknown(fake, path, clock):
    svc = service(fake, path)
    fake.release = asyncio.Event()
    task = asyncio.create_task(submit(svc))
    await until(lambda: fake.posts == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [claim] = ClaimsOutbox(path).unresolved()
    assert claim.state == "unknown"
    fake.release = None
    [outcome] = await check_twice(svc, clock)
    assert outcome.sent and outcome.posted  # never arrived: the fake was still waiting
    assert fake.on_server(TXN) == 1


async def test_an_unexpected_error_leaves_the_claim_unknown_not_unsent(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["boom"]
    outcome = await submit(svc)
    assert outcome.unknown
    assert outcome.claim.error == "unexpected KeyError"
    [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert fake.on_server(TXN) == 1


async def test_a_till_that_cannot_claim_stores_nothing(fake, path):
    svc = ClaimService(
        fake, ClaimsOutbox(path), SETTINGS.model_copy(update={"till_id": ""}), SECRETS
    )
    with pytest.raises(BadRequest):
        await submit(svc)
    assert ClaimsOutbox(path).recent() == []
    assert fake.posts == 0


# -- crashes: a new process (new outbox and service on the same file) reconciles ---------------


async def crash_then_reconcile(path: Path, fake: FakeIntouch, stop_after: str) -> None:
    """Run a claim by hand up to `stop_after`, drop everything, reconcile in a 'new process'."""
    from tillui.api import build_retro_claim

    outbox = ClaimsOutbox(path, clock=fake.clock)
    request = build_retro_claim(
        SETTINGS, SECRETS, transaction_id=TXN, customer_id=CUSTOMER, notes="walk-in"
    )
    claim = outbox.enqueue(
        till_id=SETTINGS.till_id,
        customer_id=CUSTOMER,
        transaction_id=TXN,
        bill_number="B-1",
        amount="10.00",
        notes="walk-in",
        body=request.to_json(),
    )
    if stop_after != "enqueue":
        outbox.mark_sending(claim.id)
    if stop_after == "server_received":
        fake.make_request(CUSTOMER, TXN)
    del outbox  # killed: no close, no mark_sent

    restarted = service(fake, path)
    [outcome] = await restarted.reconcile()
    if stop_after == "mark_sending":  # the POST may be out: checked twice before a resend
        assert outcome.unknown and not outcome.posted
        fake.clock.advance(QUIET)
        [outcome] = await restarted.reconcile()
    assert outcome.sent
    assert outcome.posted is (stop_after != "server_received")
    assert fake.on_server(TXN) == 1
    assert await restarted.reconcile() == []
    assert (await submit(restarted)).kind == "already_claimed"
    assert fake.on_server(TXN) == 1


@pytest.mark.parametrize("stop_after", ["enqueue", "mark_sending", "server_received"])
async def test_exactly_one_request_after_a_crash(fake, path, stop_after):
    await crash_then_reconcile(path, fake, stop_after)


# -- regressions named in issue 9 -------------------------------------------------------------


async def test_stale_match_an_older_rejected_request_does_not_settle_a_new_claim(fake, path, clock):
    """An earlier REJECTED request for the same bill (another till, two days ago) must not
    mark a claim that never arrived as sent: it is resent, after the quiet period."""
    fake.make_request(
        CUSTOMER, TXN, status="REJECTED", added_on=clock() - timedelta(days=2), till=TILL + 7
    )
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]
    assert (await submit(svc)).unknown
    [settled] = await check_twice(svc, clock)
    assert settled.sent and settled.posted
    assert settled.claim.request_id != "req-1"
    assert fake.on_server(TXN) == 2  # the old rejected one and this claim's


async def test_slow_commit_the_first_post_landing_late_is_found_not_resent(fake, path, clock):
    """The server commits the first POST after the client gave up: a reconcile right after
    the timeout finds nothing, and still nothing is resent before the quiet period; the
    second check finds the late request."""
    svc = service(fake, path)
    fake.behaviour = ["lost_request"]  # nothing on the server when the client gives up
    assert (await submit(svc)).unknown
    for _ in range(3):  # eager reconciles right after the timeout
        [early] = await svc.reconcile()
        assert early.unknown and not early.posted
        clock.advance(5)
    fake.make_request(CUSTOMER, TXN)  # the slow commit lands
    clock.advance(QUIET)
    [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert fake.posts == 1 and fake.on_server(TXN) == 1


async def test_the_workflow_list_is_the_first_witness(fake, path):
    fake.workflow_list = True
    svc = service(fake, path)
    fake.behaviour = ["lost_answer"]
    await submit(svc)
    [settled] = await svc.reconcile()
    assert settled.sent and not settled.posted
    assert fake.workflow_calls == 1 and fake.list_calls == 0
    assert settled.claim.server_state == "AdminTask"


async def test_a_failing_workflow_list_falls_back_to_the_customers_list(fake, path):
    svc = service(fake, path)
    fake.behaviour = ["lost_answer"]
    await submit(svc)
    [settled] = await svc.reconcile()
    assert settled.sent and fake.workflow_calls == 1 and fake.list_calls == 1


async def test_one_customers_failure_does_not_stop_the_others(fake, path, clock):
    svc = service(fake, path)
    fake.behaviour = ["lost_answer", "lost_answer"]
    await submit(svc, transaction_id=TXN, customer_id=CUSTOMER)
    await submit(svc, transaction_id=TXN + 1, customer_id=CUSTOMER + 1)
    real = fake.retro_requests

    async def broken_for_one(customer_id: int, **kwargs):
        if customer_id == CUSTOMER:
            raise RecursionError("deeply nested")  # not even an IntouchError
        return await real(customer_id, **kwargs)

    fake.retro_requests = broken_for_one
    outcomes = {o.claim.customer_id: o for o in await svc.reconcile()}
    assert outcomes[CUSTOMER].unknown and not outcomes[CUSTOMER].posted
    assert outcomes[CUSTOMER + 1].sent


async def test_a_rejected_claim_can_be_claimed_again(fake, path):
    fake.workflow_list = True
    svc = service(fake, path)
    first = await submit(svc)
    assert first.sent
    fake.requests[0].status = "REJECTED"  # the checker said no
    again = await submit(svc)
    assert again.sent and again.posted and again.claim.id != first.claim.id
    assert ClaimsOutbox(path).get(first.claim.id).state == "refused"
    assert fake.on_server(TXN) == 2


async def test_background_reconcile_runs_until_settled_then_stops(fake, path, clock):
    slept: list[float] = []
    svc = ClaimService(
        fake,
        ClaimsOutbox(path, clock=clock),
        SETTINGS,
        SECRETS,
        sending_grace=timedelta(0),
        clock=clock,
        sleep=napping(slept, clock),
    )
    reported: list = []
    fake.behaviour = ["lost_request"]
    assert (await submit(svc)).unknown
    svc.start_background(reported.extend)
    await asyncio.wait_for(svc.background_finished(), 10)
    assert not svc.background_running
    assert await svc.unresolved_count() == 0
    assert fake.posts == 2 and fake.on_server(TXN) == 1
    assert reported[-1].sent and reported[-1].posted
    assert sum(slept) >= QUIET  # never resent inside the quiet period
    assert max(slept) <= QUIET / 2


async def test_a_submit_left_unknown_starts_the_background_reconcile(fake, path):
    svc = service(fake, path)
    svc.start_background(lambda outcomes: None)
    await asyncio.sleep(0)
    fake.behaviour = ["lost_answer"]
    assert (await submit(svc)).unknown
    assert svc.background_running
    await asyncio.wait_for(svc.background_finished(), 10)
    assert await svc.unresolved_count() == 0
    await svc.stop_background()
