from __future__ import annotations

import json

import pytest

from tillui.sandbox import DEMO, FaultRule

from .test_sandbox_support import client, error_code, lookup_params, make_app, state_of

DETAILS = "/v2/customers/lookup/customerDetails"
ASHA = lookup_params("mobile", DEMO.asha.mobile)


async def test_status_fault_hits_the_next_n_requests_under_the_prefix_only():
    app = make_app()
    state_of(app).faults.inject("/v2/customers", "status", count=2, status=503)
    async with client(app) as http:
        other = await http.get(f"/v2/transactions/getByBillNumber/{DEMO.shared_bill_number}")
        first = await http.get(DETAILS, params=ASHA)
        second = await http.get(f"/v2/customers/{DEMO.asha.customer_id}")
        third = await http.get(DETAILS, params=ASHA)
    assert other.status_code == 200
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert error_code(first) == 503 and first.headers["X-Cap-Requestid"]
    assert state_of(app).faults.rules == ()


async def test_rate_limit_with_and_without_retry_after():
    app = make_app()
    faults = state_of(app).faults
    faults.inject("/v2/", "rate_limit", retry_after=2)
    faults.inject("/v2/", "rate_limit")
    async with client(app) as http:
        limited = await http.get(DETAILS, params=ASHA)
        bare = await http.get(DETAILS, params=ASHA)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    assert error_code(limited) == 429
    assert bare.status_code == 429 and "Retry-After" not in bare.headers


async def test_malformed_json_and_html_bodies():
    app = make_app()
    faults = state_of(app).faults
    faults.inject(DETAILS, "malformed_json")
    faults.inject(DETAILS, "html", status=502)
    async with client(app) as http:
        malformed = await http.get(DETAILS, params=ASHA)
        html = await http.get(DETAILS, params=ASHA)
    assert malformed.status_code == 200
    assert malformed.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.text)
    assert html.status_code == 502 and html.headers["content-type"].startswith("text/html")
    assert "<html>" in html.text


async def test_delay_fault_and_latency(monkeypatch):
    """The sandbox's sleeps, recorded rather than timed: no wall-clock figure to miss."""
    import asyncio

    from tillui.sandbox import middleware

    slept: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float, *args):
        slept.append(seconds)
        return await real_sleep(seconds, *args)

    monkeypatch.setattr(middleware.asyncio, "sleep", recording_sleep)
    app = make_app(latency_seconds=0.05)
    state_of(app).faults.inject("/v2/", "delay", delay_seconds=0.15)
    async with client(app) as http:
        delayed = await http.get(DETAILS, params=ASHA)
        delayed_slept, slept[:] = list(slept), []
        plain = await http.get(DETAILS, params=ASHA)
    assert delayed.status_code == 200 and delayed.json()["id"] == DEMO.asha.customer_id
    assert delayed_slept == [0.05, 0.15]  # the latency, then the delay
    assert plain.status_code == 200 and slept == [0.05]  # the latency alone


async def test_http_control_api():
    app = make_app()
    async with client(app) as http:
        armed = await http.post(
            "/__sandbox/faults",
            json=[
                {"pathPrefix": "/v2/customers", "kind": "status", "status": 500, "count": 3},
                {"pathPrefix": "/api_gateway", "kind": "rate_limit", "retryAfter": 1},
            ],
        )
        listed = await http.get("/__sandbox/faults")
        failing = await http.get(DETAILS, params=ASHA)
        cleared = await http.delete("/__sandbox/faults")
        healthy = await http.get(DETAILS, params=ASHA)
        bad = await http.post("/__sandbox/faults", json={"pathPrefix": "/v2", "kind": "explode"})
        latency = await http.put("/__sandbox/latency", json={"seconds": 0.01})
    assert armed.status_code == 200
    assert [f["kind"] for f in listed.json()["faults"]] == ["status", "rate_limit"]
    assert listed.json()["faults"][0]["count"] == 3
    assert failing.status_code == 500
    assert cleared.json()["faults"] == []
    assert healthy.status_code == 200
    assert bad.status_code == 400 and error_code(bad) == 99001
    assert latency.json()["latencySeconds"] == 0.01
    assert state_of(app).faults.latency_seconds == 0.01


@pytest.mark.parametrize(
    "kwargs",
    [
        {"path_prefix": "v2", "kind": "status"},
        {"path_prefix": "/v2", "kind": "boom"},
        {"path_prefix": "/v2", "kind": "status", "count": 0},
        {"path_prefix": "/v2", "kind": "status", "status": 42},
        {"path_prefix": "/v2", "kind": "delay", "delay_seconds": -1},
    ],
)
def test_fault_rule_validation(kwargs):
    with pytest.raises(ValueError):
        FaultRule(**kwargs)


async def test_unhandled_error_becomes_a_500_envelope(monkeypatch):
    app = make_app()

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("tillui.sandbox.routes_customers.render.customer_details", explode)
    async with client(app) as http:
        response = await http.get(DETAILS, params=ASHA)
    assert response.status_code == 500 and error_code(response) == 500
    assert response.headers["X-Cap-Requestid"]


# -- the commit faults, the random mix, the request log -----------------------------------------


