"""Submitting retro claims through the outbox, and reconciling the ones whose answer never came.

The one promise: a bill is never claimed twice and a confirmed claim is never lost.

* `submit` stores the claim (`queued`), marks it `sending`, POSTs it once and records the
  answer: `sent`, `refused` (the server said no: nothing was made, it may be claimed again) or
  `unknown` (timeout, dropped connection: it may or may not have been made).
* `reconcile` takes every claim still `queued`, `sending` or `unknown` and looks for it on the
  server. Two witnesses: the workflow list of this till's own requests (INDEX.md "Listing
  workflow requests", the UUIDs the POST returned, pending ones included); when that does not
  answer, the customer's retro requests (a bounded number of pages). A request settles a claim
  only if it is for that bill and customer, was added after the claim was stored (less
  `claim_clock_skew_seconds`), and is not already another claim's; one added by this till is
  preferred. Found: `sent`, never resent.
* Not found is a fact only when the witness was read whole (9050 "invalid or unsupported
  customer ID" is not proof of absence). Even then an `unknown` claim is NOT resent at once:
  the server may still be committing the first POST. It is resent only when a check found no
  request, then a second check at least `claim_quiet_period_seconds` later (and as long after
  the POST) found none either; until then the cashier reads that it is being checked. A
  `sending` claim older than `sending_grace` (its process died) becomes `unknown` first; a
  `queued` one never left and is sent. Checks are dated from when their reading began.
* At most `MAX_ATTEMPTS` POSTs the server may have acted on (a 429 is not one). A claim that used
  them all and is then proven absent once more was not made: it becomes `refused`, which stops
  the resending and lets the bill be claimed again.
* `start_background` keeps reconciling with backoff while claims are unsettled and stops when
  none are; a submit that ends unknown starts it again.
* Within this process a transaction has at most one submit or reconcile in progress (a double
  Enter waits for the first and reports it). Across processes, the outbox's unique index stops a
  second claim, and compare-and-set updates (`unchanged_since`) let one process resend.

The resent body is rebuilt from the current settings and secrets: the outbox stores claims
with their credentials redacted. Every time here comes from the injectable `clock`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from tillui.claims.outbox import ClaimRecord, ClaimsOutbox, DuplicateClaim, OutboxError, StaleClaim

if TYPE_CHECKING:
    from tillui.api.models import (
        RetroClaimRequest,
    )
    from tillui.config.settings import Secrets, Settings

from tillui.claims.outcome import (
    _BUSY_MESSAGE,
    _UNKNOWN_MESSAGE,
    MAX_ATTEMPTS,
    RECONCILE_PAGE_SIZE,
    REJECTED_STATES,
    ClaimClient,
    ClaimOutcome,
    Clock,
    OutcomeKind,
    Report,
    ServerRequest,
    _aware,
    _errors,
    _utc_now,
    state_words,
)
from tillui.claims.reconcile import Reconciler

logger = logging.getLogger("tillui.claims")


class ClaimService(Reconciler):
    def __init__(
        self,
        client: ClaimClient,
        outbox: ClaimsOutbox,
        settings: Settings,
        secrets: Secrets,
        *,
        sending_grace: timedelta | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._outbox = outbox
        self._settings = settings
        self._secrets = secrets
        self._clock = clock or _utc_now
        self._sleep = sleep
        self._sending_grace = (
            sending_grace
            if sending_grace is not None
            # A live sender gives up (and marks the claim unknown) within connect + read + 1 s.
            else timedelta(seconds=settings.connect_timeout + settings.read_timeout + 2)
        )
        self._quiet = timedelta(seconds=settings.claim_quiet_period_seconds)
        self._skew = timedelta(seconds=settings.claim_clock_skew_seconds)
        # transaction ID -> the outcome of the submit/reconcile working on it right now.
        self._in_flight: dict[int, asyncio.Future[ClaimOutcome | None]] = {}
        self._reconcile_lock = asyncio.Lock()
        self._report: Report | None = None
        self._background: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @property
    def quiet_period(self) -> timedelta:
        return self._quiet

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
            fields: dict[str, Any] = {
                "till_id": self._settings.till_id,
                "customer_id": customer_id,
                "transaction_id": transaction_id,
                "bill_number": bill_number,
                "amount": amount,
                "notes": notes,
                "body": request.model_dump(mode="json", by_alias=True),
            }
            try:
                record = await asyncio.to_thread(self._outbox.enqueue, **fields)
            except DuplicateClaim as duplicate:
                if not await self._rejected_since(duplicate.existing):
                    outcome = await self._existing(duplicate.existing, customer_id)
                    slot.set_result(outcome)
                    self._kick_if_unsettled(outcome)
                    return outcome
                record = await asyncio.to_thread(self._outbox.enqueue, **fields)
            outcome = await self._send(record, request)
            slot.set_result(outcome)
            self._kick_if_unsettled(outcome)
            return outcome

    def bill_number_of(self, transaction_id: int) -> str | None:
        """The bill number of a transaction claimed from this till (the outbox), if any."""
        record = self._outbox.for_transaction(transaction_id)
        return record.bill_number if record is not None else None

    @property
    def sending_count(self) -> int:
        """Claims being submitted right now (stored or about to be, answer not yet in)."""
        return len(self._in_flight)

    @property
    def outbox(self) -> ClaimsOutbox:
        """The till's claims journal (read by the till's claims list)."""
        return self._outbox

    async def last_rejection(self, customer_id: int, transaction_id: int) -> datetime | None:
        """When the last claim of this bill was rejected or failed (here or, as far as the
        customer's requests show, at any till), or None. Never raises: it only words a dialog."""
        times: list[datetime] = []
        try:
            rows = await asyncio.to_thread(self._outbox.recent, 500)
            times += [
                r.updated_at
                for r in rows
                if r.transaction_id == transaction_id and r.server_state in REJECTED_STATES
            ]
            page = await self._client.retro_requests(customer_id, limit=RECONCILE_PAGE_SIZE)
            for item in page.items:
                if item.transaction_id == transaction_id and item.status in REJECTED_STATES:
                    moment = _aware(item.updated_on or item.added_on)
                    if moment is not None:
                        times.append(moment)
        except Exception:  # noqa: BLE001 - unknown is fine: the dialog then asks plainly
            logger.info("earlier rejections of a bill could not be read")
        return max(times) if times else None

    async def unresolved_count(self) -> int:
        """Claims stored but not yet confirmed by the server (queued, sending or unknown)."""
        return len(await asyncio.to_thread(self._outbox.unresolved))

    # -- sending ---------------------------------------------------------------------------

    # long: one POST and every answer it can get, read top to bottom
    async def _send(
        self, claim: ClaimRecord, request: RetroClaimRequest, *, resend: bool = False
    ) -> ClaimOutcome:
        """POST once, the claim marked `sending` (and committed) before it leaves. A resend
        turned away as too many requests stays unsettled (it is tried again later)."""
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
            if resend and isinstance(error, errors.RateLimited):
                # Nobody is at the till to press again: keep it for the next check. Turned
                # away before the server acted, so it is not one of the MAX_ATTEMPTS.
                record = await asyncio.to_thread(
                    self._outbox.mark_turned_away, claim.id, error=error.message
                )
                return ClaimOutcome(record, "unknown", _BUSY_MESSAGE, posted=True)
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
        if answer.state in REJECTED_STATES:
            # Made, and failed at once (e.g. the bill was claimed elsewhere meanwhile): for
            # the cashier a refusal; the bill may be claimed again if it still can be.
            words = f"Intouch made request {answer.request_id} but it {answer.state.lower()}"
            record = await asyncio.to_thread(
                self._outbox.mark_rejected, claim.id, server_state=answer.state, error=words
            )
            return ClaimOutcome(
                record,
                "refused",
                f"{words}: the bill was not added (already claimed, or not allowed). Check the "
                "customer's requests.",
                server_message=words,
                posted=True,
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
        # Claiming again what is already waiting: check it (and send it only when the rules
        # above allow) rather than make a second claim.
        if (
            existing.unresolved
            and existing.customer_id == customer_id
            and self._settled(existing, self._clock())
        ):
            try:
                sighting = (await self._witness([existing]))[existing.id]
                known = await asyncio.to_thread(self._outbox.request_ids)
                return await self._settle(existing, sighting, known)
            except OutboxError:
                current = await asyncio.to_thread(self._outbox.get, existing.id)
                return self._already_claimed(current or existing)
        return self._already_claimed(existing)

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


__all__ = [
    "MAX_ATTEMPTS",
    "ClaimClient",
    "ClaimOutcome",
    "ClaimService",
    "OutcomeKind",
    "ServerRequest",
]
