"""The Bulk Buyer's long history, made lazily so creating the app stays fast.

Request `i` (0 = newest) and the transaction it claims are derived from (seed, i) alone, built
on first touch and then kept, so later changes to them stick like any other record's.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .model import LineItem, OrgEntity, RetroRequest, RetroStatus, Transaction

_BILL_PREFIX = "BK-"
_SPACING = timedelta(hours=5)


class BulkHistory:
    def __init__(
        self,
        *,
        seed: int,
        customer_id: int,
        till: OrgEntity,
        store: OrgEntity,
        newest_at: datetime,
        count: int,
        first_pk: int,
        first_request_id: int,
        first_transaction_id: int,
    ) -> None:
        self.customer_id = customer_id
        self.count = count
        self._seed = seed
        self._till = till
        self._store = store
        self._newest_at = newest_at
        self._first_pk = first_pk
        self._first_request_id = first_request_id
        self._first_transaction_id = first_transaction_id
        self._requests: dict[int, RetroRequest] = {}
        self._transactions: dict[int, Transaction] = {}

    def request(self, index: int) -> RetroRequest:
        if not 0 <= index < self.count:
            raise IndexError(index)
        made = self._requests.get(index)
        if made is None:
            made = self._requests[index] = self._make_request(index)
        return made

    def index_of_transaction(self, transaction_id: int) -> int | None:
        index = transaction_id - self._first_transaction_id
        return index if 0 <= index < self.count else None

    def index_of_bill(self, bill_number: str) -> int | None:
        digits = bill_number.removeprefix(_BILL_PREFIX)
        if digits == bill_number or not (digits.isascii() and digits.isdigit()):
            return None
        index = self.count - int(digits)
        return index if 0 <= index < self.count else None

    def transaction(self, index: int) -> Transaction:
        made = self._transactions.get(index)
        if made is None:
            made = self._transactions[index] = self._make_transaction(index)
        return made

    def _rng(self, index: int) -> random.Random:
        return random.Random(self._seed * 1_000_003 + index)

    def _status(self, index: int) -> RetroStatus:
        roll = self._rng(index).random()
        return "SUCCESS" if roll < 0.9 else "REJECTED" if roll < 0.96 else "FAILURE"

    def _make_request(self, index: int) -> RetroRequest:
        added_on = self._newest_at - _SPACING * index
        status = self._status(index)
        return RetroRequest(
            id=self._first_pk + index,
            request_id=self._first_request_id + index,
            status=status,
            customer_id=self.customer_id,
            transaction_id=self._first_transaction_id + index,
            added_by=self._till,
            added_by_parent=self._store,
            updated_by=self._till,
            added_on=added_on,
            updated_on=added_on + timedelta(minutes=7),
            reason="Rejected by checker" if status == "REJECTED" else "",
        )

    def _make_transaction(self, index: int) -> Transaction:
        rng = self._rng(index)
        rng.random()  # the status roll
        billed = self._newest_at - _SPACING * index - timedelta(minutes=rng.randint(30, 240))
        rate = round(rng.uniform(80, 2400), 2)
        qty = rng.randint(1, 3)
        gross = round(rate * qty, 2)
        claimed = self._status(index) == "SUCCESS"
        return Transaction(
            id=self._first_transaction_id + index,
            type="REGULAR" if claimed else "NOT_INTERESTED",
            customer_id=self.customer_id if claimed else None,
            bill_number=f"{_BILL_PREFIX}{self.count - index:06d}",
            billing_time=billed,
            amount=gross,
            gross_amount=gross,
            discount=0.0,
            till=self._till,
            store=self._store,
            created_at=billed + timedelta(seconds=40),
            line_items=(LineItem("SKU-BULK", "Wholesale carton", qty, rate),),
            retro_txn=claimed,
        )
