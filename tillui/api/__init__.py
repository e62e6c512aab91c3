"""The Intouch API client: `IntouchClient`, its models and its typed errors.

Names are resolved lazily (PEP 562) so that `from tillui.api import CustomerNotFound` costs
only the errors module, while `IntouchClient` brings in httpx and pydantic on first use.
Nothing here imports Textual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tillui.api.auth import basic_authorization, basic_credentials, md5_hex
    from tillui.api.claim import build_retro_claim
    from tillui.api.client import IntouchClient
    from tillui.api.errors import (
        AuthError,
        BadRequest,
        ClaimOutcomeUnknown,
        CustomerNotFound,
        IntouchError,
        InvalidResponse,
        RateLimited,
        RequestNotFound,
        RetroNotAllowed,
        Timeout,
        TransactionNotFound,
        Unavailable,
    )
    from tillui.api.models import (
        BillDetails,
        BillingStore,
        CustomerDetails,
        CustomerIdentifier,
        CustomerLookup,
        Entity,
        LoyaltyProgram,
        Pagination,
        PointsBalance,
        RetroClaimRequest,
        RetroRequest,
        RetroRequestPage,
        Transaction,
        TransactionAttribution,
        WorkflowDetails,
        WorkflowRequest,
    )
    from tillui.api.retry import RetryPolicy

# The errors module is cheap (no httpx, no pydantic): its own __all__ says what it exports.
_ERRORS = tuple(importlib.import_module("tillui.api.errors").__all__)
_MODELS = (
    "BillDetails",
    "BillingStore",
    "CustomerDetails",
    "CustomerIdentifier",
    "CustomerLookup",
    "Entity",
    "LoyaltyProgram",
    "Pagination",
    "PointsBalance",
    "RetroClaimRequest",
    "RetroRequest",
    "RetroRequestPage",
    "Transaction",
    "TransactionAttribution",
    "WorkflowDetails",
    "WorkflowRequest",
)
_WHERE: dict[str, str] = {
    **dict.fromkeys(_ERRORS, "tillui.api.errors"),
    **dict.fromkeys(_MODELS, "tillui.api.models"),
    "IntouchClient": "tillui.api.client",
    "RetryPolicy": "tillui.api.retry",
    "build_retro_claim": "tillui.api.claim",
    "basic_authorization": "tillui.api.auth",
    "basic_credentials": "tillui.api.auth",
    "md5_hex": "tillui.api.auth",
}

__all__ = [
    "AuthError",
    "BadRequest",
    "BillDetails",
    "BillingStore",
    "ClaimOutcomeUnknown",
    "CustomerDetails",
    "CustomerIdentifier",
    "CustomerLookup",
    "CustomerNotFound",
    "Entity",
    "IntouchClient",
    "IntouchError",
    "InvalidResponse",
    "LoyaltyProgram",
    "Pagination",
    "PointsBalance",
    "RateLimited",
    "RequestNotFound",
    "RetroClaimRequest",
    "RetroNotAllowed",
    "RetroRequest",
    "RetroRequestPage",
    "RetryPolicy",
    "Timeout",
    "Transaction",
    "TransactionAttribution",
    "TransactionNotFound",
    "Unavailable",
    "WorkflowDetails",
    "WorkflowRequest",
    "basic_authorization",
    "basic_credentials",
    "build_retro_claim",
    "md5_hex",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'tillui.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
