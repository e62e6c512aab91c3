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
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self

from tillui.claims.outbox import ClaimRecord, ClaimsOutbox, DuplicateClaim, OutboxError, StaleClaim

if TYPE_CHECKING:
    from tillui.api.models import (
        RetroClaimRequest,
        RetroRequest,
        RetroRequestPage,
        WorkflowRequest,
        WorkflowRequestPage,
    )
    from tillui.config.settings import Secrets, Settings

logger = logging.getLogger("tillui.claims")

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


class ClaimService:
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

    async def reconcile(self) -> list[ClaimOutcome]:
        """Settle every unresolved claim (see the module docstring). In-flight ones are left
        to the call sending them and are not in the result. One customer's failure is that
        customer's claims' outcome; it never stops the others."""
        async with self._reconcile_lock:
            claims = [
                c
                for c in await asyncio.to_thread(self._outbox.unresolved)
                if c.transaction_id not in self._in_flight
            ]
            if not claims:
                return []
            now = self._clock()
            ready = [c for c in claims if self._settled(c, now)]
            outcomes = [
                ClaimOutcome(c, "unknown", _SENDING_NOW_MESSAGE)
                for c in claims
                if not self._settled(c, now)
            ]
            if not ready:
                return outcomes
            sightings = await self._witness(ready)
            known = await asyncio.to_thread(self._outbox.request_ids)
            for claim in ready:
                if claim.transaction_id in self._in_flight:  # a submit started meanwhile
                    continue
                sighting = sightings[claim.id]
                with self._slot(claim.transaction_id) as slot:
                    try:
                        # Read again: a submit may have moved it while the witness was read.
                        current = await asyncio.to_thread(self._outbox.get, claim.id)
                        if current is None or not current.unresolved:
                            outcome = self._already_claimed(current or claim)
                        elif not self._settled(current, self._clock()):
                            outcome = ClaimOutcome(current, "unknown", _SENDING_NOW_MESSAGE)
                        else:
                            outcome = await self._settle(current, sighting, known)
                    except OutboxError:
                        # Another app on this till settled it since we listed it.
                        current = await asyncio.to_thread(self._outbox.get, claim.id)
                        outcome = self._already_claimed(current or claim)
                    except Exception as error:
                        logger.exception("reconcile: a claim could not be settled")
                        outcome = ClaimOutcome(
                            claim, "unknown", f"Could not check this claim yet ({error!r})."
                        )
                    slot.set_result(outcome)
                outcomes.append(outcome)
            return outcomes

    # -- background ------------------------------------------------------------------------

    def start_background(self, report: Report | None = None) -> None:
        """Reconcile in the background while claims are unsettled (backoff between runs; at
        least one run per quiet period), handing each run's outcomes to `report`. Stops when
        none are unsettled; `submit` starts it again when a claim is left unsettled."""
        if report is not None:
            self._report = report
        self._wake.set()
        if self._background is None or self._background.done():
            self._background = asyncio.get_running_loop().create_task(
                self._reconcile_until_settled(), name="tillui-claims-reconcile"
            )

    async def stop_background(self) -> None:
        task, self._background = self._background, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def background_finished(self) -> None:
        """Wait until the background reconcile (if running) found nothing left to settle."""
        while (task := self._background) is not None and not task.done():
            await asyncio.shield(task)

    @property
    def background_running(self) -> bool:
        return self._background is not None and not self._background.done()

    async def _reconcile_until_settled(self) -> None:
        backoff = BACKOFF_FIRST_SECONDS
        longest = max(BACKOFF_FIRST_SECONDS, self._quiet.total_seconds() / 2)
        while True:
            self._wake.clear()
            try:
                outcomes = await self.reconcile()
            except Exception:
                logger.exception("background reconcile failed")
                outcomes = []
            if outcomes and self._report is not None:
                try:
                    reported = self._report(outcomes)
                    if reported is not None:
                        await reported
                except Exception:
                    logger.exception("reporting reconcile outcomes failed")
            remaining = await asyncio.to_thread(self._outbox.unresolved)
            if not remaining:
                return
            progressed = any(o.kind != "unknown" or o.posted for o in outcomes)
            backoff = BACKOFF_FIRST_SECONDS if progressed else min(backoff * 2, longest)
            wait = min(longest, max(backoff, self._seconds_until_due(remaining)))
            await self._nap(wait)

    async def _nap(self, seconds: float) -> None:
        """Sleep, cut short by `start_background` (a new unsettled claim)."""
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()

    def _seconds_until_due(self, claims: Sequence[ClaimRecord]) -> float:
        """Until the earliest claim can take its next step (0 when one can now)."""
        now = self._clock()
        due = [self._due(c) for c in claims]
        return max(0.0, min((d - now).total_seconds() for d in due)) if due else 0.0

    def _due(self, claim: ClaimRecord) -> datetime:
        if claim.state in ("queued", "sending"):
            return claim.updated_at + self._sending_grace
        if claim.absent_since is None:
            return claim.updated_at
        posted = claim.posted_at or claim.absent_since
        return max(claim.absent_since, posted) + self._quiet

    def _kick_if_unsettled(self, outcome: ClaimOutcome) -> None:
        if outcome.claim.unresolved and self._report is not None:
            self.start_background()

    # -- witnesses -------------------------------------------------------------------------

    async def _witness(self, claims: list[ClaimRecord]) -> dict[str, _Sighting]:
        """For each claim, what the best witness that answered says about its bill."""
        listed = await self._workflow_sighting(claims)
        if listed is not None:
            return {c.id: listed for c in claims}
        by_customer: dict[int, list[ClaimRecord]] = {}
        for claim in claims:
            by_customer.setdefault(claim.customer_id, []).append(claim)
        sightings: dict[str, _Sighting] = {}
        for customer_id, customer_claims in by_customer.items():
            taken_at = self._clock()
            try:
                sighting = await self._customer_sighting(
                    customer_id, {c.transaction_id for c in customer_claims}
                )
            except Exception as error:  # noqa: BLE001 - this customer only; typed or not
                logger.warning(
                    "reconcile: retro requests of a customer unreadable: %s",
                    type(error).__name__,
                )
                sighting = _Sighting([], complete=False, taken_at=taken_at, error=error)
            for claim in customer_claims:
                sightings[claim.id] = sighting
        return sightings

    async def _workflow_sighting(self, claims: list[ClaimRecord]) -> _Sighting | None:
        """This till's workflow requests since the oldest claim was stored, or None when the
        workflow list does not answer (the customer lists are asked instead)."""
        earliest = min(c.created_at for c in claims) - self._skew - timedelta(days=1)
        requests: list[ServerRequest] = []
        taken_at = self._clock()
        try:
            for page_number in range(1, WORKFLOW_MAX_PAGES + 1):
                page = await self._client.workflow_requests(
                    till_id=self._settings.till_id,
                    start_date=earliest.date(),
                    limit=WORKFLOW_PAGE_SIZE,
                    page=page_number,
                )
                requests.extend(_from_workflow(item) for item in page.items)
                if not page.has_more or not page.items:
                    return _Sighting(requests, complete=True, taken_at=taken_at)
        except Exception as error:  # noqa: BLE001 - any failure: fall back to the other witness
            logger.info("reconcile: workflow list unavailable (%s)", type(error).__name__)
            return None
        return _Sighting(requests, complete=False, taken_at=taken_at)

    async def _customer_sighting(self, customer_id: int, wanted: set[int]) -> _Sighting:
        """The customer's retro requests, newest first, until every wanted bill has one added
        since ... or the list ends (complete) or the page budget does (incomplete). 9050
        ("invalid or unsupported customer ID", document 001) proves nothing: incomplete."""
        errors = _errors()
        till = _as_int(self._settings.till_id)
        requests: list[ServerRequest] = []
        taken_at = self._clock()
        offset = 0
        for _ in range(RECONCILE_MAX_PAGES):
            try:
                page = await self._client.retro_requests(
                    customer_id, limit=RECONCILE_PAGE_SIZE, offset=offset
                )
            except errors.RequestNotFound as error:
                return _Sighting(requests, complete=False, taken_at=taken_at, error=error)
            requests.extend(_from_retro(item, till) for item in page.items)
            offset += len(page.items)
            if not page.items or offset >= page.pagination.total:
                return _Sighting(requests, complete=True, taken_at=taken_at)
            seen = {r.transaction_id for r in requests}
            if wanted <= seen:
                # Each wanted bill has a request; older pages cannot hold newer ones.
                return _Sighting(requests, complete=True, taken_at=taken_at)
        return _Sighting(requests, complete=False, taken_at=taken_at)

    def _match(
        self, claim: ClaimRecord, sighting: _Sighting, known: set[str]
    ) -> ServerRequest | None:
        """The request that is this claim's: same bill and customer, added after the claim was
        stored (less the clock skew), not another claim's; this till's first, oldest first."""
        since = claim.created_at - self._skew
        others = known - {claim.request_id} if claim.request_id else known
        fitting = [
            r
            for r in sighting.requests
            if r.transaction_id == claim.transaction_id
            and (r.customer_id is None or r.customer_id == claim.customer_id)
            and r.added_at is not None
            and r.added_at >= since
            and r.request_id not in others
        ]
        if not fitting:
            return None
        never = datetime.max.replace(tzinfo=UTC)
        return min(fitting, key=lambda r: (not r.by_this_till, r.added_at or never))

    # -- reconciling -----------------------------------------------------------------------

    async def _settle(
        self, claim: ClaimRecord, sighting: _Sighting, known: set[str]
    ) -> ClaimOutcome:
        match = self._match(claim, sighting, known)
        if match is not None:
            record = await asyncio.to_thread(
                self._outbox.mark_sent,
                claim.id,
                request_id=match.request_id,
                server_state=match.state,
            )
            return ClaimOutcome(
                record,
                "sent",
                f"The claim had reached Intouch: request {record.request_id}, "
                f"{state_words(match.state)}.",
            )
        if not sighting.complete:
            if sighting.error is not None:
                hint = getattr(sighting.error, "hint", "Try again in a moment.")
                return ClaimOutcome(claim, "unknown", f"Could not check this claim yet. {hint}")
            return ClaimOutcome(
                claim,
                "unknown",
                "Could not confirm this claim: Intouch's list could not be read whole. Look "
                "for the bill under Requests before claiming it again.",
            )
        if claim.state == "sending":
            # Its process died (or gave up) mid-send: the POST may be out.
            claim = await asyncio.to_thread(
                self._outbox.mark_unknown,
                claim.id,
                error="left sending (process stopped?)",
                unchanged_since=claim.updated_at,
            )
        if claim.state == "unknown":
            waiting = await self._still_quiet(claim, sighting)
            if waiting is not None:
                return waiting
        if claim.attempts >= MAX_ATTEMPTS:
            # Absence is proven (read whole, a quiet period after the last POST): it was not
            # made. Said plainly, so the bill is claimed again by a person, not resent forever.
            record = await asyncio.to_thread(
                self._outbox.mark_refused,
                claim.id,
                error=f"not made: sent {claim.attempts} times without an answer, and Intouch "
                "has no request for it",
                unchanged_since=claim.updated_at,
            )
            return ClaimOutcome(
                record,
                "refused",
                f"Not made: sent {claim.attempts} times without an answer, and Intouch has no "
                "request for it. The bill can be claimed again.",
            )
        try:
            request_body = self._build(
                customer_id=claim.customer_id,
                transaction_id=claim.transaction_id,
                notes=claim.notes,
            )
        except _errors().IntouchError as error:
            return ClaimOutcome(claim, "unknown", f"Not resent yet. {error.hint}")
        return await self._send(claim, request_body, resend=True)

    async def _still_quiet(self, claim: ClaimRecord, sighting: _Sighting) -> ClaimOutcome | None:
        """None when an unknown claim may be resent: a first check found nothing, and this one,
        begun a quiet period later (and a quiet period after the POST), finds nothing either.
        Times are when each check began reading: a slow read must not stretch the period."""
        seen = sighting.taken_at
        if claim.absent_since is None:
            await asyncio.to_thread(self._outbox.mark_absent, claim.id, seen_at=seen)
            return ClaimOutcome(claim, "unknown", _CHECKING_MESSAGE)
        posted = claim.posted_at or claim.absent_since
        if seen - claim.absent_since < self._quiet or seen - posted < self._quiet:
            return ClaimOutcome(claim, "unknown", _CHECKING_MESSAGE)
        return None

    def _settled(self, claim: ClaimRecord, now: datetime) -> bool:
        """False for a queued/sending claim touched so recently that a live process (another
        app on this till) may still be sending it; unknown claims are always checked."""
        if claim.state == "unknown":
            return True
        return now - claim.updated_at >= self._sending_grace

    async def _rejected_since(self, existing: ClaimRecord) -> bool:
        """Whether a sent claim of this bill was since rejected (or failed) at Intouch; it is
        then retired, so the bill can be claimed again."""
        if existing.state != "sent":
            return False
        if existing.server_state not in REJECTED_STATES:
            try:
                sighting = (await self._witness([existing]))[existing.id]
            except Exception:  # noqa: BLE001 - cannot tell: keep the claim
                return False
            latest = [r for r in sighting.requests if r.request_id == existing.request_id]
            if not latest or latest[0].state not in REJECTED_STATES:
                return False
            state = latest[0].state
        else:
            state = existing.server_state
        await asyncio.to_thread(
            self._outbox.mark_rejected,
            existing.id,
            server_state=state,
            error=f"the request was {state.lower()} at Intouch",
        )
        return True

    # -- sending ---------------------------------------------------------------------------

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


__all__ = [
    "MAX_ATTEMPTS",
    "ClaimClient",
    "ClaimOutcome",
    "ClaimService",
    "OutcomeKind",
    "ServerRequest",
]
