"""Every failure maps to its typed error, with the server's code, message and request ID."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.test_client_helpers import (
    MOBILE,
    envelope,
    make_client,
    make_secrets,
    make_settings,
    reply,
)
from tillui.api import (
    AuthError,
    BadRequest,
    CustomerNotFound,
    IntouchError,
    InvalidResponse,
    RateLimited,
    RequestNotFound,
    RetroNotAllowed,
    RetryPolicy,
    Timeout,
    TransactionNotFound,
    Unavailable,
    build_retro_claim,
)
from tillui.api.errors import ClaimOutcomeUnknown

NO_RETRY = RetryPolicy(max_retries=0)


async def points_error(response: httpx.Response | Exception) -> IntouchError:
    """The error points_balance raises for one canned answer (no retries)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    async with make_client(handler, policy=NO_RETRY) as client:
        with pytest.raises(IntouchError) as caught:
            await client.points_balance([MOBILE])
    return caught.value


@pytest.mark.parametrize(
    ("status", "code", "message", "expected"),
    [
        (200, 8015, "Customer not found for the given identifiers", CustomerNotFound),
        (400, 8015, "Customer not found for the given identifiers", CustomerNotFound),
        (400, 9050, "Request not found", RequestNotFound),
        (
            400,
            11013,
            "identifierName, identifierValue, source can not be empty",
            BadRequest,
        ),
        (400, 8016, "source is missing", BadRequest),
        (400, 1212, "entity type not valid", BadRequest),
        (401, 401, "Unauthorized", AuthError),
        (403, 403, "Forbidden", AuthError),
        (500, 500, "Internal error", Unavailable),
        (503, 503, "Service unavailable", Unavailable),
    ],
)
async def test_envelope_errors_map_to_typed_errors(
    status: int, code: int, message: str, expected: type[IntouchError]
) -> None:
    error = await points_error(reply(status, envelope(code, message), request_id="cap-77"))
    assert type(error) is expected
    assert error.code == code
    assert error.message == message
    assert error.status == status
    assert error.request_id == "cap-77"
    assert error.hint and error.hint != IntouchError.default_hint


async def test_429_with_retry_after_carries_the_seconds() -> None:
    error = await points_error(reply(429, None, headers={"Retry-After": "42"}))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 42
    assert "42 seconds" in error.hint


async def test_429_without_retry_after() -> None:
    error = await points_error(reply(429, {"errors": []}))
    assert isinstance(error, RateLimited)
    assert error.retry_after is None
    assert error.status == 429


async def test_timeout_and_connection_errors() -> None:
    timeout = await points_error(httpx.ReadTimeout("slow"))
    assert isinstance(timeout, Timeout)
    assert timeout.status is None
    refused = await points_error(httpx.ConnectError("refused"))
    assert isinstance(refused, Unavailable)
    assert refused.status is None


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b'{"entityId": 1, "totalPoints": ', headers={}),
        httpx.Response(
            200,
            content=b"<html><body>Gateway login</body></html>",
            headers={"content-type": "text/html"},
        ),
        httpx.Response(200, content=b""),
        httpx.Response(200, json={"unexpected": "shape"}),
        httpx.Response(200, json=[1, 2, 3]),
        httpx.Response(200, json={"entityId": "not-a-number", "totalPoints": 1, "mainPoints": 1}),
    ],
    ids=["truncated-json", "html", "empty", "wrong-shape", "list", "wrong-type"],
)
async def test_unreadable_answers_are_invalid_response(response: httpx.Response) -> None:
    response.headers["X-Cap-Requestid"] = "cap-bad"
    error = await points_error(response)
    assert isinstance(error, InvalidResponse)
    assert error.request_id == "cap-bad"
    assert error.status == 200


async def test_html_error_page_keeps_its_status_meaning() -> None:
    page = httpx.Response(502, content=b"<html>Bad gateway</html>")
    error = await points_error(page)
    assert isinstance(error, Unavailable)
    assert error.status == 502
    assert error.code is None


async def test_invalid_response_message_does_not_echo_customer_data() -> None:
    body = {"entityId": "asha.rao@example.com", "totalPoints": 1, "mainPoints": 1}
    error = await points_error(reply(200, body))
    assert isinstance(error, InvalidResponse)
    assert "entityId" in error.message
    assert "asha.rao" not in error.message


