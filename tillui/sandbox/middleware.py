"""Outermost layer: the X-Cap-Requestid header, latency, injected faults, and crash envelopes."""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import INJECTED_FAULT, INTERNAL_ERROR, RATE_LIMITED, error_envelope
from .faults import FaultRule
from .routes_control import CONTROL_PREFIX
from .state import SandboxState
from .workflow import run_due_executions

logger = logging.getLogger(__name__)

MALFORMED_JSON_BODY = b'{"data": [{"id": 1, "status": "PEND'
HTML_BODY = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><p>upstream unavailable</p></body></html>"
)


def _retry_after_value(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


def fault_response(rule: FaultRule) -> Response:
    """The canned answer of an armed fault ("delay" faults have none: they slow a real one)."""
    if rule.kind == "rate_limit":
        headers = (
            {}
            if rule.retry_after is None
            else {"Retry-After": _retry_after_value(rule.retry_after)}
        )
        spec = RATE_LIMITED
        return JSONResponse(error_envelope(spec.code, spec.message), spec.http_status, headers)
    if rule.kind == "malformed_json":
        return Response(MALFORMED_JSON_BODY, rule.status or 200, media_type="application/json")
    if rule.kind == "html":
        return HTMLResponse(HTML_BODY, rule.status or 200)
    status = rule.status or INJECTED_FAULT.http_status
    return JSONResponse(error_envelope(status, f"{INJECTED_FAULT.message}: HTTP {status}"), status)


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = self.state.next_served_request_id()
        started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).append("X-Cap-Requestid", request_id)
            await send(message)

        path: str = scope["path"]
        if not path.startswith(CONTROL_PREFIX):
            faults = self.state.faults
            if faults.latency_seconds > 0:
                await asyncio.sleep(faults.latency_seconds)
            rule = faults.take(path)
            if rule is not None and rule.kind == "delay":
                await asyncio.sleep(rule.delay_seconds)
            elif rule is not None:
                await fault_response(rule)(scope, receive, send_with_request_id)
                return
        run_due_executions(self.state)  # approved retros whose delay is over (the checker demo)
        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            logger.exception("sandbox request %s %s failed", scope.get("method"), path)
            if started:
                raise
            spec = INTERNAL_ERROR
            crash = JSONResponse(error_envelope(spec.code, spec.message), spec.http_status)
            await crash(scope, receive, send_with_request_id)