def _claim_of(app):
    from .test_sandbox_support import claim_body

    state = state_of(app)
    registered = state.customers.get(DEMO.omar.customer_id).registered_at
    bill = next(
        state.transactions.get(i)
        for i in reversed(state.journal_transaction_ids)
        if state.transactions.get(i).billing_time > registered
    )
    return bill, claim_body(bill.id, DEMO.omar.customer_id)


async def test_commit_drop_commits_then_drops_the_connection():
    from .test_sandbox_support import CLAIM_PATH, GATEWAY

    app = make_app()
    bill, body = _claim_of(app)
    state_of(app).faults.inject(CLAIM_PATH, "commit_drop", method="POST")
    async with client(app, **GATEWAY) as http:
        with pytest.raises(ConnectionResetError):
            await http.post(CLAIM_PATH, json=body)
    assert bill.type == "REGULAR" and len(state_of(app).workflow_requests) == 1
    assert state_of(app).request_log.claim_posts() == {bill.id: 1}
    assert state_of(app).request_log.entries[-1].fault == "commit_drop"


async def test_commit_delay_commits_at_once_and_answers_late():
    import asyncio

    from .test_sandbox_support import CLAIM_PATH, GATEWAY

    app = make_app()
    bill, body = _claim_of(app)
    state_of(app).faults.inject(CLAIM_PATH, "commit_delay", delay_seconds=0.3)
    async with client(app, **GATEWAY) as http:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):  # the till gives up first
                await http.post(CLAIM_PATH, json=body)
    assert bill.type == "REGULAR"  # committed before the answer was due


async def test_slow_commit_lands_after_the_client_has_gone():
    import asyncio

    from .test_sandbox_support import CLAIM_PATH, GATEWAY

    app = make_app()
    bill, body = _claim_of(app)
    state = state_of(app)
    state.faults.inject(CLAIM_PATH, "slow_commit", delay_seconds=0.2)
    async with client(app, **GATEWAY) as http:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.05):
                await http.post(CLAIM_PATH, json=body)
        assert bill.type == "NOT_INTERESTED" and state.workflow_requests == {}
        await asyncio.wait(state.background)  # the late commit, on its own
        summary = (await http.get("/__sandbox/claims")).json()["bills"]
    assert bill.type == "REGULAR" and len(state.workflow_requests) == 1
    assert summary[str(bill.id)] == {"posts": 1, "requests": 1, "succeeded": 1}


def test_the_fault_mix_is_seeded_and_commit_faults_hit_only_writes():
    from tillui.sandbox.faults import COMMIT_FAULTS, FaultMix

    def draws(seed: int, method: str) -> list:
        mix = FaultMix(0.5, seed)
        return [getattr(mix.draw("/x", method), "kind", None) for _ in range(400)]

    assert draws(3, "POST") == draws(3, "POST") != draws(4, "POST")
    gets = draws(3, "GET")
    assert 120 < sum(k is not None for k in gets) < 280
    assert not COMMIT_FAULTS & set(gets)
    assert set(draws(3, "POST")) >= COMMIT_FAULTS


async def test_control_api_arms_commit_faults_and_the_mix():
    app = make_app()
    async with client(app) as http:
        armed = await http.post(
            "/__sandbox/faults",
            json={"pathPrefix": "/api_gateway", "kind": "slow_commit", "delaySeconds": 2},
        )
        mixed = await http.put("/__sandbox/fault-mix", json={"rate": 0.2, "seed": 9})
        bad = await http.put("/__sandbox/fault-mix", json={"rate": 2})
        await http.get(DETAILS, params=ASHA)
        log = (await http.get("/__sandbox/log")).json()["requests"]
        off = await http.put("/__sandbox/fault-mix", json={"rate": 0})
    assert armed.json()["faults"][0]["kind"] == "slow_commit"
    assert mixed.json()["mix"]["rate"] == 0.2 and bad.status_code == 400
    assert log[-1]["path"] == DETAILS and "/__sandbox" not in {e["path"][:10] for e in log}
    assert off.json()["mix"] is None


def test_tillui_sandbox_flags(monkeypatch):
    from tillui.sandbox import server

    parsed = server._parser().parse_args(
        ["--faults", "0.2", "--commit-fault", "slow_commit", "--refuse-duplicates"]
    )
    assert parsed.faults == 0.2 and parsed.commit_fault == ["slow_commit"]
    assert parsed.refuse_duplicates
    with pytest.raises(SystemExit):
        server._parser().parse_args(["--faults", "1.5"])


def test_the_same_seed_faults_the_same_tries_of_the_same_claims_in_any_interleaving():
    import random

    from tillui.sandbox.faults import FaultMix

    path = "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"
    tries = [(bill, n) for bill in range(1, 41) for n in range(3)]  # 40 bills, 3 tries each

    def faulted(seed: int, order_seed: int) -> set:
        mix, order = FaultMix(0.3, seed), list(tries)
        random.Random(order_seed).shuffle(order)
        order.sort(key=lambda t: t[1])  # each bill's tries stay in order, the bills interleave
        return {
            (bill, n, rule.kind)
            for bill, n in order
            if (rule := mix.draw(path, "POST", transaction=bill)) is not None
        }

    assert faulted(7, 1) == faulted(7, 2) == faulted(7, 3)
    assert faulted(7, 1) and faulted(7, 1) != faulted(8, 1)
