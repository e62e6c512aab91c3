"""Request-workflow gateway: claim, checker decision, read a request (document 002)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import render
from .auth import authenticate_checker, authenticate_v2
from .web import ok, read_json, require_gateway_auth, sandbox
from .workflow import decide, get_request, submit_claim
from .workflow_list import WorkflowQuery, list_requests

RETRO_WORKFLOW_PATH = "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"


async def claim(request: Request) -> JSONResponse:
    state = require_gateway_auth(request)
    return ok(render.workflow_request(submit_claim(state, await read_json(request))))


async def decision(request: Request) -> JSONResponse:
    # The checker's own token (CanCheckRequest), not the maker's; and, like every gateway
    # call, the till's credentials unless configured off.
    authenticate_checker(request.headers)
    state = sandbox(request)
    if state.config.gateway_till_auth:
        authenticate_v2(state, request.headers)
    return ok(render.workflow_request(decide(state, await read_json(request))))


async def read_request(request: Request) -> JSONResponse:
    state = require_gateway_auth(request)
    return ok(render.workflow_request(get_request(state, request.path_params["request_id"])))


async def list_workflow_requests(request: Request) -> JSONResponse:
    state = require_gateway_auth(request)
    query = WorkflowQuery.from_params(request.query_params)
    found, total = list_requests(state, query)
    return ok(render.workflow_page(found, page=query.page, limit=query.limit, total=total))


routes = [
    Route(RETRO_WORKFLOW_PATH, claim, methods=["POST"]),
    Route(RETRO_WORKFLOW_PATH, decision, methods=["PUT"]),
    Route("/api_gateway/v2/request-workflow/requests", list_workflow_requests, methods=["GET"]),
    Route("/api_gateway/v2/request-workflow/requests/{request_id}", read_request, methods=["GET"]),
]
