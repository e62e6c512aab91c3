"""The store manager's desk: the store's claims waiting for a checker, and the decision on one.

The list is the documented workflow list (`storeId`, `RETRO-TRANSACTION`, `states=AdminTask`,
oldest first); each row's bill (number, amount, time, till) is read with one GET per bill, a few
at a time, once per visit. A decision is sent with the checker's token only (the client refuses
the till's own). When the decision is refused or its answer is lost, the request is read back:
already decided by someone else is told as such, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Protocol

from tillui.claims.workflow_states import WAITING, is_waiting, server_reason, state_words

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic import SecretStr

    from tillui.api.models import Transaction, WorkflowRequest, WorkflowRequestPage
    from tillui.config.settings import Settings

BILL_READS_AT_ONCE = 4
DecisionKind = Literal["approved", "rejected", "already_decided"]


class CheckerClient(Protocol):
    """What the desk needs of `tillui.api.client.IntouchClient`."""

    async def workflow_requests(
        self,
        *,
        store_id: str | None = None,
        states: Sequence[str] = (),
        sort_order: Literal["asc", "desc"] = "desc",
        limit: int = 50,
        page: int = 1,
    ) -> WorkflowRequestPage: ...

    async def workflow_request(self, request_id: str) -> WorkflowRequest: ...

    async def decide_workflow_request(
        self, request_id: str, *, approve: bool, message: str = "", checker_token: SecretStr
    ) -> WorkflowRequest: ...

    async def transaction(
        self, transaction_id: int, type: str = "NOT_INTERESTED"
    ) -> Transaction: ...


@dataclass(frozen=True, slots=True)
class WaitingClaim:
    """One request waiting for a checker, with its bill when it could be read."""

    request: WorkflowRequest
    bill: Transaction | None = None
    bill_problem: str = ""
    """Why the bill is not shown (e.g. no longer a non-member bill: claimed meanwhile)."""

    @property
    def request_id(self) -> str:
        return self.request.request_id

    @property
    def transaction_id(self) -> int | None:
        return self.request.transaction_id

    @property
    def customer_id(self) -> int | None:
        return self.request.customer_id

    @property
    def bill_number(self) -> str | None:
        return self.bill.bill_details.bill_number if self.bill else None

    @property
    def amount(self) -> Decimal | None:
        return self.bill.bill_details.amount if self.bill else None

    @property
    def billing_time(self) -> datetime | None:
        return self.bill.bill_details.billing_time if self.bill else None

    @property
    def till(self) -> str:
        """The till that billed it (name, else code, else ID)."""
        attribution = self.bill.attribution if self.bill else None
        till = attribution.created_by if attribution else None
        if till is None:
            return "—"
        return till.name or till.code or str(till.id)

    @property
    def waiting_since(self) -> datetime | None:
        """When the claim was made (the workflow's start time: UTC, sent without an offset)."""
        start = self.request.start_time
        if start is None:
            return None
        return start if start.tzinfo is not None else start.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class WaitingPage:
    items: tuple[WaitingClaim, ...]
    page: int
    """1-based, as the API counts."""
    limit: int
    total: int | None
    has_more: bool


@dataclass(frozen=True, slots=True)
class Decision:
    kind: DecisionKind
    request: WorkflowRequest
    """The request as the server has it now."""
    message: str
    """What the manager reads."""

    @property
    def state_words(self) -> str:
        return state_words(self.request.state)


class CheckerDesk:
    """One per visit of the checker view: it caches the bills it has read."""

    def __init__(self, client: CheckerClient, settings: Settings) -> None:
        self._client = client
        self._settings = settings
        self._bills: dict[int, Transaction] = {}

    async def waiting(self, *, page: int, limit: int) -> WaitingPage:
        """Page `page` (1-based) of the store's claims waiting for a checker, oldest first."""
        answer = await self._client.workflow_requests(
            store_id=self._settings.store_id,
            states=(WAITING,),
            sort_order="asc",
            limit=limit,
            page=page,
        )
        gate = asyncio.Semaphore(BILL_READS_AT_ONCE)
        items = await asyncio.gather(*(self._with_bill(r, gate) for r in answer.items))
        return WaitingPage(tuple(items), answer.page, answer.limit, answer.total, answer.has_more)

    async def _with_bill(self, request: WorkflowRequest, gate: asyncio.Semaphore) -> WaitingClaim:
        from tillui.api.errors import IntouchError, TransactionNotFound

        transaction_id = request.transaction_id
        if transaction_id is None:
            return WaitingClaim(request, bill_problem="The request names no bill")
        if transaction_id in self._bills:
            return WaitingClaim(request, self._bills[transaction_id])
        try:
            async with gate:
                bill = await self._client.transaction(transaction_id)
        except TransactionNotFound:
            return WaitingClaim(
                request, bill_problem="No longer a non-member bill (claimed meanwhile?)"
            )
        except IntouchError as error:
            return WaitingClaim(request, bill_problem=f"Bill not read: {error.message}")
        self._bills[transaction_id] = bill
        return WaitingClaim(request, bill)

    async def decide(
        self, request_id: str, *, approve: bool, message: str, checker_token: SecretStr
    ) -> Decision:
        """Approve or reject one waiting claim.

        Raises AuthError when the token is refused (or is the till's own): nothing changed.
        Other failures are checked by reading the request back; if it is still waiting, the
        error is raised (nothing changed, the manager may try again).
        """
        from tillui.api.errors import (
            AuthError,
            IntouchError,
            InvalidResponse,
            Timeout,
            Unavailable,
        )

        try:
            decided = await self._client.decide_workflow_request(
                request_id, approve=approve, message=message, checker_token=checker_token
            )
        except AuthError:
            raise
        except IntouchError as error:
            try:
                current = await self._client.workflow_request(request_id)
            except IntouchError:
                raise error from None
            if is_waiting(current.state):
                raise
            wanted: Literal["approved", "rejected"] = "approved" if approve else "rejected"
            answer_lost = isinstance(error, (Timeout, Unavailable, InvalidResponse))
            if answer_lost and current.state.lower() in _OUTCOMES[wanted]:
                return _decided(wanted, current)  # ours landed; only its answer was lost
            return Decision(
                "already_decided",
                current,
                f"Already decided by someone else: {state_words(current.state)}"
                + (f" — {reason}" if (reason := server_reason(current)) else "")
                + ". Nothing was changed.",
            )
        return _decided("approved" if approve else "rejected", decided)


_OUTCOMES = {"approved": {"approved", "failed"}, "rejected": {"rejected"}}


def _decided(kind: Literal["approved", "rejected"], request: WorkflowRequest) -> Decision:
    reason = server_reason(request)
    if kind == "rejected":
        said = f" ({reason})" if reason else ""
        text = f"Rejected{said}. The customer's request shows REJECTED."
    elif request.state.lower() == "failed":
        text = f"Approved, but the server could not add the points: {reason or 'no reason given'}."
    else:
        text = (
            "Approved. The customer's request shows APPROVED, then SUCCESS once points are added."
        )
    return Decision(kind, request, text)
