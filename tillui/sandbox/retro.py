"""The retro transaction itself (PUT /v2/transactions/retro) and the two brand limits.

Limits (document 002): a bill may be at most `retro_max_age_days` old, and must be billed no
earlier than registration minus `retro_delay_hours` (3 h and a 09:00 registration: 06:00 is
allowed, 05:59 is not) -- the worked example's reading; with `registration_rule =
"registered_delay_before_now"` (the definition's reading) the customer must instead have
registered at least `retro_delay_hours` before now. All comparisons are between tz-aware
datetimes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .config import SandboxConfig
from .errors import (
    BEFORE_REGISTRATION_DELAY,
    INVALID_RETRO_BODY,
    RETRO_CUSTOMER_NOT_FOUND,
    TRANSACTION_NOT_FOUND,
    TRANSACTION_NOT_NOT_INTERESTED,
    TRANSACTION_TOO_OLD,
    ApiError,
)
from .model import Customer, Transaction
from .state import SandboxState
from .timefmt import iso_in_zone

POINTS_PER_CURRENCY_UNIT = 1


@dataclass(frozen=True, slots=True)
class RetroBody:
    transaction_id: int
    customer_id: int
    notes: str


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_retro_body(body: Any) -> RetroBody:
    if not isinstance(body, dict):
        raise ApiError(INVALID_RETRO_BODY, "The retro body must be a JSON object")
    if body.get("oldType") != "NOT_INTERESTED" or body.get("newType") != "REGULAR":
        raise ApiError(INVALID_RETRO_BODY, "oldType must be NOT_INTERESTED and newType REGULAR")
    if not _is_int(body.get("transactionId")) or not _is_int(body.get("customerId")):
        raise ApiError(INVALID_RETRO_BODY, "transactionId and customerId must be integers")
    for key in ("extendedFields", "customFields"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise ApiError(INVALID_RETRO_BODY, f"{key} must be an object")
    notes = body.get("notes")
    if notes is not None and not isinstance(notes, str):
        raise ApiError(INVALID_RETRO_BODY, "notes must be a string")
    return RetroBody(body["transactionId"], body["customerId"], notes or "")


def claim_subjects(
    state: SandboxState, body: RetroBody, *, any_type: bool = False
) -> tuple[Transaction, Customer]:
    """The NOT_INTERESTED bill (any bill with `any_type`) and the customer a retro body names,
    or an error."""
    customer = state.customers.get(body.customer_id)
    if customer is None:
        raise ApiError(RETRO_CUSTOMER_NOT_FOUND, f"Customer {body.customer_id} not found")
    txn = state.transactions.get(body.transaction_id)
    if txn is None:
        raise ApiError(TRANSACTION_NOT_FOUND, f"Transaction {body.transaction_id} not found")
    if txn.type != "NOT_INTERESTED" and not any_type:
        raise ApiError(TRANSACTION_NOT_NOT_INTERESTED)
    return txn, customer


def earliest_claimable_billing_time(config: SandboxConfig, customer: Customer) -> datetime:
    return customer.registered_at - timedelta(hours=config.retro_delay_hours)


def check_limits(
    config: SandboxConfig, now: datetime, txn: Transaction, customer: Customer
) -> None:
    max_age = timedelta(days=config.retro_max_age_days)
    if now - txn.billing_time > max_age:
        raise ApiError(
            TRANSACTION_TOO_OLD,
            f"Transaction is older than {config.retro_max_age_days} days",
        )
    if config.registration_rule == "registered_delay_before_now":
        if now - customer.registered_at < timedelta(hours=config.retro_delay_hours):
            raise ApiError(
                BEFORE_REGISTRATION_DELAY,
                f"The customer registered less than {config.retro_delay_hours} hours ago",
            )
        return
    earliest = earliest_claimable_billing_time(config, customer)
    if txn.billing_time < earliest:
        shown = iso_in_zone(earliest, config.server_timezone)
        raise ApiError(
            BEFORE_REGISTRATION_DELAY,
            f"Transaction was billed before {shown}: {config.retro_delay_hours} hours before "
            "the customer registered",
        )


def apply_retro(state: SandboxState, raw_body: Any) -> Transaction:
    """Tag the bill to the customer: REGULAR, retroTxn, and the points it earns."""
    body = parse_retro_body(raw_body)
    txn, customer = claim_subjects(state, body)
    check_limits(state.config, state.now(), txn, customer)
    txn.type = "REGULAR"
    txn.customer_id = customer.id
    txn.retro_txn = True
    earned = math.floor(txn.amount) * POINTS_PER_CURRENCY_UNIT
    if customer.programs:
        default_program = customer.programs[0]
        default_program.main_points += earned
        default_program.lifetime_points += earned
    return txn
