"""Paging through a customer's retro requests one screen page at a time, optionally by status.

Document 001 pages with `limit`/`offset` and `pagination.total`, newest first, and has no status
parameter. So:
- with no filter a screen page is one server page (`limit` = the page size);
- with a status, the server's pages are walked in order (`scan_limit` per call, at most
  `scan_calls` calls per screen page), keeping the matches until a screen page is full. Only
  the server offset where each filtered page starts (and how many matches came before it) is
  remembered: a short list of ints, so memory does not grow with the customer's history and
  paging back re-reads one known span.

A filtered page whose scan budget ran out before it filled is still a page (possibly empty); the
next page carries on from where it stopped. The pager holds no page of requests itself: each
`load` returns a `RequestsView` and the caller keeps (only) the one on show.

No Textual here: the requests screen drives it, tests drive it directly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tillui.api.models import RetroRequest, RetroRequestPage

STATUSES: tuple[str, ...] = ("PENDING", "APPROVED", "REJECTED", "SUCCESS", "FAILURE")
"""The statuses documents 000/001 and the request workflow use, in the order the filter cycles."""
PAGE_SIZE = 15
"""Rows on one screen page: what fits the requests screen at 80x24."""
SCAN_LIMIT = 50
"""Server page size while scanning for a status."""
SCAN_CALLS = 10
"""At most this many server calls (500 requests) per filtered screen page, per keypress."""

FetchPage = Callable[[int, int], Awaitable["RetroRequestPage"]]
"""(offset, limit) -> one server page of the customer's retro requests."""


@dataclass(frozen=True, slots=True)
class RequestsView:
    """One screen page: the requests on show and where they sit in the server's list."""

    items: tuple[RetroRequest, ...]
    index: int
    """0-based screen page number."""
    total: int
    """The server's count of the customer's requests (every status), as of this load."""
    status: str | None
    """The status filter, or None for every status."""
    start: int
    """Server offset of the first request examined for this page."""
    end: int
    """Server offset just after the last request examined for this page."""
    found: int
    """Requests shown on this page and every page before it (all of [0, end) without a filter)."""

    @property
    def has_pending(self) -> bool:
        return any(item.status == "PENDING" for item in self.items)


class _Mark(NamedTuple):
    offset: int
    found_before: int


class _Scan(NamedTuple):
    items: list[RetroRequest]
    end: int
    total: int


