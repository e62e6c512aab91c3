"""Transactions: by bill number, by ID, and the retro PUT (docs/intouch-api.md, "Transactions")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import render
from .errors import INVALID_PARAMETER, TRANSACTION_NOT_FOUND, TRANSACTION_TYPE_MISMATCH, ApiError
from .model import parse_id
from .retro import apply_retro
from .web import int_query, ok, read_json, require_v2_auth

TRANSACTION_TYPES = ("REGULAR", "NOT_INTERESTED")


def _type_param(request: Request, default: str | None) -> str | None:
    raw = request.query_params.get("type", "").strip().upper()
    if not raw:
        return default
    if raw not in TRANSACTION_TYPES:
        raise ApiError(INVALID_PARAMETER, f"type must be one of {', '.join(TRANSACTION_TYPES)}")
    return raw


async def by_bill_number(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    limit = int_query(request, "limit", 10, minimum=1)
    offset = int_query(request, "offset", 0, minimum=0)
    wanted = _type_param(request, default=None)
    found = state.transactions.by_bill_number(request.path_params["bill_number"])
    if wanted is not None:
        found = [t for t in found if t.type == wanted]
    return ok(
        {
            "pagination": render.pagination(limit, offset, len(found)),
            "data": [render.transaction(state, t) for t in found[offset : offset + limit]],
            "warnings": [],
            "errors": [],
        }
    )


async def by_id(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    # REGULAR when no type is sent, as for the other v2 transaction reads.
    wanted = _type_param(request, default="REGULAR")
    transaction_id = parse_id(request.path_params["transaction_id"])
    txn = None if transaction_id is None else state.transactions.get(transaction_id)
    if txn is None:
        raise ApiError(TRANSACTION_NOT_FOUND)
    if txn.type != wanted:
        raise ApiError(TRANSACTION_TYPE_MISMATCH, f"Transaction {txn.id} is not of type {wanted}")
    return ok(render.transaction(state, txn))


async def retro(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    txn = apply_retro(state, await read_json(request))
    return ok({"createdId": txn.id, "warnings": [], "errors": []}, status_code=201)


routes = [
    Route("/v2/transactions/retro", retro, methods=["PUT"]),
    Route("/v2/transactions/getByBillNumber/{bill_number}", by_bill_number, methods=["GET"]),
    Route("/v2/transactions/{transaction_id}", by_id, methods=["GET"]),
]
