"""IntouchClient: every Intouch call the till makes, as one async method each.

Each method returns a pydantic model or raises an `IntouchError` subclass. Only GETs are
retried; the claim POST is sent exactly once (the claims outbox decides about resending).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from random import random as random_fraction
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import quote

import httpx
from pydantic import SecretStr

import tillui
from tillui.api.auth import OAUTH_TOKEN_PATH, Authenticator, IssuedToken, Target
from tillui.api.envelope import CallKind
from tillui.api.errors import BadRequest, CustomerNotFound, IntouchError
from tillui.api.models import (
    CustomerDetails,
    CustomerLookup,
    NewCustomer,
    OAuthAnswer,
    PointsBalance,
    RegistrationAnswer,
    RetroClaimRequest,
    RetroRequestPage,
    Transaction,
    TransactionList,
    WorkflowAnswer,
    WorkflowDecision,
    WorkflowRequest,
    WorkflowRequestPage,
)
from tillui.api.models.workflow import workflow_page_body
from tillui.api.requester import Call, Requester
from tillui.api.retry import RetryPolicy
from tillui.config.settings import Secrets, Settings
from tillui.counter.identifier_types import Identifier, identifier_query

WORKFLOW_PATH = "/api_gateway/v2/request-workflow"
RETRO_WORKFLOW = f"{WORKFLOW_PATH}/RETRO-TRANSACTION"


class IntouchClient:
    """The till's one connection to Intouch (v2 API and request-workflow gateway).

    `transport` replaces the network, e.g. `httpx.ASGITransport(app=sandbox)`; both base URLs
    go through it. `clock`, `sleep` and `random` are injectable so tests control time.
    """

    def __init__(
        self,
        settings: Settings,
        secrets: Secrets,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random_fraction,
    ) -> None:
        self._settings = settings
        self._api = settings.api_base_url.rstrip("/")
        self._workflow = settings.workflow_base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={"Accept": "application/json", "User-Agent": f"tillui/{tillui.__version__}"},
            follow_redirects=False,
        )
        self._auth = Authenticator(
            settings, secrets, fetch_token=self._fetch_oauth_token, clock=clock
        )
        self._requester = Requester(
            self._http,
            self._auth,
            policy=retry_policy or RetryPolicy(),
            clock=clock,
            sleep=sleep,
            random=random,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        # Base URLs and mode only: never credentials, tokens or the Authorization header.
        return (
            f"IntouchClient(api={self._api!r}, workflow={self._workflow!r}, "
            f"auth_mode={self._settings.auth_mode!r})"
        )

    # Customers -------------------------------------------------------------------------------

    async def customer_details(self, identifiers: Sequence[Identifier]) -> CustomerDetails:
        """The customer these identifiers find (with dual eligibility: by the primary one)."""
        call = self._get(
            "/v2/customers/lookup/customerDetails",
            CallKind.CUSTOMER,
            params=self._identifier_params(identifiers),
        )
        return await self._requester.fetch(call, CustomerDetails)

    async def customer_by_id(self, customer_id: int) -> CustomerDetails:
        call = self._get(
            f"/v2/customers/{customer_id}",
            CallKind.CUSTOMER,
            params={"source": self._settings.source},
            label="/v2/customers/{id}",
        )
        return await self._requester.fetch(call, CustomerDetails)

    async def points_balance(
        self,
        identifiers: Sequence[Identifier],
        *,
        program_id: int | None = None,
        all_programs: bool | None = None,
    ) -> PointsBalance:
        """Points in one program (default: settings.program_id, else the org's default program)
        or, with all_programs (default: settings.all_programs), summed over all programs."""
        params = self._identifier_params(identifiers)
        program = program_id if program_id is not None else self._settings.program_id
        if program is not None:
            params["programId"] = str(program)
        every = all_programs if all_programs is not None else self._settings.all_programs
        if every:
            params["fetchDataForAllPrograms"] = "true"
        call = self._get("/v2/customers/lookup/points/balance", CallKind.CUSTOMER, params=params)
        return await self._requester.fetch(call, PointsBalance)

    async def lookup(
        self, identifiers: Sequence[Identifier], *, all_programs: bool | None = None
    ) -> CustomerLookup:
        """Details and points in one round trip (both requests in flight together).

        `all_programs` as for points_balance (None: the setting). If either request fails the
        other is cancelled; CustomerNotFound wins over other errors.
        """
        try:
            async with asyncio.TaskGroup() as group:
                details = group.create_task(self.customer_details(identifiers))
                points = group.create_task(
                    self.points_balance(identifiers, all_programs=all_programs)
                )
        except BaseExceptionGroup as failures:
            raise _most_telling(failures) from None
        return CustomerLookup(details=details.result(), points=points.result())

    async def add_customer(self, customer: NewCustomer) -> RegistrationAnswer:
        """Register a shopper (sent once, never retried: a lost answer may still have made
        the customer; `tillui.counter.registration` looks up before anything is resent)."""
        call = Call(
            method="POST",
            target=Target.API,
            url=f"{self._api}/v2/customers",
            label="/v2/customers",
            kind=CallKind.REGISTRATION,
            json=customer.to_json(),
        )
        return await self._requester.fetch(call, RegistrationAnswer)

    # Transactions ----------------------------------------------------------------------------

    async def transactions_by_bill_number(self, bill_number: str) -> list[Transaction]:
        """Every bill with this number (several may share one); [] when none."""
        number = bill_number.strip()
        if not number:
            raise BadRequest(None, "A bill number is needed")
        call = self._get(
            f"/v2/transactions/getByBillNumber/{quote(number, safe='')}",
            CallKind.TRANSACTION,
            label="/v2/transactions/getByBillNumber/{billNumber}",
        )
        return (await self._requester.fetch(call, TransactionList)).data

    async def transaction(self, transaction_id: int, type: str = "NOT_INTERESTED") -> Transaction:
        call = self._get(
            f"/v2/transactions/{transaction_id}",
            CallKind.TRANSACTION,
            params={"type": type},
            label="/v2/transactions/{id}",
        )
        return await self._requester.fetch(call, Transaction)

    # Retro requests --------------------------------------------------------------------------

    async def retro_requests(
        self, customer_id: int, *, limit: int = 10, offset: int = 0
    ) -> RetroRequestPage:
        call = self._get(
            f"/v2/customers/{customer_id}/retroRequest",
            CallKind.RETRO_REQUESTS,
            params={"changeType": "RETRO", "limit": str(limit), "offset": str(offset)},
            label="/v2/customers/{id}/retroRequest",
        )
        return await self._requester.fetch(call, RetroRequestPage)

    async def retro_requests_by_identifiers(
        self, identifiers: Sequence[Identifier], *, limit: int = 10, offset: int = 0
    ) -> RetroRequestPage:
        params = self._identifier_params(identifiers)
        params |= {"changeType": "RETRO", "limit": str(limit), "offset": str(offset)}
        call = self._get(
            "/v2/customers/lookup/retroRequest", CallKind.RETRO_REQUESTS, params=params
        )
        return await self._requester.fetch(call, RetroRequestPage)

    # Request workflow ------------------------------------------------------------------------

    async def submit_retro_claim(self, claim: RetroClaimRequest) -> WorkflowRequest:
        """Send the claim once. ClaimOutcomeUnknown when it may or may not have been made."""
        call = Call(
            method="POST",
            target=Target.WORKFLOW,
            url=f"{self._workflow}{RETRO_WORKFLOW}",
            label=RETRO_WORKFLOW,
            kind=CallKind.WORKFLOW_CLAIM,
            json=claim.to_json(),
            is_claim=True,
        )
        return (await self._requester.fetch(call, WorkflowAnswer)).data

    async def workflow_request(self, request_id: str) -> WorkflowRequest:
        call = Call(
            method="GET",
            target=Target.WORKFLOW,
            url=f"{self._workflow}{WORKFLOW_PATH}/requests/{quote(request_id, safe='')}",
            label=f"{WORKFLOW_PATH}/requests/{{requestId}}",
            kind=CallKind.WORKFLOW_REQUEST,
            retry=True,
        )
        return (await self._requester.fetch(call, WorkflowAnswer)).data

    async def workflow_requests(
        self,
        *,
        till_id: str | None = None,
        store_id: str | None = None,
        user_id: int | None = None,
        states: Sequence[str] = (),
        request_type: str = "RETRO-TRANSACTION",
        start_date: date | None = None,
        end_date: date | None = None,
        sort_order: Literal["asc", "desc"] = "desc",
        limit: int = 50,
        page: int = 1,
    ) -> WorkflowRequestPage:
        """One page of workflow requests (INDEX.md "Listing workflow requests"), newest first
        by default; `user_id` is the customer, `page` 1-based. Its envelope is unconfirmed:
        `workflow_page_body` is where it is read."""
        if limit < 1 or page < 1:
            raise BadRequest(None, "limit and page must be at least 1")
        params = {
            "requestType": request_type,
            "sortBy": "startDate",
            "sortOrder": sort_order,
            "limit": str(limit),
            "PageNo": str(page),
        }
        optional = {
            "tillId": till_id,
            "storeId": store_id,
            "userId": None if user_id is None else str(user_id),
            "states": ",".join(states) or None,
            "startDate": None if start_date is None else start_date.isoformat(),
            "endDate": None if end_date is None else end_date.isoformat(),
        }
        params |= {name: value for name, value in optional.items() if value}
        call = Call(
            method="GET",
            target=Target.WORKFLOW,
            url=f"{self._workflow}{WORKFLOW_PATH}/requests",
            label=f"{WORKFLOW_PATH}/requests",
            kind=CallKind.WORKFLOW_LIST,
            params=params,
            retry=True,
        )
        return await self._requester.fetch(
            call,
            WorkflowRequestPage,
            prepare=lambda body: workflow_page_body(body, page=page, limit=limit),
        )

    async def decide_workflow_request(
        self, request_id: str, *, approve: bool, message: str = "", checker_token: SecretStr
    ) -> WorkflowRequest:
        """A checker's approval or rejection of a pending request, sent with the checker's
        token (a user with CanCheckRequest), never the till's own: AuthError if it is that."""
        decision = WorkflowDecision.of(request_id, approve=approve, message=message)
        call = Call(
            method="PUT",
            target=Target.WORKFLOW,
            url=f"{self._workflow}{RETRO_WORKFLOW}",
            label=RETRO_WORKFLOW,
            kind=CallKind.WORKFLOW_REQUEST,
            json=decision.model_dump(mode="json", by_alias=True),
            checker_token=checker_token,
        )
        answer = await self._requester.fetch(
            call, WorkflowAnswer, prepare=lambda body: _with_request_id(body, request_id)
        )
        return answer.data

    # Sign-in ---------------------------------------------------------------------------------

    async def oauth_token(self) -> IssuedToken:
        """Generate one OAuth token with the till's key and secret (`tillui config check`);
        calls made with this client keep their own tokens."""
        return await self._fetch_oauth_token()

    # Plumbing --------------------------------------------------------------------------------

    def _get(
        self,
        path: str,
        kind: CallKind,
        *,
        params: dict[str, str] | None = None,
        label: str | None = None,
    ) -> Call:
        return Call(
            method="GET",
            target=Target.API,
            url=f"{self._api}{path}",
            label=label or path,
            kind=kind,
            params=params or {},
            retry=True,
        )

    def _identifier_params(self, identifiers: Sequence[Identifier]) -> dict[str, str]:
        if not identifiers:
            raise BadRequest(None, "At least one identifier is needed for a lookup")
        return {"source": self._settings.source, **identifier_query(tuple(identifiers))}

    async def _fetch_oauth_token(self) -> IssuedToken:
        call = Call(
            method="POST",
            target=Target.API,
            url=f"{self._api}{OAUTH_TOKEN_PATH}",
            label=OAUTH_TOKEN_PATH,
            kind=CallKind.OAUTH,
            json=self._auth.oauth_credentials(),
            authenticate=False,
        )
        token = (await self._requester.fetch(call, OAuthAnswer)).data
        return IssuedToken(token.access_token.get_secret_value(), token.ttl_seconds)


def _most_telling(failures: BaseExceptionGroup[Any]) -> BaseException:
    """The one error to show for a failed concurrent lookup."""
    flat = list(_leaves(failures))
    for kind in (CustomerNotFound, IntouchError):
        for error in flat:
            if isinstance(error, kind):
                return error
    return flat[0] if flat else failures


def _leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    leaves: list[BaseException] = []
    for error in group.exceptions:
        leaves.extend(_leaves(error) if isinstance(error, BaseExceptionGroup) else [error])
    return leaves


def _with_request_id(body: Any, request_id: str) -> Any:
    # The decision answer's `data` is documented only by its `state`; keep the ID we asked about.
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        return {**body, "data": {"requestId": request_id, **body["data"]}}
    return body