async def test_errors_are_logged_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tillui.api")
    await points_error(reply(400, envelope(11013, "source can not be empty"), request_id="cap-9"))
    (record,) = [r for r in caplog.records if r.name == "tillui.api"]
    assert record.levelno == logging.WARNING
    assert "cap-9" in record.getMessage()
    assert "BadRequest" in record.getMessage()
    assert record.request_id == "cap-9"  # type: ignore[attr-defined]


async def canned(method_call: str, response: httpx.Response) -> IntouchError:
    async with make_client(lambda request: response, policy=NO_RETRY) as client:
        with pytest.raises(IntouchError) as caught:
            if method_call == "transaction":
                await client.transaction(5)
            elif method_call == "bill":
                await client.transactions_by_bill_number("B-1")
            elif method_call == "workflow":
                await client.workflow_request("missing")
            elif method_call == "retro":
                await client.retro_requests(1)
            elif method_call == "claim":
                claim = build_retro_claim(
                    make_settings(), make_secrets(), transaction_id=1, customer_id=2
                )
                await client.submit_retro_claim(claim)
    return caught.value


async def test_404_meaning_depends_on_the_call() -> None:
    assert isinstance(await canned("transaction", reply(404, {})), TransactionNotFound)
    assert isinstance(await canned("bill", reply(404, {})), TransactionNotFound)
    assert isinstance(await canned("workflow", reply(404, {})), RequestNotFound)
    assert isinstance(await canned("retro", reply(404, {})), RequestNotFound)


async def test_retro_requests_9050_is_request_not_found() -> None:
    error = await canned("retro", reply(400, envelope(9050, "Request not found")))
    assert isinstance(error, RequestNotFound)
    assert error.code == 9050


@pytest.mark.parametrize(
    "body",
    [
        envelope(1234, "Transaction is older than allowed"),
        {"message": "Transaction is older than allowed"},
    ],
    ids=["v2-envelope", "gateway-message"],
)
async def test_workflow_refusal_is_retro_not_allowed(body: dict[str, Any]) -> None:
    error = await canned("claim", reply(400, body, request_id="wf-1"))
    assert isinstance(error, RetroNotAllowed)
    assert error.message == "Transaction is older than allowed"
    assert error.request_id == "wf-1"
    assert "older than allowed" in error.hint


async def test_claim_auth_refusal_is_still_auth_error() -> None:
    error = await canned("claim", reply(401, {"message": "token expired"}))
    assert type(error) is AuthError


async def test_claim_with_unreadable_success_is_outcome_unknown() -> None:
    error = await canned("claim", httpx.Response(200, content=b"<html>ok</html>"))
    assert isinstance(error, ClaimOutcomeUnknown)
    assert error.status == 200


def test_error_str_and_repr_carry_code_status_and_request_id() -> None:
    error = CustomerNotFound(8015, "Customer not found", "cap-1", 400)
    assert str(error) == "Customer not found (code 8015, HTTP 400, request id cap-1)"
    assert "CustomerNotFound(code=8015" in repr(error)
    assert str(IntouchError(None, "plain")) == "plain"


# -- answers that used to escape untyped (issue 9) ----------------------------------------------


async def _retro_page_error(answer) -> Exception:
    from tests.test_client_helpers import FakeClock

    clock = FakeClock()
    async with make_client(answer, clock=clock) as client:
        with pytest.raises(IntouchError) as caught:
            await client.retro_requests(5)
    return caught.value


async def test_deeply_nested_json_is_an_invalid_response_not_a_recursion_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    error = await _retro_page_error(lambda request: httpx.Response(200, content=deep))
    assert type(error).__name__ == "InvalidResponse"


async def test_a_bad_content_encoding_is_an_invalid_response() -> None:
    def answer(request: httpx.Response) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip", headers={"Content-Encoding": "gzip"})

    error = await _retro_page_error(answer)
    assert type(error).__name__ == "InvalidResponse"


async def test_a_connection_reset_below_httpx_is_unavailable_and_for_a_claim_unknown() -> None:
    from tillui.api import build_retro_claim
    from tillui.api.errors import Unavailable

    def reset(request: httpx.Request) -> httpx.Response:
        raise ConnectionResetError("peer reset")

    error = await _retro_page_error(reset)
    assert isinstance(error, Unavailable)
    async with make_client(reset) as client:
        claim = build_retro_claim(client._settings, make_secrets(), transaction_id=1, customer_id=2)
        with pytest.raises(ClaimOutcomeUnknown):
            await client.submit_retro_claim(claim)
