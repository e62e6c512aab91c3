"""Shared helpers for the sandbox tests (no tests here): a fixed clock, auth headers, a client."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from tillui.sandbox import DEMO, SandboxConfig, SandboxState, create_app

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@dataclass
class Clock:
    current: datetime = NOW

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def basic(username: str = DEMO.username, password: str = DEMO.password) -> str:
    digest = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()
    return "Basic " + base64.b64encode(f"{username}:{digest}".encode()).decode()


BASIC = {"Authorization": basic()}
GATEWAY = {
    "X-CAP-API-AUTH-ORG-ID": DEMO.org_id,
    "X-CAP-UI-AUTH-TOKEN": DEMO.workflow_token,
    "Authorization": basic(),
}
CLAIM_PATH = "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"


def make_app(clock: Clock | None = None, **overrides: Any) -> Starlette:
    return create_app(SandboxConfig(now=clock or Clock(), **overrides))


def state_of(app: Starlette) -> SandboxState:
    state: SandboxState = app.state.sandbox
    return state


@asynccontextmanager
async def client(app: Starlette, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=headers or BASIC
    ) as http:
        yield http


def lookup_params(names: str, values: str, **extra: str) -> dict[str, str]:
    return {"source": "INSTORE", "identifierName": names, "identifierValue": values, **extra}


def claim_body(
    transaction_id: int,
    customer_id: int,
    *,
    authorization: str | None = None,
    till_id: int = DEMO.till_id,
    notes: str = "claimed at the till",
) -> dict[str, Any]:
    """Document 002's example request, for a sandbox bill and customer."""
    return {
        "entityInfo": {
            "tillId": str(till_id),
            "storeId": str(DEMO.store_id),
            "zoneId": str(DEMO.zone_id),
            "conceptId": str(DEMO.concept_id),
        },
        "payload": {
            "IntouchAPITask-Payload": {
                "hostname": "http://sandbox",
                "path": "/v2/transactions/retro",
                "method": "PUT",
                "pathParams": {},
                "queryParams": {},
                "body": {
                    "oldType": "NOT_INTERESTED",
                    "newType": "REGULAR",
                    "transactionId": transaction_id,
                    "customerId": customer_id,
                    "extendedFields": {},
                    "customFields": {},
                    "notes": notes,
                },
                "headers": {
                    "Authorization": authorization or basic(),
                    "content-type": "application/json",
                    "X-CAP-CLIENT-SIGNATURE": "tillui-tests",
                },
            }
        },
    }


def error_code(response: httpx.Response) -> int:
    body = response.json()
    assert body["warnings"] == []
    [error] = body["errors"]
    assert error["status"] is False
    assert isinstance(error["message"], str) and error["message"]
    code: int = error["code"]
    return code
