"""Auth headers (Basic, OAuth with renewal, workflow gateway) and secret hygiene."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest
from pydantic import SecretStr

from tests.test_client_helpers import (
    API,
    BASIC_HEADER,
    CUSTOMER,
    MOBILE,
    OAUTH_KEY,
    OAUTH_SECRET,
    PASSWORD,
    POINTS,
    WORKFLOW_TOKEN,
    FakeClock,
    Recorder,
    make_client,
    make_secrets,
    make_settings,
    reply,
)
from tillui.api import (
    AuthError,
    IntouchClient,
    Unavailable,
    basic_authorization,
    basic_credentials,
    md5_hex,
)
from tillui.config.settings import Secrets


def test_basic_credentials_match_the_documented_worked_example() -> None:
    assert md5_hex("server123") == "8a16a6b70505eb1f1ff7cdc0cd5559a7"
    assert basic_credentials("store.server", "server123") == (
        "c3RvcmUuc2VydmVyOjhhMTZhNmI3MDUwNWViMWYxZmY3Y2RjMGNkNTU1OWE3"
    )
    decoded = base64.b64decode(basic_credentials("store.server", "server123")).decode()
    assert decoded == "store.server:8a16a6b70505eb1f1ff7cdc0cd5559a7"


def test_basic_authorization_needs_a_password() -> None:
    with pytest.raises(AuthError):
        basic_authorization(make_settings(), Secrets())
    with pytest.raises(AuthError):
        basic_authorization(make_settings(username=""), make_secrets())


async def test_v2_calls_send_the_basic_header_and_no_workflow_headers() -> None:
    recorder = Recorder(lambda request: reply(body=POINTS))
    async with make_client(recorder) as client:
        await client.points_balance([MOBILE])
    (request,) = recorder.requests
    assert request.headers["Authorization"] == BASIC_HEADER
    assert "X-CAP-UI-AUTH-TOKEN" not in request.headers
    assert "X-CAP-API-OAUTH-TOKEN" not in request.headers


async def test_workflow_calls_send_org_user_token_and_the_tills_basic() -> None:
    answer = {"data": {"requestId": "r-1", "state": "AdminTask"}}
    recorder = Recorder(lambda request: reply(body=answer))
    async with make_client(recorder) as client:
        await client.workflow_request("r-1")
    async with make_client(recorder, settings=make_settings(workflow_till_auth=False)) as client:
        await client.workflow_request("r-1")
    (request, without) = recorder.requests
    assert request.url.host == "workflow.test"
    assert request.headers["X-CAP-API-AUTH-ORG-ID"] == "100"
    assert request.headers["X-CAP-UI-AUTH-TOKEN"] == WORKFLOW_TOKEN
    assert request.headers["Authorization"].startswith("Basic ")
    assert "Authorization" not in without.headers
    assert without.headers["X-CAP-UI-AUTH-TOKEN"] == WORKFLOW_TOKEN


async def test_workflow_call_without_token_is_an_auth_error_before_sending() -> None:
    recorder = Recorder(lambda request: reply(body={}))
    secrets = make_secrets(workflow_token=None)
    async with make_client(recorder, secrets=secrets) as client:
        with pytest.raises(AuthError):
            await client.workflow_request("r-1")
    assert recorder.requests == []


class OAuthServer:
    """Issues numbered tokens; accepts only the newest one (or rejects everything)."""

    def __init__(self, *, ttl: int = 300, reject_all: bool = False) -> None:
        self.ttl = ttl
        self.reject_all = reject_all
        self.issued = 0
        self.token_bodies: list[bytes] = []
        self.seen_tokens: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/oauth/token/generate":
            self.token_bodies.append(request.content)
            self.issued += 1
            data = {"accessToken": f"jwt-{self.issued}", "ttlSeconds": self.ttl}
            return reply(body={"data": data, "errors": None})
        token = request.headers.get("X-CAP-API-OAUTH-TOKEN", "")
        self.seen_tokens.append(token)
        if self.reject_all or token != f"jwt-{self.issued}":
            return reply(401, {"errors": [{"code": 401, "message": "Invalid token"}]})
        return reply(body=POINTS)


def oauth_client(server: OAuthServer, clock: FakeClock | None = None) -> IntouchClient:
    return make_client(server, settings=make_settings(auth_mode="oauth"), clock=clock)


async def test_oauth_token_is_fetched_once_and_sent_as_header() -> None:
    server = OAuthServer()
    async with oauth_client(server) as client:
        await client.points_balance([MOBILE])
        await client.points_balance([MOBILE])
    assert server.issued == 1
    assert server.seen_tokens == ["jwt-1", "jwt-1"]
    assert server.token_bodies[0] == (f'{{"key":"{OAUTH_KEY}","secret":"{OAUTH_SECRET}"}}'.encode())


async def test_oauth_token_is_renewed_before_its_ttl_runs_out() -> None:
    clock = FakeClock()
    server = OAuthServer(ttl=300)
    async with oauth_client(server, clock) as client:
        await client.points_balance([MOBILE])
        clock.now += 250  # still well inside the TTL
        await client.points_balance([MOBILE])
        clock.now += 30  # 280 s: within the renewal margin of a 300 s token
        await client.points_balance([MOBILE])
    assert server.seen_tokens == ["jwt-1", "jwt-1", "jwt-2"]


async def test_oauth_401_renews_once_and_retries_the_request_once() -> None:
    server = OAuthServer()
    async with oauth_client(server) as client:
        await client.points_balance([MOBILE])
        server.issued += 1  # the server revoked jwt-1 (as if it had issued a newer one)
        balance = await client.points_balance([MOBILE])
    assert balance.entity_id == 565039505
    assert server.seen_tokens == ["jwt-1", "jwt-1", "jwt-3"]


async def test_oauth_second_401_is_an_auth_error() -> None:
    server = OAuthServer(reject_all=True)
    async with oauth_client(server) as client:
        with pytest.raises(AuthError) as caught:
            await client.points_balance([MOBILE])
    assert caught.value.status == 401
    assert server.seen_tokens == ["jwt-1", "jwt-2"]
    assert server.issued == 2


async def test_oauth_concurrent_requests_share_one_token_fetch() -> None:
    server = OAuthServer()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("customerDetails"):
            server.seen_tokens.append(request.headers["X-CAP-API-OAUTH-TOKEN"])
            return reply(body=CUSTOMER)
        return server(request)

    async with make_client(handler, settings=make_settings(auth_mode="oauth")) as client:
        await client.lookup([MOBILE])
    assert server.issued == 1
    assert server.seen_tokens == ["jwt-1", "jwt-1"]


async def test_oauth_token_endpoint_refusal_is_an_auth_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return reply(400, {"data": None, "errors": [{"code": 1020, "message": "bad key"}]})

    async with make_client(handler, settings=make_settings(auth_mode="oauth")) as client:
        with pytest.raises(AuthError, match="bad key"):
            await client.points_balance([MOBILE])


async def test_no_secret_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    failing = Recorder(lambda request: reply(503, {"errors": []}))
    async with make_client(failing) as client:
        with pytest.raises(Unavailable):
            await client.points_balance([MOBILE])
        text = repr(client) + str(client)
    server = OAuthServer(reject_all=True)
    async with oauth_client(server) as oauth:
        with pytest.raises(AuthError):
            await oauth.points_balance([MOBILE])
        text += repr(oauth)
    text += caplog.text
    assert "tillui.api" in {record.name for record in caplog.records}
    for secret in (
        PASSWORD,
        md5_hex(PASSWORD),
        BASIC_HEADER.removeprefix("Basic "),
        WORKFLOW_TOKEN,
        OAUTH_KEY,
        OAUTH_SECRET,
        "jwt-1",
        "jwt-2",
    ):
        assert secret not in text
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("tillui"))
    assert ours  # the failures were logged …
    assert MOBILE.value not in ours  # … without customer data
    assert API in text  # the repr does say where it talks to


def test_secrets_model_repr_hides_values() -> None:
    assert PASSWORD not in repr(make_secrets())
    assert isinstance(make_secrets().password, SecretStr)
