"""Submitting retro claims through the outbox, and reconciling the ones whose answer never came.

The one promise: a bill is never claimed twice and a confirmed claim is never lost.

* `submit` stores the claim (`queued`), marks it `sending`, POSTs it once and records the
  answer: `sent`, `refused` (the server said no: nothing was made, it may be claimed again) or
  `unknown` (timeout, dropped connection: it may or may not have been made).
* `reconcile` takes every claim still `queued`, `sending` or `unknown` and looks for its
  transaction among the customer's retro requests (newest first, a bounded number of pages).
  Found: it is marked `sent` with that request's ID and status, never resent. Not found in the
  customer's complete list: it never arrived, so it is sent (once per reconcile, at most
  `MAX_ATTEMPTS` POSTs in all). If the list cannot be read whole, nothing is sent.
* Within this process a transaction has at most one submit or reconcile in progress (a double
  Enter waits for the first and reports it). Across processes, the outbox's unique index stops a
  second claim, and reconcile leaves alone `queued`/`sending` claims touched within
  `sending_grace` (another till process may be sending them right now).

The resent body is rebuilt from the current settings and secrets: the outbox stores claims
with their credentials redacted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self

from tillui.claims.outbox import ClaimRecord, ClaimsOutbox, DuplicateClaim, OutboxError, StaleClaim

if TYPE_CHECKING:
    from tillui.api.models import RetroClaimRequest, RetroRequest, RetroRequestPage, WorkflowRequest
    from tillui.config.settings import Secrets, Settings

logger = logging.getLogger("tillui.claims")

MAX_ATTEMPTS = 3
"""POSTs of one claim in all, counting the first; after that a person has to look at it."""
RECONCILE_PAGE_SIZE = 50
RECONCILE_MAX_PAGES = 4
_STATE_WORDS = {
    "AdminTask": "waiting for a supervisor's approval",
    "approved": "approved — the points are being added",
    "failed": "not approved (rejected or failed)",
}

OutcomeKind = Literal["sent", "refused", "unknown", "already_claimed"]


class ClaimClient(Protocol):
    """What the service needs of `tillui.api.client.IntouchClient`."""

    async def submit_retro_claim(self, claim: RetroClaimRequest) -> WorkflowRequest: ...

    async def retro_requests(
        self, customer_id: int, *, limit: int = 10, offset: int = 0
    ) -> RetroRequestPage: ...


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


class ClaimService:
    def __init__(
        self,
        client: ClaimClient,
        outbox: ClaimsOutbox,
        settings: Settings,
        secrets: Secrets,
        *,
        sending_grace: timedelta | None = None,
    ) -> None:
        self._client = client
        self._outbox = outbox
        self._settings = settings
        self._secrets = secrets
        self._sending_grace = (
            sending_grace
            if sending_grace is not None
            else timedelta(seconds=settings.connect_timeout + settings.read_timeout + 5)
        )
        # transaction ID -> the outcome of the submit/reconcile working on it right now.
        self._in_flight: dict[int, asyncio.Future[ClaimOutcome | None]] = {}
        self._reconcile_lock = asyncio.Lock()

    async def submit(
        self,
        *,
        customer_id: int,
        transaction_id: int,
        bill_number: str,
        amount: Decimal | float | str,
        notes: str = "",
    ) -> ClaimOutcome:
        """Claim one bill for one customer: stored first, then sent once.

        Raises IntouchError (AuthError, BadRequest) when the till's settings cannot make a claim
        at all; nothing is stored then.
        """
        while (running := self._in_flight.get(transaction_id)) is not None:
            # A double Enter: wait for the first call and report it; send nothing.
            first = await asyncio.shield(running)
            if first is not None:
                if first.claim.state == "refused":
                    return replace(first, posted=False)
                return self._already_claimed(first.claim)
            # The first call failed before storing anything: this call makes the claim.
        with self._slot(transaction_id) as slot:
            request = self._build(
                customer_id=customer_id, transaction_id=transaction_id, notes=notes
            )
            try:
                record = await asyncio.to_thread(
                    self._outbox.enqueue,
                    till_id=self._settings.till_id,
                    customer_id=customer_id,
                    transaction_id=transaction_id,
                    bill_number=bill_number,
                    amount=amount,
                    notes=notes,
                    body=request.model_dump(mode="json", by_alias=True),
                )
            except DuplicateClaim as duplicate:
                outcome = await self._existing(duplicate.existing, customer_id)
            else:
                outcome = await self._send(record, request)
            slot.set_result(outcome)
            return outcome

    @property
    def outbox(self) -> ClaimsOutbox:
        """The till's claims journal (read by the till's claims list)."""
        return self._outbox

    async def unresolved_count(self) -> int:
        """Claims stored but not yet confirmed by the server (queued, sending or unknown)."""
        return len(await asyncio.to_thread(self._outbox.unresolved))

    async def reconcile(self) -> list[ClaimOutcome]:
        """Settle every unresolved claim (see the module docstring). In-flight ones are left
        to the call sending them and are not in the result."""
        async with self._reconcile_lock:
            claims = await asyncio.to_thread(self._outbox.unresolved)
            by_customer: dict[int, list[ClaimRecord]] = {}
            for claim in claims:
                if claim.transaction_id not in self._in_flight:
                    by_customer.setdefault(claim.customer_id, []).append(claim)
            outcomes: list[ClaimOutcome] = []
            for customer_id, customer_claims in by_customer.items():
                outcomes.extend(await self._reconcile_customer(customer_id, customer_claims))
            return outcomes

    # -- reconciling -----------------------------------------------------------------------

    async def _reconcile_customer(
        self, customer_id: int, claims: list[ClaimRecord]
    ) -> list[ClaimOutcome]:
        settled_claims = [c for c in claims if self._settled(c)]
        outcomes = [
            ClaimOutcome(c, "unknown", "This claim is being sent right now; check again shortly.")
            for c in claims
            if not self._settled(c)
        ]
        if not settled_claims:
            return outcomes
        try:
            found, complete = await self._find_requests(
                customer_id, {c.transaction_id for c in settled_claims}
            )
        except _errors().IntouchError as error:
            logger.warning("reconcile: retro requests of a customer unreadable: %s", error)
            return outcomes + [
                ClaimOutcome(c, "unknown", f"Could not check this claim yet. {error.hint}")
                for c in settled_claims
            ]
        for claim in settled_claims:
            if claim.transaction_id in self._in_flight:  # a submit started meanwhile
                continue
            with self._slot(claim.transaction_id) as slot:
                try:
                    outcome = await self._settle(claim, found.get(claim.transaction_id), complete)
                except OutboxError:
                    # Another app on this till settled it since we listed it.
                    current = await asyncio.to_thread(self._outbox.get, claim.id)
                    outcome = self._already_claimed(current or claim)
                slot.set_result(outcome)
            outcomes.append(outcome)
        return outcomes

    async def _settle(
        self, claim: ClaimRecord, request: RetroRequest | None, complete: bool
    ) -> ClaimOutcome:
        if request is not None:
            record = await asyncio.to_thread(
                self._outbox.mark_sent,
                claim.id,
                request_id=str(request.request_id),
                server_state=request.status,
            )
            return ClaimOutcome(
                record,
                "sent",
                f"The claim had reached Intouch: request {record.request_id}, "
                f"{state_words(request.status)}.",
            )
        if not complete:
            return ClaimOutcome(
                claim,
                "unknown",
                "Could not confirm this claim: the customer has too many requests to check "
                "here. Look for the bill under Requests before claiming it again.",
            )
        if claim.attempts >= MAX_ATTEMPTS:
            return ClaimOutcome(
                claim,
                "unknown",
                f"Sent {claim.attempts} times without an answer and not found at Intouch. "
                "Do not claim this bill again; call support.",
            )
        try:
            request_body = self._build(
                customer_id=claim.customer_id,
                transaction_id=claim.transaction_id,
                notes=claim.notes,
            )
        except _errors().IntouchError as error:
            return ClaimOutcome(claim, "unknown", f"Not resent yet. {error.hint}")
        return await self._send(claim, request_body)

    def _settled(self, claim: ClaimRecord) -> bool:
        """False for a queued/sending claim touched so recently that a live process (another
        app on this till) may still be sending it; unknown claims are always settled."""
        if claim.state == "unknown":
            return True
        return datetime.now(UTC) - claim.updated_at >= self._sending_grace

    async def _find_requests(
        self, customer_id: int, wanted: set[int]
    ) -> tuple[dict[int, RetroRequest], bool]:
        """The customer's retro requests for `wanted` transactions, newest first; and whether
        the customer's whole list was read (only then is "not found" a fact)."""
        found: dict[int, RetroRequest] = {}
        offset = 0
        for _ in range(RECONCILE_MAX_PAGES):
            try:
                page = await self._client.retro_requests(
                    customer_id, limit=RECONCILE_PAGE_SIZE, offset=offset
                )
            except _errors().RequestNotFound:
                return found, True  # 9050: the customer has no retro requests at all
            for item in page.items:
                if item.transaction_id in wanted and item.transaction_id not in found:
                    found[item.transaction_id] = item
            offset += len(page.items)
            if not page.items or offset >= page.pagination.total:
                return found, True
            if wanted <= found.keys():
                return found, True  # nothing left to look for
        return found, False

    # -- sending ---------------------------------------------------------------------------

    async def _send(self, claim: ClaimRecord, request: RetroClaimRequest) -> ClaimOutcome:
        """POST once, the claim marked `sending` (and committed) before it leaves."""
        errors = _errors()
        try:
            await asyncio.to_thread(
                self._outbox.mark_sending, claim.id, unchanged_since=claim.updated_at
            )
        except StaleClaim:
            # Someone else (another task, another app on this till) moved it meanwhile.
            current = await asyncio.to_thread(self._outbox.get, claim.id)
            return self._already_claimed(current or claim)
        try:
            answer = await self._client.submit_retro_claim(request)
        except asyncio.CancelledError:
            # The POST may be out: never leave it looking unsent. Synchronous on purpose:
            # the task is being cancelled, there is no awaiting any more.
            self._outbox.mark_unknown(claim.id, error="cancelled while waiting for the answer")
            raise
        except errors.ClaimOutcomeUnknown as error:
            record = await asyncio.to_thread(
                self._outbox.mark_unknown, claim.id, error=error.message
            )
            return ClaimOutcome(record, "unknown", _UNKNOWN_MESSAGE, posted=True)
        except errors.IntouchError as error:
            record = await asyncio.to_thread(
                self._outbox.mark_refused, claim.id, error=error.message
            )
            return ClaimOutcome(
                record, "refused", error.hint, server_message=error.message, posted=True
            )
        except Exception as error:  # a bug must not make a claim that may be out look unsent
            logger.exception("claim POST failed unexpectedly")
            record = await asyncio.to_thread(
                self._outbox.mark_unknown, claim.id, error=f"unexpected {type(error).__name__}"
            )
            return ClaimOutcome(record, "unknown", _UNKNOWN_MESSAGE, posted=True)
        record = await asyncio.to_thread(
            self._outbox.mark_sent,
            claim.id,
            request_id=answer.request_id,
            server_state=answer.state,
        )
        return ClaimOutcome(
            record,
            "sent",
            f"Claim sent: request {answer.request_id}, {state_words(answer.state)}.",
            posted=True,
        )

    def _build(self, *, customer_id: int, transaction_id: int, notes: str) -> RetroClaimRequest:
        from tillui.api import build_retro_claim

        return build_retro_claim(
            self._settings,
            self._secrets,
            transaction_id=transaction_id,
            customer_id=customer_id,
            notes=notes,
        )

    # -- duplicates ------------------------------------------------------------------------

    async def _existing(self, existing: ClaimRecord, customer_id: int) -> ClaimOutcome:
        """enqueue found a live claim of this bill (from an earlier run of the app)."""
        if existing.unresolved and existing.customer_id == customer_id:
            # Claiming again what is already waiting: check it (and send it if it never
            # arrived) rather than make a second claim.
            found, complete = await self._find_requests_safely(existing)
            if found is not None:
                return await self._settle(existing, found.get(existing.transaction_id), complete)
        return self._already_claimed(existing)

    async def _find_requests_safely(
        self, claim: ClaimRecord
    ) -> tuple[dict[int, RetroRequest] | None, bool]:
        if not self._settled(claim):
            return None, False
        try:
            return await self._find_requests(claim.customer_id, {claim.transaction_id})
        except _errors().IntouchError:
            return None, False

    @staticmethod
    def _already_claimed(record: ClaimRecord) -> ClaimOutcome:
        """What an existing claim of the bill means for the cashier (nothing is sent)."""
        if record.state == "refused":
            return ClaimOutcome(
                record,
                "refused",
                f"The claim was refused: {record.error}",
                server_message=record.error,
            )
        if record.state == "sent":
            message = (
                f"This bill is already claimed: request {record.request_id}, "
                f"{state_words(record.server_state or '')}."
            )
        elif record.state in ("queued", "sending"):
            message = "This bill is being claimed right now; wait for the answer."
        else:
            message = (
                "This bill already has a claim waiting to be confirmed. Do not claim it "
                "again; the till checks it before anything is resent."
            )
        return ClaimOutcome(record, "already_claimed", message)

    def _slot(self, transaction_id: int) -> _Slot:
        return _Slot(self._in_flight, transaction_id)


