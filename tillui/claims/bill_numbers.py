"""The bill number a customer holds, for a transaction ID from the retro-request list.

Document 001 lists requests by transaction ID only; the cashier and the customer know the bill
number on the receipt. It is taken from what the till already knows — its own claims (the
outbox), then its recent-bills journal — and only then from one transaction GET, and kept for
the rest of the run (a bill's number never changes). A bill that cannot be read is remembered as
unknown; a server that cannot be reached right now is asked again next time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tillui.api.models import Transaction

logger = logging.getLogger("tillui.claims")

JOURNAL_DAYS = 400
"""How far back the journal is read for bill numbers (requests can be a year old)."""
JOURNAL_MAX_BILLS = 5000
PARALLEL_GETS = 4
"""Transaction GETs at once, so one page of requests does not burst the rate limit."""

# The server's type filter: a claimed (approved) bill has become REGULAR; until then it is
# NOT_INTERESTED. The request's status says which to try first.
_REGULAR_FIRST = frozenset({"APPROVED", "SUCCESS"})


class TransactionReader(Protocol):
    async def transaction(self, transaction_id: int, type: str = ...) -> Transaction: ...


class BillNumbers:
    def __init__(
        self,
        client: TransactionReader,
        *,
        claimed_bill: Callable[[int], str | None] = lambda _id: None,
        journal: Path | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._client = client
        self._claimed_bill = claimed_bill
        self._journal = journal
        self._now = now
        self._known: dict[int, str | None] = {}
        self._journal_read = False
        self._limit = asyncio.Semaphore(PARALLEL_GETS)
        self.gets = 0
        """Transaction GETs made so far (tests and the lead's measurements)."""

    def known(self, transaction_id: int | None) -> str | None:
        """The bill number if it is already known (no I/O)."""
        return None if transaction_id is None else self._known.get(transaction_id)

    async def resolve(self, wanted: Iterable[tuple[int, str]]) -> dict[int, str]:
        """Bill numbers for (transaction ID, request status) pairs; unknown ones are left out."""
        wanted = list(wanted)
        pending = {tid: status for tid, status in wanted if tid not in self._known}
        for tid in list(pending):
            bill = self._claimed_bill(tid)
            if bill:
                self._known[tid] = bill
                del pending[tid]
        if pending and self._journal is not None and not self._journal_read:
            await asyncio.to_thread(self._read_journal)
            pending = {tid: s for tid, s in pending.items() if tid not in self._known}
        if pending:
            await asyncio.gather(*(self._fetch(tid, status) for tid, status in pending.items()))
        return {tid: bill for tid, _status in wanted if (bill := self._known.get(tid)) is not None}

    def _read_journal(self) -> None:
        from tillui.claims.journal import read_recent_bills

        self._journal_read = True
        assert self._journal is not None
        since = self._now() - timedelta(days=JOURNAL_DAYS)
        read = read_recent_bills(self._journal, since=since, max_bills=JOURNAL_MAX_BILLS)
        for bill in read.bills:
            self._known.setdefault(bill.transaction_id, bill.bill_number)

    async def _fetch(self, transaction_id: int, status: str) -> None:
        from tillui.api.errors import IntouchError, RateLimited, Timeout, Unavailable

        order = ("REGULAR", "NOT_INTERESTED")
        if status.upper() not in _REGULAR_FIRST:
            order = order[::-1]
        async with self._limit:
            for kind in order:
                self.gets += 1
                try:
                    transaction = await self._client.transaction(transaction_id, type=kind)
                except (RateLimited, Timeout, Unavailable):
                    return  # not now; asked again on the next page or refresh
                except IntouchError:
                    continue  # not of this type (or not found): try the other, then give up
                self._known[transaction_id] = transaction.bill_details.bill_number
                return
        logger.info("no bill number for a requested transaction")
        self._known[transaction_id] = None
