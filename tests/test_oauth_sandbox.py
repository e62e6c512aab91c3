"""OAuth against the sandbox: renewal before expiry, and once after a 401 (issue: config/auth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from tests.test_client_helpers import FakeClock
from tillui.api.client import IntouchClient
from tillui.api.errors import AuthError
from tillui.config.settings import Secrets, Settings
from tillui.counter.identifier_types import Identifier
from tillui.sandbox import DEMO, SandboxConfig, create_app

ASHA = [Identifier("mobile", DEMO.asha.mobile)]
TOKEN_PATH = "/v3/oauth/token/generate"


class Recording(httpx.AsyncBaseTransport):
    """The sandbox's transport, noting every path asked for and every status answered."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.calls.append((request.url.path, response.status_code))
        return response

    def count(self, path: str, status: int | None = None) -> int:
        return sum(1 for p, s in self.calls if p == path and (status is None or s == status))


@pytest.fixture
def sandbox_time():
    return {"now": datetime(2026, 11, 23, 4, 30, tzinfo=UTC)}


def oauth_client(sandbox_time, *, secret: str = DEMO.oauth_secret, ttl: int = 300):
    app = create_app(SandboxConfig(seed=42, now=lambda: sandbox_time["now"], oauth_ttl_seconds=ttl))
    transport = Recording(httpx.ASGITransport(app=app))
    clock = FakeClock()
    settings = Settings(
        api_base_url="http://sandbox.test",
        workflow_base_url="http://sandbox.test",
        auth_mode="oauth",
    )
    secrets = Secrets(oauth_key=SecretStr(DEMO.oauth_key), oauth_secret=SecretStr(secret))
    client = IntouchClient(settings, secrets, transport=transport, clock=clock, sleep=clock.sleep)
    return client, transport, clock, app.state.sandbox


async def test_a_token_is_renewed_before_it_expires(sandbox_time):
    client, transport, clock, _ = oauth_client(sandbox_time)
    async with client:
        await client.lookup(ASHA)
        await client.lookup(ASHA)
        assert transport.count(TOKEN_PATH) == 1  # reused while valid
        clock.now += 301
        sandbox_time["now"] += timedelta(seconds=301)
        await client.lookup(ASHA)
    assert transport.count(TOKEN_PATH) == 2
    assert transport.count("/v2/customers/lookup/customerDetails", 401) == 0  # renewed ahead


async def test_a_refused_token_is_renewed_once_and_the_call_retried(sandbox_time):
    client, transport, _, state = oauth_client(sandbox_time)
    async with client:
        await client.lookup(ASHA)
        state.oauth_tokens.clear()  # the server forgets it (restart, revocation)
        found = await client.lookup(ASHA)
    assert found.details.id == DEMO.asha.customer_id
    assert transport.count(TOKEN_PATH) == 2
    assert transport.count("/v2/customers/lookup/customerDetails", 401) >= 1


async def test_wrong_oauth_secret_is_an_auth_error(sandbox_time):
    client, transport, _, _ = oauth_client(sandbox_time, secret="not-the-secret")
    async with client:
        with pytest.raises(AuthError):
            await client.lookup(ASHA)
    assert transport.count(TOKEN_PATH, 401) >= 1
