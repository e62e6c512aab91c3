"""Small helpers shared by the route modules."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .auth import authenticate_gateway, authenticate_v2
from .errors import INVALID_JSON, INVALID_PARAMETER, ApiError
from .state import SandboxState


def sandbox(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def require_v2_auth(request: Request) -> SandboxState:
    state = sandbox(request)
    authenticate_v2(state, request.headers)
    return state


def require_gateway_auth(request: Request) -> SandboxState:
    """The gateway's org/user headers, and (unless configured off) the till's own Basic or
    OAuth credentials, which documents 002 and the approve/reject page list as prerequisites."""
    authenticate_gateway(request.headers)
    state = sandbox(request)
    if state.config.gateway_till_auth:
        authenticate_v2(state, request.headers)
    return state


async def read_json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(INVALID_JSON) from None


def int_query(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(INVALID_PARAMETER, f"{name} must be an integer") from None
    if value < minimum:
        raise ApiError(INVALID_PARAMETER, f"{name} must be at least {minimum}")
    return value


def ok(payload: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status_code)