class _Slot:
    """Marks a transaction as in flight for the duration of a `with` block."""

    def __init__(
        self, in_flight: dict[int, asyncio.Future[ClaimOutcome | None]], transaction_id: int
    ) -> None:
        self._in_flight = in_flight
        self._transaction_id = transaction_id
        self._future: asyncio.Future[ClaimOutcome | None] = (
            asyncio.get_running_loop().create_future()
        )

    def set_result(self, outcome: ClaimOutcome) -> None:
        if not self._future.done():
            self._future.set_result(outcome)

    def __enter__(self) -> Self:
        if self._transaction_id in self._in_flight:
            raise RuntimeError(f"transaction {self._transaction_id} is already in flight")
        self._in_flight[self._transaction_id] = self._future
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._future.done():  # failed or cancelled before an outcome: waiters retry
            self._future.set_result(None)
        del self._in_flight[self._transaction_id]


_UNKNOWN_MESSAGE = (
    "No clear answer from Intouch, so the claim may or may not have been made. It is saved: "
    "do not claim this bill again, here or at another till. The till checks it with Intouch "
    "before anything is resent (Reconcile)."
)


def state_words(state: str) -> str:
    """A workflow state in the cashier's words."""
    return _STATE_WORDS.get(state, state.lower() if state else "state not known")


def _errors() -> Any:
    """`tillui.api.errors`, imported on first use (it is cheap, but the API package is not)."""
    from tillui.api import errors

    return errors


__all__ = ["MAX_ATTEMPTS", "ClaimClient", "ClaimOutcome", "ClaimService", "OutcomeKind"]
