"""Every error code the sandbox answers with, its HTTP status and message, in one module.

The v2 error envelope is `{"warnings": [], "errors": [{"status": false, "code": N,
"message": "..."}]}`. Documented codes come first; the INVENTED codes below are NOT documented
by Capillary: the sandbox needs some code for those refusals, so clients should only rely on
"an error envelope with this message", never on the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    code: int
    http_status: int
    message: str


# --- Documented (docs/intouch-api.md) ---------------------------------------------------
CUSTOMER_NOT_FOUND = ErrorSpec(8015, 404, "Customer not found for the given identifiers")
IDENTIFIERS_MISSING = ErrorSpec(
    11013, 400, "identifierName, identifierValue, source can not be empty"
)
SOURCE_MISSING = ErrorSpec(8016, 400, "source can not be empty")
REQUEST_NOT_FOUND = ErrorSpec(9050, 404, "Request not found")
SOURCE_INVALID = ErrorSpec(3217, 400, "Invalid source")
CUSTOMER_EXISTS = ErrorSpec(8006, 400, "Customer already exists for the same source")
REGISTRATION_ERROR = ErrorSpec(8014, 400, "Error in registration: invalid mobile")

# --- INVENTED: not documented anywhere ------------------------------------------------------
UNAUTHORIZED = ErrorSpec(401, 401, "Invalid or missing credentials")
RATE_LIMITED = ErrorSpec(429, 429, "Too many requests")
INJECTED_FAULT = ErrorSpec(500, 500, "Injected fault")
INTERNAL_ERROR = ErrorSpec(500, 500, "Internal server error")
ROUTE_NOT_FOUND = ErrorSpec(99000, 404, "No such endpoint")
INVALID_PARAMETER = ErrorSpec(99001, 400, "Invalid parameter")
INVALID_JSON = ErrorSpec(99002, 400, "Request body is not valid JSON")
TRANSACTION_NOT_FOUND = ErrorSpec(99101, 404, "Transaction not found")
TRANSACTION_TYPE_MISMATCH = ErrorSpec(99102, 404, "Transaction not found for the given type")
INVALID_RETRO_BODY = ErrorSpec(99103, 400, "Invalid retro transaction request")
TRANSACTION_NOT_NOT_INTERESTED = ErrorSpec(
    99104, 409, "Transaction is not a NOT_INTERESTED transaction (already claimed?)"
)
OPEN_REQUEST_EXISTS = ErrorSpec(
    99105, 409, "An open retro request already exists for this transaction"
)
TRANSACTION_TOO_OLD = ErrorSpec(99106, 400, "Transaction is older than the allowed age")
BEFORE_REGISTRATION_DELAY = ErrorSpec(
    99107, 400, "Transaction was billed too long before the customer registered"
)
RETRO_CUSTOMER_NOT_FOUND = ErrorSpec(99108, 404, "Customer not found")
ENTITY_INFO_MISSING = ErrorSpec(99201, 400, "entityInfo field is mandatory")
INVALID_WORKFLOW_PAYLOAD = ErrorSpec(99202, 400, "Invalid IntouchAPITask-Payload")
UNKNOWN_TILL = ErrorSpec(99203, 400, "entityInfo.tillId is not a known till")
WORKFLOW_REQUEST_NOT_FOUND = ErrorSpec(99204, 404, "Workflow request not found")
WORKFLOW_NOT_AWAITING_DECISION = ErrorSpec(99205, 409, "Request is not awaiting a decision")
INVALID_DECISION = ErrorSpec(99206, 400, "Invalid checker decision")
MANDATORY_FIELD_MISSING = ErrorSpec(
    99301, 400, "A field the registration configuration requires is missing"
)
NOT_A_CHECKER = ErrorSpec(
    99207, 403, "This user may not approve or reject requests (CanCheckRequest is needed)"
)


class ApiError(Exception):
    """Raised by sandbox logic; the app turns it into the v2 error envelope."""

    def __init__(
        self, spec: ErrorSpec, message: str | None = None, http_status: int | None = None
    ) -> None:
        self.code = spec.code
        self.message = message or spec.message
        self.http_status = http_status or spec.http_status
        super().__init__(f"{self.code}: {self.message}")


def error_envelope(code: int, message: str) -> dict[str, Any]:
    return {"warnings": [], "errors": [{"status": False, "code": code, "message": message}]}
