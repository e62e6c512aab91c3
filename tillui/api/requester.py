"""Sending one call: auth headers, the HTTP exchange, error mapping, retries, logging.

`IntouchClient` describes each call (a `Call`) and parses the answer into its model; everything
between the two lives here, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from tillui.api.auth import Authenticator, Target
from tillui.api.envelope import CallKind, decode_json, envelope_errors, error_from_answer
from tillui.api.errors import (
    AuthError,
    ClaimOutcomeUnknown,
    CustomerNotFound,
    IntouchError,
    InvalidResponse,
    RequestNotFound,
    Timeout,
    TransactionNotFound,
    Unavailable,
)
from tillui.api.retry import RetryPolicy, parse_retry_after

logger = logging.getLogger("tillui.api")

REQUEST_ID_HEADER = "X-Cap-Requestid"
ATTEMPT_GRACE_SECONDS = 1.0
"""Slack over connect + read timeouts before an attempt is abandoned as a whole."""

# Expected outcomes a cashier meets every day: worth an INFO line, not a WARNING.
_ROUTINE_ERRORS = (CustomerNotFound, TransactionNotFound, RequestNotFound)

ModelT = TypeVar("ModelT", bound=BaseModel)
Method = Literal["GET", "POST", "PUT"]


@dataclass(frozen=True, slots=True)
class Call:
    """One API call, described before it is sent."""

    method: Method
    target: Target
    url: str
    label: str
    """The endpoint for logs: a path template, never identifiers or other customer data."""
    kind: CallKind
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    authenticate: bool = True
    retry: bool = False
    """Only idempotent GETs set this."""
    is_claim: bool = False
    """A failure after sending may have created the claim: report ClaimOutcomeUnknown."""
    checker_token: SecretStr | None = field(default=None, repr=False)
    """A checker's decision: the gateway token of this call alone, instead of the till's."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A successful (2xx, no envelope errors) answer, decoded."""

    body: Any
    request_id: str | None
    status: int


