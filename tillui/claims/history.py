"""This till's claims: the outbox's rows, newest first, a page at a time, each with its state on
the server as the documented workflow list (filtered by `tillId`) reports it now.

The outbox says what the till knows (queued, sending, being checked, sent, refused); the list
says what became of a sent claim (waiting for approval, approved, rejected, failed). A newly
seen server state is written back to the outbox, so the list still shows the last one known
when the server cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Literal, Protocol

from tillui.claims.outbox import OutboxError
from tillui.claims.workflow_states import server_reason, state_words

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from tillui.api.models import RetroRequestPage, WorkflowRequest, WorkflowRequestPage
    from tillui.claims.outbox import ClaimRecord, ClaimsOutbox
    from tillui.config.settings import Settings

logger = logging.getLogger("tillui.claims")

LIST_LIMIT = 50
LIST_MAX_CALLS = 4
"""Workflow list pages read per page of claims, at most (200 requests of this till)."""
LOCAL_WORDS = {
    "queued": "queued",
    "sending": "sending",
    "unknown": "being checked",
    "sent": "sent",
    "refused": "refused",
}


class HistoryClient(Protocol):
    async def retro_requests(
        self, customer_id: int, *, limit: int = 10, offset: int = 0
    ) -> RetroRequestPage: ...

    async def workflow_requests(
        self,
        *,
        till_id: str | None = None,
        states: Sequence[str] = (),
        start_date: date | None = None,
        end_date: date | None = None,
        sort_order: Literal["asc", "desc"] = "desc",
        limit: int = 50,
        page: int = 1,
    ) -> WorkflowRequestPage: ...


@dataclass(frozen=True, slots=True)
class TillClaim:
    record: ClaimRecord
    server: WorkflowRequest | None = None
    """As the workflow list reports it now (None: not found or not asked)."""
    customer_reason: str = ""
    """The `reason` of the customer's request for this bill (documents 000/001), read when the
    workflow answer gives none for a rejected or failed claim."""

    @property
    def local_words(self) -> str:
        return LOCAL_WORDS.get(self.record.state, self.record.state)

    @property
    def server_state(self) -> str | None:
        """The latest state known: from the list now, else the one stored."""
        return self.server.state if self.server is not None else self.record.server_state

    @property
    def server_words(self) -> str:
        return state_words(self.server_state) if self.server_state else "—"

    @property
    def reason(self) -> str:
        """The server's reason (rejection message, failure), or why the till refused it."""
        if self.server is not None and (reason := server_reason(self.server)):
            return reason
        if self.customer_reason:
            return self.customer_reason
        if self.record.state in ("refused", "unknown"):
            return self.record.error or ""
        return ""

    @property
    def unconfirmed(self) -> bool:
        return self.record.unresolved


@dataclass(frozen=True, slots=True)
class TillClaimsPage:
    items: tuple[TillClaim, ...]
    index: int
    """0-based."""
    page_size: int
    total: int
    """Claims in the outbox."""
    server_problem: str = ""
    """Why the server states could not be refreshed (the stored ones are shown)."""

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


class TillClaimsHistory:
    def __init__(self, outbox: ClaimsOutbox, client: HistoryClient, settings: Settings) -> None:
        self._outbox = outbox
        self._client = client
        self._settings = settings

    async def page(self, index: int, page_size: int) -> TillClaimsPage:
        """Page `index` (0-based, clamped to the last) of this till's claims, newest first."""
        from tillui.api.errors import IntouchError

        records, total = await asyncio.to_thread(
            self._outbox.page, offset=index * page_size, limit=page_size
        )
        if not records and index > 0 and total:
            index = (total - 1) // page_size
            records, total = await asyncio.to_thread(
                self._outbox.page, offset=index * page_size, limit=page_size
            )
        problem = ""
        found: dict[str, WorkflowRequest] = {}
        if any(r.request_id for r in records):
            try:
                found = await self._server_side(records, newest_page=index == 0)
            except IntouchError as error:
                problem = f"Server states not refreshed: {error.message}. {error.hint}"
        items = tuple(TillClaim(r, found.get(r.request_id or "")) for r in records)
        items = await self._with_customer_reasons(items)
        await asyncio.to_thread(self._remember, items)
        return TillClaimsPage(items, index, page_size, total, problem)

    async def _server_side(
        self, records: list[ClaimRecord], *, newest_page: bool
    ) -> dict[str, WorkflowRequest]:
        wanted = {r.request_id for r in records if r.request_id}
        since = until = None
        if not newest_page:
            # Older claims: the server dates a request by its UTC start, so ask only for the
            # days these claims were made (a day's margin either side for clocks and midnight).
            # The newest claims are the top of the till's list, newest first: no window needed.
            since = min(r.created_at for r in records).astimezone(UTC).date() - timedelta(days=1)
            until = max(r.updated_at for r in records).astimezone(UTC).date() + timedelta(days=1)
        found: dict[str, WorkflowRequest] = {}
        for page in range(1, LIST_MAX_CALLS + 1):
            answer = await self._client.workflow_requests(
                till_id=self._settings.till_id,
                start_date=since,
                end_date=until,
                limit=LIST_LIMIT,
                page=page,
            )
            found.update({r.request_id: r for r in answer.items if r.request_id in wanted})
            if wanted <= found.keys() or not answer.has_more or not answer.items:
                break
        return found

    async def _with_customer_reasons(self, items: tuple[TillClaim, ...]) -> tuple[TillClaim, ...]:
        """Rejected or failed claims without a reason in the workflow answer: the reason from
        the customer's own list (documented), one call per customer, newest page only."""
        from tillui.api.errors import IntouchError

        missing = [
            c
            for c in items
            if c.server is not None
            and (c.server_state or "").lower() in ("rejected", "failed")
            and not c.reason
        ]
        reasons: dict[tuple[int, int], str] = {}
        for customer_id in sorted({c.record.customer_id for c in missing}):
            try:
                page = await self._client.retro_requests(customer_id, limit=LIST_LIMIT)
            except IntouchError as error:  # the reason is a nicety: the state is shown anyway
                logger.info("reasons of a customer's requests not read: %s", error.message)
                continue
            for request in page.items:
                if request.transaction_id is not None and request.reason:
                    reasons.setdefault((customer_id, request.transaction_id), request.reason)
        return tuple(
            replace(
                c, customer_reason=reasons.get((c.record.customer_id, c.record.transaction_id), "")
            )
            if any(c is m for m in missing)
            else c
            for c in items
        )

    def _remember(self, items: Sequence[TillClaim]) -> None:
        for item in items:
            record, server = item.record, item.server
            if server is None or record.state != "sent" or server.state == record.server_state:
                continue
            try:
                self._outbox.mark_sent(
                    record.id, request_id=server.request_id, server_state=server.state
                )
            except OutboxError as error:  # changed meanwhile: the next refresh catches up
                logger.info("claim %s: server state not stored: %s", record.id, error)
