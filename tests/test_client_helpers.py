"""Shared fakes for the IntouchClient tests: settings, a recording mock transport, a clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from tillui.api import IntouchClient, RetryPolicy
from tillui.config.settings import Secrets, Settings
from tillui.counter.identifier_types import Identifier

FIXTURES = Path(__file__).parent / "fixtures"
API = "https://api.test"
WORKFLOW = "https://workflow.test"
PASSWORD = "server123"
WORKFLOW_TOKEN = "wf-jwt-very-secret"
OAUTH_KEY = "oauth-key-secret"
OAUTH_SECRET = "oauth-secret-secret"
BASIC_HEADER = "Basic c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
MOBILE = Identifier("mobile", "919800000001")

Handler = Callable[[httpx.Request], httpx.Response]


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_base_url": API,
        "workflow_base_url": WORKFLOW,
        "username": "store.server",
        "org_id": "100",
        "till_id": "50682289",
        "store_id": "50682288",
        "zone_id": "50682286",
        "concept_id": "50678331",
    }
    return Settings(**(values | overrides))


def make_secrets(**overrides: Any) -> Secrets:
    values: dict[str, Any] = {
        "password": SecretStr(PASSWORD),
        "workflow_token": SecretStr(WORKFLOW_TOKEN),
        "oauth_key": SecretStr(OAUTH_KEY),
        "oauth_secret": SecretStr(OAUTH_SECRET),
    }
    return Secrets(**(values | overrides))


class FakeClock:
    """A monotonic clock that only moves when told (sleeps advance it too)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorder:
    """A MockTransport handler wrapper that keeps every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]


def reply(
    status: int = 200,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    request_id: str | None = "req-123",
) -> httpx.Response:
    all_headers = dict(headers or {})
    if request_id is not None:
        all_headers["X-Cap-Requestid"] = request_id
    return httpx.Response(status, json=body, headers=all_headers)


def envelope(code: int, message: str) -> dict[str, Any]:
    return {"warnings": [], "errors": [{"status": False, "code": code, "message": message}]}


def make_client(
    handler: Handler | httpx.AsyncBaseTransport,
    *,
    settings: Settings | None = None,
    secrets: Secrets | None = None,
    clock: FakeClock | None = None,
    policy: RetryPolicy | None = None,
) -> IntouchClient:
    clock = clock or FakeClock()
    transport = (
        handler if isinstance(handler, httpx.AsyncBaseTransport) else httpx.MockTransport(handler)
    )
    return IntouchClient(
        settings or make_settings(),
        secrets or make_secrets(),
        transport=transport,
        retry_policy=policy,
        clock=clock,
        sleep=clock.sleep,
        random=lambda: 0.5,
    )


POINTS = load_fixture("index_points_balance.json")

CUSTOMER = {
    "id": 565039505,
    "profiles": [
        {
            "firstName": "Asha",
            "lastName": "Rao",
            "identifiers": [
                {"type": "mobile", "value": "919800000001"},
                {"type": "email", "value": "asha.rao@example.com"},
            ],
        }
    ],
    "loyaltyInfo": {
        "loyaltyType": "loyalty",
        "attributionV2": {
            "createDate": "2025-02-28T06:16:17Z",
            "createdBy": {"id": 75155295, "code": "demo.till", "name": "Demo till", "type": "TILL"},
        },
    },
    "loyaltyProgramDetails": [
        {
            "programId": 1001,
            "programTitle": "Rewards",
            "currentSlab": "Gold",
            "loyaltyPoints": 8500.000,
            "lifetimePoints": 12000.5,
            "delayedPoints": 250.5,
            "totalAvailablePoints": 8850.5,
        }
    ],
    "warnings": [],
}
