"""`create_app`: the sandbox as one Starlette ASGI app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from . import (
    routes_control,
    routes_customers,
    routes_oauth,
    routes_register,
    routes_requests,
    routes_transactions,
    routes_workflow,
)
from .config import SandboxConfig
from .errors import ROUTE_NOT_FOUND, ApiError, error_envelope
from .middleware import SandboxMiddleware
from .seed import build_state


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(error_envelope(exc.code, exc.message), exc.http_status)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return JSONResponse(error_envelope(ROUTE_NOT_FOUND.code, ROUTE_NOT_FOUND.message), 404)
    return JSONResponse(
        error_envelope(exc.status_code, str(exc.detail)), exc.status_code, exc.headers
    )


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """A fresh sandbox with its seeded data; `app.state.sandbox` is its `SandboxState`."""
    state = build_state(config or SandboxConfig())
    # Lookup routes before by-ID ones: '/v2/customers/{id}/…' would also match 'lookup'.
    routes = [
        *routes_requests.routes,
        *routes_register.routes,
        *routes_customers.routes,
        *routes_transactions.routes,
        *routes_workflow.routes,
        *routes_oauth.routes,
        *routes_control.routes,
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SandboxMiddleware, state=state)],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.state.sandbox = state
    return app
