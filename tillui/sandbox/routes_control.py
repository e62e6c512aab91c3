"""The sandbox's own control endpoints (not Intouch): arm and clear faults, set latency."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .errors import INVALID_PARAMETER, ApiError
from .faults import FaultRule
from .web import ok, read_json, sandbox

CONTROL_PREFIX = "/__sandbox/"


def _listing(request: Request) -> JSONResponse:
    faults = sandbox(request).faults
    return ok(
        {"faults": [r.to_json() for r in faults.rules], "latencySeconds": faults.latency_seconds}
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


routes = [
    Route("/__sandbox/faults", list_faults, methods=["GET"]),
    Route("/__sandbox/faults", add_fault, methods=["POST"]),
    Route("/__sandbox/faults", clear_faults, methods=["DELETE"]),
    Route("/__sandbox/latency", set_latency, methods=["PUT"]),
]
