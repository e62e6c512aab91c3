"""Registering a shopper at the till without ever making two customers for one person.

The registration POST is sent once. When its answer is lost (timeout, dropped connection,
unreadable answer) the customer may exist anyway, so nothing is resent blindly: the
identifiers are looked up first, and whoever exists is shown to the cashier to confirm. An
8006 "already exists" is the same case: look up, show who was found, let the cashier confirm
it is the shopper, never a silent merge.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tillui.api.errors import (
    CustomerExists,
    CustomerNotFound,
    IntouchError,
    InvalidResponse,
    Timeout,
    Unavailable,
)
from tillui.api.models import CustomerDetails, NewCustomer, RegistrationAnswer, SideEffect
from tillui.counter.identifier_types import Identifier

LOST_ANSWER = (Timeout, Unavailable, InvalidResponse)


class RegistrationClient(Protocol):
    async def add_customer(self, customer: NewCustomer) -> RegistrationAnswer: ...

    async def customer_details(self, identifiers: list[Identifier]) -> CustomerDetails: ...


class RegistrationOutcomeUnknown(IntouchError):
    """The registration was sent, no answer came, and a lookup does not find the customer yet."""

    default_hint = (
        "The till could not tell whether the customer was registered. Press Enter to check "
        "again: the till looks the customer up before registering anything twice."
    )


@dataclass(frozen=True, slots=True)
class Registered:
    """The customer was made now; `side_effects` is what registration gave them."""

    customer_id: int
    side_effects: tuple[SideEffect, ...]


@dataclass(frozen=True, slots=True)
class ConfirmExisting:
    """Someone is registered with these identifiers: the cashier must confirm it is the shopper.

    `after_lost_answer` is True when our own lost registration probably made them."""

    customer: CustomerDetails
    after_lost_answer: bool


Outcome = Registered | ConfirmExisting


class RegistrationService:
    """One per till session; remembers registrations whose answer was lost."""

    def __init__(self, client: RegistrationClient) -> None:
        self._client = client
        self._uncertain: set[tuple[str, str]] = set()

    async def register(self, customer: NewCustomer) -> Outcome:
        """Register `customer`, or find who these identifiers already belong to."""
        keys = {(i.type, i.value) for i in customer.identifiers}
        lost_before = bool(keys & self._uncertain)
        if lost_before:
            found = await self._find(customer)
            if found is not None:
                self._uncertain -= keys
                return ConfirmExisting(found, after_lost_answer=True)
        try:
            answer = await self._client.add_customer(customer)
        except LOST_ANSWER as error:
            self._uncertain |= keys
            found = await self._find(customer)
            if found is not None:
                self._uncertain -= keys
                return ConfirmExisting(found, after_lost_answer=True)
            raise RegistrationOutcomeUnknown(
                error.code, f"No clear answer to the registration: {error.message}"
            ) from error
        except CustomerExists:
            found = await self._find(customer)
            if found is None:
                raise
            self._uncertain -= keys
            return ConfirmExisting(found, after_lost_answer=lost_before)
        self._uncertain -= keys
        return Registered(answer.created_id, answer.side_effects)

    async def _find(self, customer: NewCustomer) -> CustomerDetails | None:
        # One identifier at a time: the customer may be found by any one of them.
        for given in customer.identifiers:
            try:
                return await self._client.customer_details([Identifier(given.type, given.value)])
            except CustomerNotFound:
                continue
        return None
