"""The sandbox's own control endpoints (not Intouch): arm and clear faults, set the random
fault mix and latency, read the request log and a per-bill count of claims."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .errors import INVALID_PARAMETER, ApiError
from .faults import FaultMix, FaultRule
from .web import ok, read_json, sandbox

CONTROL_PREFIX = "/__sandbox/"


def _listing(request: Request) -> JSONResponse:
    faults = sandbox(request).faults
    return ok(
        {
            "faults": [r.to_json() for r in faults.rules],
            "latencySeconds": faults.latency_seconds,
            "mix": None if faults.mix is None else faults.mix.to_json(),
        }
    )


async def list_faults(request: Request) -> JSONResponse:
    return _listing(request)


async def add_fault(request: Request) -> JSONResponse:
    """Body: one rule or a list of rules, e.g. {"pathPrefix": "/v2/customers", "kind": "status",
    "status": 503, "count": 2}; kinds: status, rate_limit (retryAfter), delay (delaySeconds),
    malformed_json, html."""
    body = await read_json(request)
    try:
        rules = [FaultRule.from_json(item) for item in (body if isinstance(body, list) else [body])]
    except (TypeError, ValueError) as problem:
        raise ApiError(INVALID_PARAMETER, f"Invalid fault: {problem}") from None
    for rule in rules:
        sandbox(request).faults.add(rule)
    return _listing(request)


async def clear_faults(request: Request) -> JSONResponse:
    sandbox(request).faults.clear()
    return _listing(request)


async def set_latency(request: Request) -> JSONResponse:
    body = await read_json(request)
    seconds = body.get("seconds") if isinstance(body, dict) else None
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise ApiError(INVALID_PARAMETER, "seconds must be a number >= 0")
    sandbox(request).faults.latency_seconds = float(seconds)
    return _listing(request)


async def set_fault_mix(request: Request) -> JSONResponse:
    """Body: {"rate": 0.2, "seed": 7, "delaySeconds": 2.0, "kinds": [...]} or {"rate": 0}."""
    body = await read_json(request)
    try:
        mix = FaultMix.from_json(body)
    except (TypeError, ValueError) as problem:
        raise ApiError(INVALID_PARAMETER, f"Invalid fault mix: {problem}") from None
    sandbox(request).faults.mix = mix if mix.rate > 0 else None
    return _listing(request)


async def request_log(request: Request) -> JSONResponse:
    log = sandbox(request).request_log
    return ok({"requests": [e.to_json() for e in log.entries]})


async def claims_by_bill(request: Request) -> JSONResponse:
    """Per claimed bill: POSTs received (the request log), workflow requests kept, and how
    many of those succeeded. Late commits still running are waited for first."""
    state = sandbox(request)
    pending = [t for t in state.background if not t.done()]
    if pending:
        await asyncio.wait(pending)
    posts = state.request_log.claim_posts()
    kept: dict[int, list[str]] = {}
    for workflow in state.workflow_requests.values():
        kept.setdefault(workflow.retro_request.transaction_id, []).append(
            workflow.retro_request.status
        )
    bills = sorted(set(posts) | set(kept))
    return ok(
        {
            "bills": {
                str(bill): {
                    "posts": posts.get(bill, 0),
                    "requests": len(kept.get(bill, [])),
                    "succeeded": kept.get(bill, []).count("SUCCESS"),
                }
                for bill in bills
            }
        }
    )


async def claimable(request: Request) -> JSONResponse:
    """For soak tests: the journal's bills still NOT_INTERESTED and within the age limit, and
    customers registered before all of them (each such pair passes both limits)."""
    state = sandbox(request)
    now = state.now()
    oldest = now - timedelta(days=state.config.retro_max_age_days) + timedelta(hours=1)
    bills = [
        txn
        for txn in (state.transactions.get(i) for i in state.journal_transaction_ids)
        if txn is not None and txn.type == "NOT_INTERESTED" and txn.billing_time > oldest
    ]
    return ok(
        {
            "bills": [
                {"transactionId": b.id, "billNumber": b.bill_number, "amount": b.amount}
                for b in bills
            ],
            "customers": [
                c.id
                for c in state.customers
                if c.registered_at < oldest - timedelta(hours=1) and c.loyalty_type == "loyalty"
            ],
        }
    )


routes = [
    Route("/__sandbox/faults", list_faults, methods=["GET"]),
    Route("/__sandbox/faults", add_fault, methods=["POST"]),
    Route("/__sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/__sandbox/latency", set_latency, methods=["PUT"]),
    Route("/__sandbox/fault-mix", set_fault_mix, methods=["PUT"]),
    Route("/__sandbox/log", request_log, methods=["GET"]),
    Route("/__sandbox/claims", claims_by_bill, methods=["GET"]),
    Route("/__sandbox/claimable", claimable, methods=["GET"]),
]
