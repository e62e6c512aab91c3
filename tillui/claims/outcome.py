"""What a claim came to, and the words and server records the claim service and its
reconcile share (see `tillui.claims.service`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from tillui.claims.outbox import ClaimRecord

if TYPE_CHECKING:
    from tillui.api.models import (
        RetroClaimRequest,
        RetroRequest,
        RetroRequestPage,
        WorkflowRequest,
        WorkflowRequestPage,
    )


MAX_ATTEMPTS = 3
"""POSTs of one claim the server may have acted on, the first included; then, if it is proven
absent, it was not made and a person claims the bill again."""
RECONCILE_PAGE_SIZE = 50
RECONCILE_MAX_PAGES = 4
WORKFLOW_PAGE_SIZE = 100
WORKFLOW_MAX_PAGES = 10
BACKOFF_FIRST_SECONDS = 2.0
_STATE_WORDS = {
    "AdminTask": "waiting for a supervisor's approval",
    "approved": "approved — the points are being added",
    "failed": "not approved (rejected or failed)",
}
REJECTED_STATES = frozenset({"REJECTED", "FAILURE", "rejected", "failed"})
"""Server states after which the bill may be claimed again."""

OutcomeKind = Literal["sent", "refused", "unknown", "already_claimed"]
Clock = Callable[[], datetime]
Report = Callable[[list["ClaimOutcome"]], Awaitable[None] | None]


class ClaimClient(Protocol):
    """What the service needs of `tillui.api.client.IntouchClient`."""

    async def submit_retro_claim(self, claim: RetroClaimRequest) -> WorkflowRequest: ...

    async def retro_requests(
        self, customer_id: int, *, limit: int = 10, offset: int = 0
    ) -> RetroRequestPage: ...

    async def workflow_requests(
        self,
        *,
        till_id: str | None = None,
        start_date: date | None = None,
        limit: int = 50,
        page: int = 1,
    ) -> WorkflowRequestPage: ...


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    """What became of one claim, and what to tell the cashier."""

    claim: ClaimRecord
    kind: OutcomeKind
    message: str
    """One or two sentences for the cashier, including what to do next."""
    server_message: str | None = None
    """The server's own words, when it refused."""
    posted: bool = False
    """Whether this call sent a POST (reconcile: whether it resent)."""

    @property
    def sent(self) -> bool:
        return self.kind == "sent"

    @property
    def refused(self) -> bool:
        return self.kind == "refused"

    @property
    def unknown(self) -> bool:
        return self.kind == "unknown"


@dataclass(frozen=True, slots=True)
class ServerRequest:
    """A request seen on the server, from either witness, in the terms matching needs."""

    request_id: str
    state: str
    transaction_id: int | None
    customer_id: int | None
    added_at: datetime | None
    by_this_till: bool


@dataclass(slots=True)
class _Sighting:
    """What one witness said about some claims' bills."""

    requests: list[ServerRequest]
    complete: bool
    """The witness was read whole: a bill not in it has no request there."""
    taken_at: datetime
    """When its reading began: a request made after that may be missing from it (newest first,
    page by page), so absence is dated from here, not from when the reading ended."""
    error: Exception | None = None


_CHECKING_MESSAGE = (
    "Being checked with Intouch: no answer came, and the claim may still arrive there. Do not "
    "claim this bill again; the till keeps checking and resends it only if it never arrived."
)
_SENDING_NOW_MESSAGE = "This claim is being sent right now; check again shortly."
_BUSY_MESSAGE = (
    "Intouch was too busy to take the claim again; the till tries again later. Do not claim "
    "this bill again."
)
_UNKNOWN_MESSAGE = (
    "No clear answer from Intouch, so the claim may or may not have been made. It is saved: "
    "do not claim this bill again, here or at another till. The till checks it with Intouch "
    "before anything is resent (Reconcile)."
)


def state_words(state: str) -> str:
    """A workflow state in the cashier's words."""
    return _STATE_WORDS.get(state, state.lower() if state else "state not known")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _as_int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() else None


def _aware(moment: datetime | None) -> datetime | None:
    # Workflow times come without an offset (document 002): they are UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _from_workflow(item: WorkflowRequest) -> ServerRequest:
    return ServerRequest(
        request_id=str(item.request_id),
        state=item.state,
        transaction_id=item.transaction_id,
        customer_id=item.customer_id,
        added_at=_aware(item.start_time),
        by_this_till=True,  # the list was asked for this till's requests
    )


def _from_retro(item: RetroRequest, till_id: int | None) -> ServerRequest:
    return ServerRequest(
        request_id=str(item.request_id),
        state=item.status,
        transaction_id=item.transaction_id,
        customer_id=item.user_id,
        added_at=_aware(item.added_on),
        by_this_till=till_id is not None and item.added_by.id == till_id,
    )


def _errors() -> Any:
    """`tillui.api.errors`, imported on first use (it is cheap, but the API package is not)."""
    from tillui.api import errors

    return errors
