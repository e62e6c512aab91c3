"""Outermost layer: the X-Cap-Requestid header, the request log, latency, injected faults
(the commit faults included), and crash envelopes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import INJECTED_FAULT, INTERNAL_ERROR, RATE_LIMITED, error_envelope
from .faults import COMMIT_FAULTS, FaultRule
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
        if path.startswith(CONTROL_PREFIX):
            await self._run(scope, receive, send_with_request_id, lambda: started)
            return
        # The whole body is read first: a late commit must not depend on the client still
        # being connected to hand it over.
        body = await _read_body(receive)
        replay = _replaying(body, receive)
        method = str(scope.get("method", "GET"))
        entry = self.state.request_log.record(method, path, body)
        faults = self.state.faults
        if faults.latency_seconds > 0:
            await asyncio.sleep(faults.latency_seconds)
        rule = faults.take(path, method, entry.transaction_id)  # the claimed bill, if any
        entry.fault = rule.kind if rule is not None else None
        if rule is None:
            await self._run(scope, replay, send_with_request_id, lambda: started)
        elif rule.kind == "delay":
            await asyncio.sleep(rule.delay_seconds)
            await self._run(scope, replay, send_with_request_id, lambda: started)
        elif rule.kind in COMMIT_FAULTS:
            await self._commit_fault(rule, scope, replay, send_with_request_id)
        else:
            await fault_response(rule)(scope, replay, send_with_request_id)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, started: Callable[[], bool]
    ) -> None:
        run_due_executions(self.state)  # approved retros whose delay is over (the checker demo)
        try:
            await self.app(scope, receive, send)
        except Exception:
            logger.exception("sandbox request %s %s failed", scope.get("method"), scope["path"])
            if started():
                raise
            spec = INTERNAL_ERROR
            crash = JSONResponse(error_envelope(spec.code, spec.message), spec.http_status)
            await crash(scope, receive, send)

    async def _commit_fault(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Handle the request in a task of its own, which no client disconnect or cancellation
        stops, and hand its answer over late, broken or not at all."""
        answer: list[Message] = []

        async def collect(message: Message) -> None:
            answer.append(message)

        async def commit() -> None:
            if rule.kind == "slow_commit":
                await asyncio.sleep(rule.delay_seconds)
            await self._run(scope, receive, collect, lambda: bool(answer))

        task = asyncio.get_running_loop().create_task(commit())
        self.state.background.add(task)
        task.add_done_callback(self.state.background.discard)
        await asyncio.shield(task)
        if rule.kind == "commit_delay":
            await asyncio.sleep(rule.delay_seconds)
        if rule.kind != "commit_drop":
            for message in answer:
                await send(message)
            return
        # Start the answer, send half of its body, and drop the connection.
        start = next(m for m in answer if m["type"] == "http.response.start")
        content = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body")
        await send(start)
        await send(
            {"type": "http.response.body", "body": content[: len(content) // 2], "more_body": True}
        )
        raise ConnectionResetError("sandbox fault: connection dropped after the commit")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over the already-read body once, then waits on the client."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
