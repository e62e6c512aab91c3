"""Pydantic models of every Intouch request and answer the till uses."""

from tillui.api.models.base import ApiModel, Entity, Pagination
from tillui.api.models.customer import (
    CustomerDetails,
    CustomerIdentifier,
    CustomerLookup,
    LoyaltyProgram,
    PointsBalance,
)
from tillui.api.models.oauth import OAuthAnswer, OAuthToken
from tillui.api.models.registration import (
    NewCustomer,
    NewIdentifier,
    RegistrationAnswer,
    SideEffect,
)
from tillui.api.models.retro import RetroRequest, RetroRequestPage
from tillui.api.models.transaction import (
    BillDetails,
    BillingStore,
    Transaction,
    TransactionAttribution,
    TransactionList,
)
from tillui.api.models.workflow import (
    ClaimPayload,
    EntityInfo,
    IntouchApiTask,
    RetroClaimRequest,
    RetroTaskBody,
    RetroTaskHeaders,
    WorkflowAnswer,
    WorkflowDecision,
    WorkflowDetails,
    WorkflowRequest,
    WorkflowRequestPage,
)

__all__ = [
    "ApiModel",
    "BillDetails",
    "BillingStore",
    "ClaimPayload",
    "CustomerDetails",
    "CustomerIdentifier",
    "CustomerLookup",
    "Entity",
    "EntityInfo",
    "IntouchApiTask",
    "LoyaltyProgram",
    "NewCustomer",
    "NewIdentifier",
    "OAuthAnswer",
    "OAuthToken",
    "Pagination",
    "PointsBalance",
    "RegistrationAnswer",
    "RetroClaimRequest",
    "RetroRequest",
    "RetroRequestPage",
    "RetroTaskBody",
    "RetroTaskHeaders",
    "SideEffect",
    "Transaction",
    "TransactionAttribution",
    "TransactionList",
    "WorkflowAnswer",
    "WorkflowDecision",
    "WorkflowDetails",
    "WorkflowRequest",
    "WorkflowRequestPage",
]
