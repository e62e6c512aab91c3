"""The customer being served right now: one place, cleared on reset (PII does not linger)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tillui.api.models import CustomerLookup
    from tillui.counter.identifier_types import Identifier


class Session:
    def __init__(self) -> None:
        self.identifiers: tuple[Identifier, ...] = ()
        self.lookup: CustomerLookup | None = None
        self.reveal_identifiers = False
        self.claimed_transaction_ids: set[int] = set()
        """Transactions claimed at this till in this app session (highlighted on the
        requests and claim screens)."""

    def start(self, identifiers: tuple[Identifier, ...], lookup: CustomerLookup) -> None:
        self.identifiers = identifiers
        self.lookup = lookup
        self.reveal_identifiers = False

    def clear(self) -> None:
        self.identifiers = ()
        self.lookup = None
        self.reveal_identifiers = False

    @property
    def customer_id(self) -> int | None:
        return self.lookup.details.id if self.lookup else None