class RequestPager:
    def __init__(
        self,
        fetch: FetchPage,
        *,
        page_size: int = PAGE_SIZE,
        scan_limit: int = SCAN_LIMIT,
        scan_calls: int = SCAN_CALLS,
    ) -> None:
        if page_size < 1 or scan_limit < 1 or scan_calls < 1:
            raise ValueError("page_size, scan_limit and scan_calls must be at least 1")
        self._fetch = fetch
        self.page_size = page_size
        self.scan_limit = scan_limit
        self.scan_calls = scan_calls
        self.status: str | None = None
        self.total: int | None = None
        """The server's total as of the latest answer (None before the first)."""
        self._marks: list[_Mark] = [_Mark(0, 0)]
        self._last_index: int | None = None
        self._found_total: int | None = None

    # -- what is known ---------------------------------------------------------------------------

    def set_status(self, status: str | None) -> None:
        """Filter by `status` (None = every status); what was learnt about pages is dropped."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.status = status
        self._marks = [_Mark(0, 0)]
        self._last_index = None
        self._found_total = None

    def forget_after(self, index: int, *, keep_span: bool = False) -> None:
        """The data may have changed (a refresh): keep what leads to page `index`, no further.

        keep_span: keep where page `index` ends too, so reloading it reads the same stretch of
        the list again (`reload_calls` calls) instead of scanning for a full page."""
        del self._marks[index + (2 if keep_span else 1) :]
        self._last_index = None
        self._found_total = None

    def reload_calls(self, view: RequestsView) -> int:
        """Server calls that reloading `view`'s stretch of the list costs."""
        if self.status is None:
            return 1
        return max(1, -(-(view.end - view.start) // self.scan_limit))

    @property
    def page_count(self) -> int | None:
        """How many screen pages there are, when known (always once loaded without a filter)."""
        if self.status is None:
            return None if self.total is None else max(1, -(-self.total // self.page_size))
        return None if self._last_index is None else self._last_index + 1

    @property
    def found_total(self) -> int | None:
        """Filtered: the matches in the whole list, once a scan has reached its end."""
        return self._found_total

    @property
    def remembered_offsets(self) -> int:
        """How many filtered page starts are held (the only state that grows while paging)."""
        return len(self._marks)

    # -- loading ---------------------------------------------------------------------------------

    async def load(self, index: int) -> RequestsView | None:
        """Screen page `index` (clamped to the last page). None: there is nothing past what
        was shown before (a filtered scan reached the end without another match)."""
        if index < 0:
            raise ValueError("page index must not be negative")
        if self.status is None:
            return await self._load_all(index)
        return await self._load_filtered(index)

    async def _load_all(self, index: int) -> RequestsView:
        offset = index * self.page_size
        page = await self._fetch(offset, self.page_size)
        total = page.pagination.total
        if not page.items and offset > 0 and offset >= total:
            # Offset past the end (the list shrank, or a stale page number): show the last page.
            index = max(0, (total - 1) // self.page_size)
            offset = index * self.page_size
            if total > 0:
                page = await self._fetch(offset, self.page_size)
                total = page.pagination.total
        items = list(page.items[: self.page_size])
        # A server that caps `limit` below the page size (none is documented) answers short:
        # ask for the rest, so no request falls between two screen pages.
        while page.items and len(items) < self.page_size and offset + len(items) < total:
            page = await self._fetch(offset + len(items), self.page_size - len(items))
            total = page.pagination.total
            items.extend(page.items[: self.page_size - len(items)])
        self.total = total
        end = offset + len(items)
        return RequestsView(tuple(items), index, total, None, offset, end, end)

    async def _load_filtered(self, index: int) -> RequestsView | None:
        if self._last_index is not None:
            index = min(index, self._last_index)
        page = min(index, len(self._marks) - 1)
        shown: RequestsView | None = None
        while True:
            if self._last_index is not None and page > self._last_index:
                return shown
            scan = await self._scan(page)
            if scan is None:
                return shown
            mark = self._marks[page]
            shown = RequestsView(
                tuple(scan.items),
                page,
                scan.total,
                self.status,
                mark.offset,
                scan.end,
                mark.found_before + len(scan.items),
            )
            if page >= index:
                return shown
            page += 1

    async def _scan(self, page: int) -> _Scan | None:
        """Walk the server's list from page `page`'s start; record where the next page starts.

        None when page `page` turned out not to exist (the end came before any match)."""
        status = self.status
        start, found_before = self._marks[page]
        known_end = self._marks[page + 1].offset if page + 1 < len(self._marks) else None
        offset, calls, total = start, 0, self.total or 0
        items: list[RetroRequest] = []
        full = False
        while not full:
            limit = self.scan_limit
            if known_end is not None:
                limit = min(limit, known_end - offset)
            if limit <= 0:
                break
            answer = await self._fetch(offset, limit)
            calls += 1
            total = answer.pagination.total
            batch = answer.items[:limit]
            if not batch:
                total = min(total, offset)  # an empty answer ends the list, whatever total says
            examined = 0
            for item in batch:
                examined += 1
                if item.status == status:
                    items.append(item)
                    if known_end is None and len(items) == self.page_size:
                        full = True
                        break
            offset += examined
            if not batch or offset >= total or (known_end is None and calls >= self.scan_calls):
                break
        self.total = total
        if offset >= total:
            if not items and page > 0 and known_end is None:
                self._last_index = page - 1
                self._found_total = found_before
                return None
            self._last_index = page
            self._found_total = found_before + len(items)
            del self._marks[page + 1 :]
        elif known_end is None:
            self._marks.append(_Mark(offset, found_before + len(items)))
        return _Scan(items, offset, total)


def describe(view: RequestsView, pager: RequestPager) -> str:
    """The status line: 'page 3 of 12 — 241 requests' or, filtered,
    'PENDING — page 2 — 37 found in 120 of 241 scanned'."""
    if view.status is None:
        if view.total == 0:
            return "No retro requests for this customer yet"
        pages = max(1, -(-view.total // pager.page_size))
        return f"page {view.index + 1} of {pages} — {_count(view.total, 'request')}"
    found_total, page_count = pager.found_total, pager.page_count
    if found_total is not None and page_count is not None:
        if found_total == 0:
            return f"{view.status} — none among {_count(view.total, 'request')}"
        return (
            f"{view.status} — page {view.index + 1} of {page_count} — "
            f"{found_total:,} found in all {view.total:,}"
        )
    return (
        f"{view.status} — page {view.index + 1} — "
        f"{view.found:,} found in {view.end:,} of {view.total:,} scanned"
    )


def empty_message(view: RequestsView, pager: RequestPager) -> str:
    """What the table area says when the page on show has no rows."""
    if view.total == 0:
        return "No retro requests for this customer yet"
    if view.status is None:
        return "No requests on this page"
    if pager.found_total is None:
        return (
            f"No {view.status} requests among {view.start + 1:,}–{view.end:,} of "
            f"{view.total:,} — PgDn scans on"
        )
    if pager.found_total == 0:
        return f"No {view.status} requests for this customer"
    return f"No more {view.status} requests"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
