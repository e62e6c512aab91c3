"""Finding out what happened to a claim whose answer never came: the background loop, the
witnesses (this till's workflow list, the customer's retro requests), matching and settling.

The rules are the module docstring of `tillui.claims.service`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tillui.claims.outbox import ClaimRecord, ClaimsOutbox, OutboxError

if TYPE_CHECKING:
    from tillui.api.models import RetroClaimRequest
    from tillui.config.settings import Settings


from tillui.claims.outcome import (
    _CHECKING_MESSAGE,
    _SENDING_NOW_MESSAGE,
    BACKOFF_FIRST_SECONDS,
    MAX_ATTEMPTS,
    RECONCILE_MAX_PAGES,
    RECONCILE_PAGE_SIZE,
    REJECTED_STATES,
    WORKFLOW_MAX_PAGES,
    WORKFLOW_PAGE_SIZE,
    ClaimClient,
    ClaimOutcome,
    Clock,
    Report,
    ServerRequest,
    _as_int,
    _errors,
    _from_retro,
    _from_workflow,
    _Sighting,
    state_words,
)

logger = logging.getLogger("tillui.claims")


class Reconciler(ABC):
    """The reconcile half of `ClaimService`: finding out what happened to claims whose answer
    never came, in the background while any is unsettled (see `tillui.claims.service`)."""

    _client: ClaimClient
    _outbox: ClaimsOutbox
    _settings: Settings
    _clock: Clock
    _sleep: Callable[[float], Awaitable[None]]
    _sending_grace: timedelta
    _quiet: timedelta
    _skew: timedelta
    _in_flight: dict[int, asyncio.Future[ClaimOutcome | None]]
    _reconcile_lock: asyncio.Lock
    _report: Report | None
    _background: asyncio.Task[None] | None
    _wake: asyncio.Event

    @abstractmethod
    async def _send(
        self, claim: ClaimRecord, request: RetroClaimRequest, *, resend: bool = False
    ) -> ClaimOutcome:
        """POST once (the sending half)."""

    @abstractmethod
    def _build(self, *, customer_id: int, transaction_id: int, notes: str) -> RetroClaimRequest:
        """The claim's body from the current settings and secrets."""

    @abstractmethod
    def _slot(self, transaction_id: int) -> Any:
        """Marks a transaction as in flight for a `with` block."""

    @staticmethod
    @abstractmethod
    def _already_claimed(record: ClaimRecord) -> ClaimOutcome:
        """What an existing claim of the bill means for the cashier."""

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

    # long: every way a check can settle one claim, in the order they are tried
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
