"""Transactions (bills): GET /v2/transactions/getByBillNumber/{n} and /v2/transactions/{id}."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from tillui.api.models.base import ApiModel, Entity, Pagination


class BillingStore(ApiModel):
    """The store a bill was billed at."""

    id: int
    code: str = ""
    name: str = ""


class BillDetails(ApiModel):
    """Amounts, number and time of one bill."""

    # Some POS integrations send numeric bill numbers; they are still identifiers, not amounts.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    amount: Decimal
    gross_amount: Decimal | None = None
    discount: Decimal | None = None
    bill_number: str
    billing_time: AwareDatetime
    """In the server's timezone, with its offset: compare timezone-aware only."""
    billing_store: BillingStore | None = None


class TransactionAttribution(ApiModel):
    """Who recorded the bill, and when."""

    create_date: AwareDatetime | None = None
    created_by: Entity | None = None
    """The till (`type` "TILL")."""


class Transaction(ApiModel):
    """One bill; `type` NOT_INTERESTED means nobody's yet, the kind a retro claim takes."""

    id: int
    type: str
    customer_id: int | None = None
    retro_txn: bool = False
    bill_details: BillDetails
    attribution: TransactionAttribution | None = None
    line_items: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def is_not_interested(self) -> bool:
        return self.type.upper() == "NOT_INTERESTED"


class TransactionList(ApiModel):
    """The answer of getByBillNumber: several bills may share a number."""

    pagination: Pagination | None = None
    data: list[Transaction] = Field(default_factory=list)
