"""The bills a cashier may claim for a customer: from the till's journal or a receipt search,
each checked against the brand's limits and confirmed with the API before it can be chosen.

No widgets here: the claim screen shows what this module decides.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from tillui.claims.limits import LimitVerdict, check_bill

if TYPE_CHECKING:
    from tillui.api.client import IntouchClient
    from tillui.api.models import Transaction
    from tillui.claims.journal import JournalBill
    from tillui.config.settings import Settings

Source = Literal["journal", "search"]
Check = Literal["unchecked", "confirmed", "refused"]

# How far back the journal is read: past the age limit too, so too-old bills show with the
# reason instead of silently missing (a cashier looking for "that bill last month" sees why).
EXTRA_JOURNAL_DAYS = 30
MAX_JOURNAL_BILLS = 100


@dataclass(frozen=True, slots=True)
class Candidate:
    transaction_id: int
    bill_number: str
    billing_time: datetime
    amount: Decimal
    currency: str | None
    source: Source
    verdict: LimitVerdict
    check: Check = "unchecked"
    problem: str | None = None
    """Why the API check refused it (already claimed, another store, not found …)."""
    store_name: str | None = None

    @property
    def selectable(self) -> bool:
        return self.verdict.allowed and self.check != "refused"

    @property
    def reason(self) -> str | None:
        """Why it cannot be chosen, in the cashier's words (None when it can)."""
        if not self.verdict.allowed:
            return self.verdict.reason
        return self.problem if self.check == "refused" else None


@dataclass(frozen=True, slots=True)
class ClaimContext:
    """Everything the checks need about the customer, the till and the time."""

    settings: Settings
    registered_at: datetime | None
    now: datetime

    def verdict(self, billing_time: datetime) -> LimitVerdict:
        if self.registered_at is None:
            return LimitVerdict(
                False,
                "The customer's registration time is unknown — "
                "claims cannot be checked; ask a supervisor",
            )
        return check_bill(
            billing_time,
            self.registered_at,
            self.now,
            max_age_days=self.settings.retro_max_age_days,
            delay_hours=self.settings.retro_delay_hours,
            rule=self.settings.registration_rule,
        )


def read_journal(context: ClaimContext) -> tuple[list[Candidate], list[str]]:
    """The till's recent non-member bills, newest first, with the limits applied."""
    from tillui.claims.journal import read_recent_bills

    path = context.settings.bills_journal
    if path is None:
        return [], ["No recent-bills journal is configured for this till: search by receipt."]
    since = context.now - timedelta(days=context.settings.retro_max_age_days + EXTRA_JOURNAL_DAYS)
    read = read_recent_bills(path, since=since, max_bills=MAX_JOURNAL_BILLS)
    return [_from_journal(bill, context) for bill in read.bills], list(read.problems)


def _from_journal(bill: JournalBill, context: ClaimContext) -> Candidate:
    return Candidate(
        bill.transaction_id,
        bill.bill_number,
        bill.billing_time,
        bill.amount,
        bill.currency,
        "journal",
        context.verdict(bill.billing_time),
    )


def judge_transaction(
    transaction: Transaction, context: ClaimContext, source: Source, currency: str | None = None
) -> Candidate:
    """A candidate from the API's own record of the bill: its exact time, type and store."""
    details = transaction.bill_details
    store = details.billing_store
    candidate = Candidate(
        transaction.id,
        details.bill_number,
        details.billing_time,
        details.amount,
        currency,
        source,
        context.verdict(details.billing_time),
        "confirmed",
        store_name=store.name if store else None,
    )
    problem = _problem(transaction, context.settings)
    return replace(candidate, check="refused", problem=problem) if problem else candidate


def _problem(transaction: Transaction, settings: Settings) -> str | None:
    if transaction.retro_txn or not transaction.is_not_interested:
        return "Already on a customer's account — it cannot be claimed again"
    store = transaction.bill_details.billing_store
    if (
        settings.same_store_only
        and settings.store_id
        and (store is None or str(store.id) != settings.store_id)
    ):
        where = store.name or store.code or str(store.id) if store else "an unknown store"
        return f"Billed at {where} — this till claims only its own store's bills"
    return None


async def confirm(client: IntouchClient, candidate: Candidate, context: ClaimContext) -> Candidate:
    """Check one candidate with the API (still NOT_INTERESTED, not a retro, our store, exact time).

    Transport failures propagate (the cashier must see them); a bill the API does not know as a
    NOT_INTERESTED transaction comes back refused with the reason.
    """
    from tillui.api.errors import TransactionNotFound

    try:
        transaction = await client.transaction(candidate.transaction_id, type="NOT_INTERESTED")
    except TransactionNotFound:
        return replace(
            candidate,
            check="refused",
            problem="Not an unclaimed non-member bill any more (claimed, or unknown)",
        )
    return judge_transaction(transaction, context, candidate.source, candidate.currency)


async def confirm_many(
    client: IntouchClient, candidates: list[Candidate], context: ClaimContext, *, limit: int = 4
) -> list[Candidate | BaseException]:
    """Confirm several at once (bounded, to be gentle with the API's rate limit)."""
    gate = asyncio.Semaphore(limit)

    async def one(candidate: Candidate) -> Candidate:
        async with gate:
            return await confirm(client, candidate, context)

    return list(await asyncio.gather(*(one(c) for c in candidates), return_exceptions=True))


def till_currency(known: Iterable[Candidate]) -> str | None:
    """The currency the till's journal bills are in (the commonest, if it ever mixes them)."""
    counts = Counter(c.currency for c in known if c.currency)
    return counts.most_common(1)[0][0] if counts else None


async def search_receipt(
    client: IntouchClient,
    query: str,
    context: ClaimContext,
    known: Iterable[Candidate] = (),
) -> list[Candidate]:
    """A typed or scanned receipt: its bill number, else (if numeric) its transaction ID.

    The API's record of a bill carries no currency: a bill the journal lists keeps the journal's,
    any other takes the till's (`till_currency` of the `known` bills).
    """
    from tillui.api.errors import TransactionNotFound

    query = query.strip()
    if not query:
        return []
    known = list(known)
    currencies = {c.transaction_id: c.currency for c in known if c.currency}
    usual = till_currency(known)

    def judged(transaction: Transaction) -> Candidate:
        currency = currencies.get(transaction.id, usual)
        return judge_transaction(transaction, context, "search", currency)

    bills = await client.transactions_by_bill_number(query)
    found = [judged(t) for t in bills]
    if not found and query.isdigit():
        try:
            found = [judged(await client.transaction(int(query), type="NOT_INTERESTED"))]
        except TransactionNotFound:
            found = []
    # Our store's bills first, then newest first.
    return sorted(found, key=lambda c: (c.check == "refused", -c.billing_time.timestamp()))
