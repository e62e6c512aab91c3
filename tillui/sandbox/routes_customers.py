"""Customer details and points balance (docs/intouch-api.md, "Customer details", "Points balance")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import render
from .errors import CUSTOMER_NOT_FOUND, INVALID_PARAMETER, ApiError
from .lookup import customer_by_path_id, lookup_customer
from .model import Customer, ProgramMembership, parse_id
from .web import ok, require_v2_auth


async def customer_details_lookup(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    return ok(render.customer_details(lookup_customer(state, request.query_params)))


async def customer_by_id(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    customer = customer_by_path_id(state, request.path_params["customer_id"])
    if customer is None:
        raise ApiError(CUSTOMER_NOT_FOUND)
    return ok(render.customer_details(customer))


def _programs_for_balance(customer: Customer, request: Request) -> list[ProgramMembership]:
    """Document 003's table: all programs (summed) when fetchDataForAllPrograms is true,
    else the given programId, else the default program."""
    params = request.query_params
    if params.get("fetchDataForAllPrograms", "").strip().lower() == "true":
        return list(customer.programs)
    program_id = params.get("programId", "").strip()
    if program_id:
        wanted = parse_id(program_id)
        if wanted is None:
            raise ApiError(INVALID_PARAMETER, "programId must be an integer")
        return [p for p in customer.programs if p.program_id == wanted]
    return customer.programs[:1]


async def points_balance_lookup(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    customer = lookup_customer(state, request.query_params)
    return ok(render.points_balance(customer, _programs_for_balance(customer, request)))


async def points_balance_by_id(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    customer = customer_by_path_id(state, request.path_params["customer_id"])
    if customer is None:
        raise ApiError(CUSTOMER_NOT_FOUND)
    return ok(render.points_balance(customer, _programs_for_balance(customer, request)))


routes = [
    Route("/v2/customers/lookup/customerDetails", customer_details_lookup, methods=["GET"]),
    Route("/v2/customers/lookup/points/balance", points_balance_lookup, methods=["GET"]),
    Route("/v2/customers/{customer_id}/points/balance", points_balance_by_id, methods=["GET"]),
    Route("/v2/customers/{customer_id}", customer_by_id, methods=["GET"]),
]
