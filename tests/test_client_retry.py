"""Retries (GETs only, transient failures only, bounded) and the concurrency of lookup."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from tests.test_client_helpers import (
    CUSTOMER,
    MOBILE,
    POINTS,
    FakeClock,
    Recorder,
    envelope,
    make_client,
    make_secrets,
    make_settings,
    reply,
)
from tillui.api import (
    BadRequest,
    ClaimOutcomeUnknown,
    CustomerNotFound,
    IntouchClient,
    IntouchError,
    RateLimited,
    RetroClaimRequest,
    RetroNotAllowed,
    RetryPolicy,
    Timeout,
    Unavailable,
    build_retro_claim,
)


def sequence(*steps: httpx.Response | Exception) -> Recorder:
    """Answers in order; the last one repeats."""
    remaining = list(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        step = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(step, Exception):
            raise step
        return step

    return Recorder(handler)


async def test_get_is_retried_on_503_then_succeeds() -> None:
    clock = FakeClock()
    recorder = sequence(reply(503, envelope(503, "busy")), reply(body=POINTS))
    async with make_client(recorder, clock=clock) as client:
        balance = await client.points_balance([MOBILE])
    assert balance.main_points == 8500
    assert len(recorder.requests) == 2
    assert clock.sleeps == [pytest.approx(0.15)]  # 0.2 s backoff, jitter 0.5 -> 75 %


@pytest.mark.parametrize(
    "transient",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(502),
        httpx.Response(504),
    ],
    ids=["connect-error", "timeout", "502", "504"],
)
async def test_get_is_retried_on_each_transient_failure(
    transient: httpx.Response | Exception,
) -> None:
    recorder = sequence(transient, reply(body=POINTS))
    async with make_client(recorder) as client:
        await client.points_balance([MOBILE])
    assert len(recorder.requests) == 2


async def test_at_most_two_retries_with_growing_backoff() -> None:
    clock = FakeClock()
    recorder = sequence(httpx.ReadTimeout("slow"))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(Timeout):
            await client.points_balance([MOBILE])
    assert len(recorder.requests) == 3
    assert clock.sleeps == [pytest.approx(0.15), pytest.approx(0.3)]


@pytest.mark.parametrize(
    "answer",
    [
        reply(500, envelope(500, "boom")),
        reply(400, envelope(8015, "Customer not found for the given identifiers")),
        reply(400, envelope(11013, "source can not be empty")),
        reply(401, {}),
        httpx.Response(200, content=b"<html></html>"),
    ],
    ids=["500", "8015", "11013", "401", "html"],
)
async def test_permanent_failures_are_not_retried(answer: httpx.Response) -> None:
    recorder = sequence(answer)
    async with make_client(recorder) as client:
        with pytest.raises(IntouchError):  # which one is tested in test_client_errors
            await client.points_balance([MOBILE])
    assert len(recorder.requests) == 1


async def test_short_retry_after_is_waited_for() -> None:
    clock = FakeClock()
    recorder = sequence(reply(429, {}, headers={"Retry-After": "2"}), reply(body=POINTS))
    async with make_client(recorder, clock=clock) as client:
        await client.points_balance([MOBILE])
    assert clock.sleeps == [2.0]
    assert len(recorder.requests) == 2


async def test_long_retry_after_raises_rate_limited_at_once() -> None:
    clock = FakeClock()
    recorder = sequence(reply(429, {}, headers={"Retry-After": "30"}))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(RateLimited) as caught:
            await client.points_balance([MOBILE])
    assert caught.value.retry_after == 30
    assert clock.sleeps == []
    assert len(recorder.requests) == 1


async def test_429_without_retry_after_backs_off() -> None:
    clock = FakeClock()
    recorder = sequence(reply(429, {}), reply(body=POINTS))
    async with make_client(recorder, clock=clock) as client:
        await client.points_balance([MOBILE])
    assert clock.sleeps == [pytest.approx(0.15)]


async def test_total_time_bound_stops_retrying() -> None:
    clock = FakeClock()

    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.now += 5  # each attempt burns 5 s of the 6 s budget
        return reply(503, {})

    recorder = Recorder(slow_failure)
    policy = RetryPolicy(total_seconds=6.0)
    async with make_client(recorder, clock=clock, policy=policy) as client:
        with pytest.raises(Unavailable):
            await client.points_balance([MOBILE])
    assert len(recorder.requests) == 2


async def test_retried_attempts_get_only_the_time_that_is_left() -> None:
    clock = FakeClock()

    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.now += 5
        return reply(503, {})

    recorder = Recorder(slow_failure)
    policy = RetryPolicy(total_seconds=12.0)
    async with make_client(recorder, clock=clock, policy=policy) as client:
        with pytest.raises(Unavailable):
            await client.points_balance([MOBILE])
    read_timeouts = [r.extensions["timeout"]["read"] for r in recorder.requests]
    # settings.read_timeout is 10 s; the retries start 5.15 s and 10.45 s into a 12 s budget.
    assert read_timeouts == pytest.approx([10.0, 6.85, 1.55])


async def test_lookup_without_identifiers_is_a_bad_request() -> None:
    recorder = Recorder(lambda request: reply(body=POINTS))
    async with make_client(recorder) as client:
        with pytest.raises(BadRequest):
            await client.lookup([])
    assert recorder.requests == []


def claim_client(recorder: Recorder) -> IntouchClient:
    return make_client(recorder)


def a_claim() -> RetroClaimRequest:
    return build_retro_claim(make_settings(), make_secrets(), transaction_id=7, customer_id=9)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("no answer"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
        httpx.Response(503),
        httpx.Response(504),
    ],
    ids=["timeout", "connect-error", "dropped", "503", "504"],
)
async def test_claim_post_is_never_retried_and_outcome_is_unknown(
    failure: httpx.Response | Exception,
) -> None:
    recorder = sequence(failure, reply(body={"data": {"requestId": "x", "state": "AdminTask"}}))
    async with claim_client(recorder) as client:
        with pytest.raises(ClaimOutcomeUnknown) as caught:
            await client.submit_retro_claim(a_claim())
    assert len(recorder.requests) == 1
    assert recorder.requests[0].method == "POST"
    assert "may or may not" in caught.value.hint


async def test_claim_refusal_is_not_retried() -> None:
    recorder = sequence(reply(400, envelope(1, "Transaction already tagged")))
    async with claim_client(recorder) as client:
        with pytest.raises(RetroNotAllowed):
            await client.submit_retro_claim(a_claim())
    assert len(recorder.requests) == 1


class BarrierTransport(httpx.AsyncBaseTransport):
    """Answers nothing until `expected` requests are in flight at once (or fails the test)."""

    def __init__(
        self, respond: Callable[[httpx.Request], httpx.Response], expected: int = 2
    ) -> None:
        self.respond = respond
        self.expected = expected
        self.arrived: list[str] = []
        self.all_here = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.arrived.append(request.url.path)
        if len(self.arrived) >= self.expected:
            self.all_here.set()
        await asyncio.wait_for(self.all_here.wait(), timeout=2)
        return self.respond(request)


def customer_or_points(request: httpx.Request) -> httpx.Response:
    return reply(body=CUSTOMER if request.url.path.endswith("customerDetails") else POINTS)


async def test_lookup_sends_details_and_points_concurrently() -> None:
    transport = BarrierTransport(customer_or_points)
    async with make_client(transport) as client:
        found = await client.lookup([MOBILE])
    assert sorted(transport.arrived) == [
        "/v2/customers/lookup/customerDetails",
        "/v2/customers/lookup/points/balance",
    ]
    assert found.details.name == "Asha Rao"
    assert found.points.main_points == 8500


class NotFoundThenHang(httpx.AsyncBaseTransport):
    """Details: 8015 once points is in flight. Points: never answers (must be cancelled)."""

    def __init__(self) -> None:
        self.points_in_flight = asyncio.Event()
        self.points_cancelled = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("customerDetails"):
            await asyncio.wait_for(self.points_in_flight.wait(), timeout=2)
            return reply(400, envelope(8015, "Customer not found for the given identifiers"))
        self.points_in_flight.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.points_cancelled = True
            raise
        return reply(body=POINTS)


async def test_lookup_not_found_cancels_the_other_request() -> None:
    transport = NotFoundThenHang()
    async with make_client(transport) as client:
        with pytest.raises(CustomerNotFound) as caught:
            await asyncio.wait_for(client.lookup([MOBILE]), timeout=5)
    assert caught.value.code == 8015
    assert transport.points_cancelled


async def test_lookup_reports_the_failure_of_either_half() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("points/balance"):
            return reply(400, envelope(1212, "entity type not valid"))
        return reply(body=CUSTOMER)

    async with make_client(handler) as client:
        with pytest.raises(BadRequest, match="entity type"):
            await client.lookup([MOBILE])
