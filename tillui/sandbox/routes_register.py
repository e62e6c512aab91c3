"""Add Customer V2 (docs/intouch-api.md, "Add Customer (V2)")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .registration import register
from .web import ok, read_json, require_v2_auth


async def add_customer(request: Request) -> JSONResponse:
    state = require_v2_auth(request)
    return ok(register(state, await read_json(request)))


routes = [Route("/v2/customers", add_customer, methods=["POST"])]
