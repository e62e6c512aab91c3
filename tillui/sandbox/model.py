"""The sandbox's records: org entities, customers, transactions, retro and workflow requests.

Plain mutable dataclasses so tests can inspect and change them through `app.state.sandbox`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

EntityType = Literal["TILL", "STORE", "ZONE", "CONCEPT"]
TransactionType = Literal["REGULAR", "NOT_INTERESTED"]
RetroStatus = Literal["PENDING", "APPROVED", "REJECTED", "SUCCESS", "FAILURE"]
OPEN_RETRO_STATUSES: frozenset[str] = frozenset({"PENDING", "APPROVED"})

# Workflow states: document 002 shows "AdminTask" while a checker must decide; docs/intouch-api.md gives
# "approved" / "failed" as the outcome of a decision.
AWAITING_CHECKER = "AdminTask"
APPROVED = "approved"
REJECTED = "rejected"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OrgEntity:
    id: int
    code: str
    name: str
    type: EntityType
    parent_id: int | None = None


@dataclass(slots=True)
class ProgramMembership:
    program_id: int
    title: str
    tier: str
    main_points: float
    delayed_points: float = 0.0
    external_points: float = 0.0
    lifetime_points: float = 0.0

    @property
    def promised_points(self) -> float:
        return self.delayed_points + self.external_points

    @property
    def total_points(self) -> float:
        return self.main_points + self.promised_points


@dataclass(slots=True)
class Customer:
    id: int
    first_name: str
    last_name: str
    identifiers: dict[str, str]
    """Identifier type ('mobile', 'email', 'externalId', 'cardnumber') -> value."""
    loyalty_type: Literal["loyalty", "non_loyalty"]
    registered_at: datetime
    registered_by: OrgEntity
    programs: list[ProgramMembership] = field(default_factory=list)
    """The first program is the customer's default program."""


@dataclass(frozen=True, slots=True)
class LineItem:
    item_code: str
    description: str
    qty: int
    rate: float


@dataclass(slots=True)
class Transaction:
    id: int
    type: TransactionType
    customer_id: int | None
    bill_number: str
    billing_time: datetime
    amount: float
    gross_amount: float
    discount: float
    till: OrgEntity
    store: OrgEntity
    created_at: datetime
    line_items: tuple[LineItem, ...] = ()
    retro_txn: bool = False


@dataclass(slots=True)
class RetroRequest:
    """The customer's view of a retro claim (documents 000/001)."""

    id: int
    request_id: int
    status: RetroStatus
    customer_id: int
    transaction_id: int
    added_by: OrgEntity
    added_by_parent: OrgEntity
    updated_by: OrgEntity
    added_on: datetime
    updated_on: datetime
    reason: str = ""
    comments: str = ""
    one_step: bool = False


@dataclass(slots=True)
class WorkflowRequest:
    """A request-workflow RETRO-TRANSACTION request (document 002)."""

    request_id: str
    user_id: int
    user_name: str
    state: str
    start_time: datetime
    end_time: datetime | None
    task_payload: dict[str, Any]
    retro_request: RetroRequest
    entity_info: dict[str, str] = field(default_factory=dict)
    """The claim's entityInfo (tillId, storeId, zoneId, conceptId): what the list filters on."""
    decision: dict[str, Any] | None = None
    """The checker's `AdminTask-Payload` once decided (shown in `details`)."""
    execute_at: datetime | None = None
    """Approved, the retro still to run at this time (see `execution_delay_seconds`)."""
    failure: str = ""
    """Why the executed retro failed (shown in `details`)."""


def parse_id(text: str) -> int | None:
    """A numeric ID from a path or entityInfo ("50682289"), or None (ASCII digits only)."""
    return int(text) if text.isascii() and text.isdigit() else None