class Requester:
    def __init__(
        self,
        http: httpx.AsyncClient,
        auth: Authenticator,
        *,
        policy: RetryPolicy,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float],
    ) -> None:
        self._http = http
        self._auth = auth
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._random = random

    async def send(self, call: Call) -> Answer:
        """The call's answer; retried per the policy when `call.retry`; else a typed error."""
        started = self._clock()
        retries = 0
        while True:
            try:
                return await self._attempt_authenticated(call, self._timeout(call, started))
            except IntouchError as error:
                delay = None
                if call.retry:
                    delay = self._policy.delay_before_retry(
                        error,
                        retries_done=retries,
                        elapsed=self._clock() - started,
                        random=self._random,
                    )
                if delay is None:
                    fail(call, error)
                logger.info(
                    "%s %s: %s, retry %d in %.2fs (request id %s)",
                    call.method,
                    call.label,
                    type(error).__name__,
                    retries + 1,
                    delay,
                    error.request_id,
                )
                await self._sleep(delay)
                retries += 1

    async def fetch(
        self,
        call: Call,
        model: type[ModelT],
        prepare: Callable[[Any], Any] | None = None,
    ) -> ModelT:
        """The call's answer parsed as `model` (after `prepare`, which may unwrap or fill in)."""
        answer = await self.send(call)
        try:
            body = prepare(answer.body) if prepare is not None else answer.body
            return parse(model, body, answer, call.label)
        except InvalidResponse as error:
            fail(call, error)
        except Exception as exc:  # noqa: BLE001 - a body `prepare` could not handle
            unexpected = InvalidResponse(
                None, f"Unexpected answer from {call.label}", answer.request_id, answer.status
            )
            unexpected.__cause__ = exc
            fail(call, unexpected)

    def _timeout(self, call: Call, started: float) -> httpx.Timeout:
        """The client's timeouts, shortened so a retried GET ends within the policy's bound."""
        configured = self._http.timeout
        if not call.retry:
            return configured
        remaining = max(0.001, self._policy.total_seconds - (self._clock() - started))

        def cap(seconds: float | None) -> float:
            return remaining if seconds is None else min(seconds, remaining)

        return httpx.Timeout(
            connect=cap(configured.connect),
            read=cap(configured.read),
            write=cap(configured.write),
            pool=cap(configured.pool),
        )

    async def _attempt_authenticated(self, call: Call, timeout: httpx.Timeout) -> Answer:
        if not call.authenticate:
            return await self._attempt(call, {}, timeout)
        headers = await self._auth.headers(call.target, checker_token=call.checker_token)
        try:
            return await self._attempt(call, headers, timeout)
        except AuthError as error:
            if error.status != 401:
                raise
            renewed = await self._auth.renewed_headers(call.target, headers)
            if renewed is None:
                raise
            logger.info("%s %s: token refused, renewed once", call.method, call.label)
            return await self._attempt(call, renewed, timeout)

    async def _attempt(self, call: Call, headers: dict[str, str], timeout: httpx.Timeout) -> Answer:
        # httpx applies its timeouts per network operation, and not at all through an
        # in-process transport (ASGITransport): this bounds the whole attempt either way.
        deadline = (timeout.connect or 0) + (timeout.read or 0) + ATTEMPT_GRACE_SECONDS
        try:
            async with asyncio.timeout(deadline):
                response = await self._http.request(
                    call.method,
                    call.url,
                    params=call.params or None,
                    json=call.json,
                    headers=headers,
                    timeout=timeout,
                )
        except TimeoutError as exc:
            raise Timeout(None, f"No answer within {deadline:g} s") from exc
        except httpx.TimeoutException as exc:
            raise Timeout(None, f"No answer in time ({type(exc).__name__})") from exc
        except (httpx.TransportError, OSError) as exc:
            # OSError: a connection reset seen below httpx (or through an in-process transport).
            raise Unavailable(None, f"Could not reach the server ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:
            raise InvalidResponse(None, "The answer could not be decoded") from exc
        except httpx.HTTPError as exc:
            raise InvalidResponse(None, f"Unusable answer ({type(exc).__name__})") from exc
        try:
            return read_answer(call, response)
        except IntouchError:
            raise
        except Exception as exc:
            raise InvalidResponse(
                None,
                f"The answer could not be read ({type(exc).__name__})",
                response.headers.get(REQUEST_ID_HEADER),
                response.status_code,
            ) from exc


def read_answer(call: Call, response: httpx.Response) -> Answer:
    """The decoded answer, or the typed error it stands for."""
    request_id = response.headers.get(REQUEST_ID_HEADER)
    status = response.status_code
    try:
        body: Any = decode_json(response.content)
        decoded = True
    except ValueError:
        body, decoded = None, False
    if not 200 <= status < 300 or envelope_errors(body):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        raise error_from_answer(
            status=status,
            body=body,
            request_id=request_id,
            kind=call.kind,
            retry_after=retry_after,
        )
    if not decoded:
        content_type = response.headers.get("content-type", "no content type")
        raise InvalidResponse(None, f"The answer was not JSON ({content_type})", request_id, status)
    return Answer(body, request_id, status)


def parse(model: type[ModelT], body: Any, answer: Answer, label: str) -> ModelT:
    """`body` (from `answer`) as `model`, or InvalidResponse naming what did not fit."""
    try:
        return model.model_validate(body)
    except RecursionError as exc:
        raise InvalidResponse(
            None, f"Unexpected answer from {label}: nested too deeply", answer.request_id
        ) from exc
    except ValidationError as exc:
        # Only locations and reasons: the input values may be customer data.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)[:3]
        )
        raise InvalidResponse(
            None, f"Unexpected answer from {label}: {problems}", answer.request_id, answer.status
        ) from exc


def fail(call: Call, error: IntouchError) -> NoReturn:
    """Log the call's final failure and raise it (as ClaimOutcomeUnknown where that applies)."""
    final = claim_outcome(error) if call.is_claim else error
    log_failure(call, final)
    if final is error:
        raise error
    raise final from error


def claim_outcome(error: IntouchError) -> IntouchError:
    """For the claim POST: failures after which the server may have made the claim anyway."""
    if isinstance(error, (Timeout, Unavailable, InvalidResponse)):
        return ClaimOutcomeUnknown(
            error.code,
            f"No clear answer to the claim: {error.message}",
            error.request_id,
            error.status,
        )
    return error


def log_failure(call: Call, error: IntouchError) -> None:
    level = logging.INFO if isinstance(error, _ROUTINE_ERRORS) else logging.WARNING
    logger.log(
        level,
        "%s %s failed: %s: %s (code %s, HTTP %s, request id %s)",
        call.method,
        call.label,
        type(error).__name__,
        error.message,
        error.code,
        error.status,
        error.request_id,
        extra={"request_id": error.request_id},
    )
