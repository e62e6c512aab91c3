"""Reading Intouch answers: JSON decoding and the one place the v2 error envelope is parsed.

The v2 envelope is `{"warnings": [], "errors": [{"status": false, "code": 8015, "message": …}]}`.
Which `IntouchError` subclass an answer becomes depends on the code first (it is the most
specific signal), then on the HTTP status, then on what kind of call it was (a 404 from a
transaction lookup means something else than a 404 from the workflow gateway).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from tillui.api.errors import (
    AuthError,
    BadRequest,
    CustomerExists,
    CustomerNotFound,
    IntouchError,
    InvalidRegistration,
    RateLimited,
    RequestNotFound,
    RetroNotAllowed,
    TransactionNotFound,
    Unavailable,
)

CUSTOMER_NOT_FOUND = 8015
REQUEST_NOT_FOUND = 9050
# 11013: identifierName/identifierValue/source empty; 8016: no source. Listed for documentation:
# any other 4xx envelope is a BadRequest as well.
BAD_REQUEST_CODES = frozenset({11013, 8016})
CUSTOMER_EXISTS = 8006
# 8014 invalid mobile, 3217 invalid source (documented); any other refusal of a registration
# (a mandatory field missing has no documented code) is an InvalidRegistration too.
REGISTRATION_CODES = frozenset({8014, 3217})


class CallKind(Enum):
    """What a call was about, which decides what a bare 404 or a refusal means."""

    CUSTOMER = "customer"
    TRANSACTION = "transaction"
    RETRO_REQUESTS = "retro requests"
    WORKFLOW_CLAIM = "workflow claim"
    WORKFLOW_REQUEST = "workflow request"
    WORKFLOW_LIST = "workflow list"
    OAUTH = "oauth"
    REGISTRATION = "registration"


@dataclass(frozen=True, slots=True)
class EnvelopeError:
    """One entry of the envelope's `errors[]`."""

    code: int | None
    message: str


def decode_json(content: bytes) -> Any:
    """The body as JSON, decimals kept exact (points like 250.5 must not become binary floats).

    Raises ValueError for an empty, non-UTF-8, non-JSON or too deeply nested body.
    """
    if not content.strip():
        raise ValueError("empty body")
    try:
        return json.loads(content, parse_float=Decimal)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def envelope_errors(body: Any) -> list[EnvelopeError]:
    """The entries of `errors[]`, or [] when the body has none (absent, null or empty)."""
    if not isinstance(body, dict):
        return []
    raw = body.get("errors")
    if not isinstance(raw, list):
        return []
    found: list[EnvelopeError] = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        code = _as_int(entry.get("code"))
        message = entry.get("message")
        found.append(EnvelopeError(code, str(message) if message else "Request refused"))
    return found


def error_from_answer(
    *,
    status: int,
    body: Any,
    request_id: str | None,
    kind: CallKind,
    retry_after: float | None = None,
) -> IntouchError:
    """The typed error for an answer that is an error (non-2xx status or a non-empty errors[])."""
    errors = envelope_errors(body)
    code = errors[0].code if errors else None
    message = "; ".join(e.message for e in errors) if errors else _fallback_message(body, status)
    args = (code, message, request_id, status)

    if code == CUSTOMER_NOT_FOUND:
        return CustomerNotFound(*args)
    if code == REQUEST_NOT_FOUND:
        return RequestNotFound(*args)
    if code == CUSTOMER_EXISTS:
        return CustomerExists(*args)
    if code in REGISTRATION_CODES:
        return InvalidRegistration(*args)
    if status in (401, 403):
        return AuthError(*args)
    if status == 429:
        return RateLimited(*args, retry_after=retry_after)
    if status >= 500:
        return Unavailable(*args)
    if status == 404 and kind is not CallKind.WORKFLOW_CLAIM:
        return _not_found(kind, args)
    if kind is CallKind.WORKFLOW_CLAIM:
        return RetroNotAllowed(*args)
    if kind is CallKind.OAUTH:
        return AuthError(*args)
    if kind is CallKind.REGISTRATION:
        return InvalidRegistration(*args)
    return BadRequest(*args)


def _not_found(kind: CallKind, args: tuple[int | None, str, str | None, int]) -> IntouchError:
    if kind is CallKind.CUSTOMER:
        return CustomerNotFound(*args)
    if kind is CallKind.TRANSACTION:
        return TransactionNotFound(*args)
    if kind in (CallKind.RETRO_REQUESTS, CallKind.WORKFLOW_REQUEST):
        return RequestNotFound(*args)
    return BadRequest(*args)


def _fallback_message(body: Any, status: int) -> str:
    # The workflow gateway is not documented to use the v2 envelope; take a top-level message.
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessage"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return f"The server answered HTTP {status}"


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (str, Decimal)):
        try:
            return int(value)
        except (ValueError, ArithmeticError):
            return None
    return None
