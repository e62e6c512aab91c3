"""A customer's retro requests (documents 000 and 001), newest first, paginated."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import render
from .errors import REQUEST_NOT_FOUND, ApiError
from .lookup import customer_by_path_id, lookup_customer
from .model import Customer
from .state import SandboxState
from .web import int_query, ok, require_v2_auth

DEFAULT_LIMIT = 10


def _page(state: SandboxState, customer: Customer, request: Request) -> JSONResponse:
    limit = int_query(request, "limit", DEFAULT_LIMIT, minimum=1)
    offset = int_query(request, "offset", 0, minimum=0)
    change_type = request.query_params.get("changeType", "RETRO").strip().upper() or "RETRO"
    # Only retro requests exist here; other change types (mobile, email, tier ...) are empty.
    if change_type == "RETRO":
        total = state.retro_requests.count(customer.id)
        items = state.retro_requests.page(customer.id, offset, limit)
    else:
        total, items = 0, []
    return ok(
        {
            "pagination": render.pagination(limit, offset, total),
            "data": [render.retro_request(r) for r in items],
            "warnings": [],
            "errors": [],
        }
    )


async def retro_requests_by_id(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    customer = customer_by_path_id(state, request.path_params["customer_id"])
    if customer is None:
        raise ApiError(REQUEST_NOT_FOUND)
    return _page(state, customer, request)


async def retro_requests_lookup(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    return _page(state, lookup_customer(state, request.query_params), request)


routes = [
    Route("/v2/customers/lookup/retroRequest", retro_requests_lookup, methods=["GET"]),
    Route("/v2/customers/{customer_id}/retroRequest", retro_requests_by_id, methods=["GET"]),
]
