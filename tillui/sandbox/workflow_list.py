"""Listing workflow requests (INDEX.md "Listing workflow requests"): the documented filters.

GET /api_gateway/v2/request-workflow/requests with optional `userId` (the customer), `tillId`,
`storeId`, `zoneId`, `conceptId`, `requestType`, `states` (comma-separated), `startDate` /
`endDate` (YYYY-MM-DD, inclusive, on the request's UTC start date), `sortBy` (`startDate` |
`endDate`), `sortOrder` (`asc` | `desc`), `limit` and `PageNo` (1-based).

The answer's envelope is not shown in the reference; the sandbox answers
`{"data": [<workflow request>…], "pagination": {"pageNo", "limit", "total"}, "warnings": [],
"errors": []}` and the client parses it in one place (tillui/api/models/workflow.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from .errors import INVALID_PARAMETER, ApiError
from .model import WorkflowRequest
from .state import SandboxState

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
REQUEST_TYPE = "RETRO-TRANSACTION"
_ENTITY_FILTERS = {
    "tillId": "tillId",
    "storeId": "storeId",
    "zoneId": "zoneId",
    "conceptId": "conceptId",
}


@dataclass(frozen=True, slots=True)
class WorkflowQuery:
    entities: Mapping[str, str]
    """entityInfo key -> wanted value."""
    customer_id: int | None = None
    request_type: str | None = None
    states: frozenset[str] = frozenset()
    """Lower-cased."""
    start_date: date | None = None
    end_date: date | None = None
    sort_by: Literal["startDate", "endDate"] = "startDate"
    descending: bool = True
    limit: int = DEFAULT_LIMIT
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> WorkflowQuery:
        def text(name: str) -> str | None:
            value = params.get(name)
            return value.strip() if value is not None and value.strip() else None

        entities = {key: value for name, key in _ENTITY_FILTERS.items() if (value := text(name))}
        customer = text("userId")
        states = text("states")
        sort_by = text("sortBy") or "startDate"
        if sort_by not in ("startDate", "endDate"):
            raise ApiError(INVALID_PARAMETER, "sortBy must be startDate or endDate")
        order = (text("sortOrder") or "desc").lower()
        if order not in ("asc", "desc"):
            raise ApiError(INVALID_PARAMETER, "sortOrder must be asc or desc")
        query = cls(
            entities=entities,
            customer_id=_integer(customer, "userId", 0) if customer else None,
            request_type=text("requestType"),
            states=frozenset(s.strip().lower() for s in (states or "").split(",") if s.strip()),
            start_date=_date(text("startDate"), "startDate"),
            end_date=_date(text("endDate"), "endDate"),
            sort_by=sort_by,  # type: ignore[arg-type]  # checked just above
            descending=order == "desc",
            limit=_integer(text("limit"), "limit", 1) if text("limit") else DEFAULT_LIMIT,
            page=_integer(text("PageNo"), "PageNo", 1) if text("PageNo") else 1,
        )
        if query.limit > MAX_LIMIT:
            raise ApiError(INVALID_PARAMETER, f"limit must be at most {MAX_LIMIT}")
        if query.start_date and query.end_date and query.start_date > query.end_date:
            raise ApiError(INVALID_PARAMETER, "startDate must not be after endDate")
        return query

    def matches(self, request: WorkflowRequest) -> bool:
        if any(request.entity_info.get(key) != value for key, value in self.entities.items()):
            return False
        if self.customer_id is not None and request.retro_request.customer_id != self.customer_id:
            return False
        if self.request_type is not None and self.request_type.upper() != REQUEST_TYPE:
            return False
        if self.states and request.state.lower() not in self.states:
            return False
        started = request.start_time.astimezone(UTC).date()
        if self.start_date is not None and started < self.start_date:
            return False
        return self.end_date is None or started <= self.end_date


def _integer(text: str | None, name: str, minimum: int) -> int:
    try:
        value = int(text or "")
    except ValueError:
        raise ApiError(INVALID_PARAMETER, f"{name} must be an integer") from None
    if value < minimum:
        raise ApiError(INVALID_PARAMETER, f"{name} must be at least {minimum}")
    return value


def _date(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> date:
    raise ApiError(INVALID_PARAMETER, f"{name} must be a date as YYYY-MM-DD")


def list_requests(state: SandboxState, query: WorkflowQuery) -> tuple[list[WorkflowRequest], int]:
    """One page of the matching requests and how many match in all."""
    # Ties (same second) keep the order the requests were made in.
    found = [
        (order, r) for order, r in enumerate(state.workflow_requests.values()) if query.matches(r)
    ]
    never = datetime.min.replace(tzinfo=UTC)

    def key(entry: tuple[int, WorkflowRequest]) -> tuple[datetime, int]:
        order, request = entry
        moment = request.start_time if query.sort_by == "startDate" else request.end_time
        return moment or never, order

    found.sort(key=key, reverse=query.descending)
    start = (query.page - 1) * query.limit
    return [r for _, r in found[start : start + query.limit]], len(found)
