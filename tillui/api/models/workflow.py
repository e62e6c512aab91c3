"""The request-workflow gateway: the retro claim (document 002), its answer, checker decisions.

The claim body must match document 002 key for key, so the request models carry explicit
aliases where the API's keys are not camelCase ("IntouchAPITask-Payload", "content-type" …).
The till's Authorization header travels inside the claim; it is a SecretStr so that a repr or a
log line of a claim never shows it, and it is revealed only when the body is serialised to JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, SecretStr, field_serializer

from tillui.api.models.base import ApiModel

RETRO_TASK_PATH = "/v2/transactions/retro"
RETRO_TASK_KEY = "IntouchAPITask-Payload"
ADMIN_TASK_KEY = "AdminTask-Payload"
ADMIN_TASK_ACTION = "AdminTask"
"""The workflow state (and action name) of a request waiting for a checker."""


class EntityInfo(ApiModel):
    """Which till/store/zone/concept the claim is made from (IDs as strings, as documented)."""

    till_id: str
    store_id: str
    zone_id: str
    concept_id: str


class RetroTaskBody(ApiModel):
    """The body of the PUT /v2/transactions/retro the workflow executes once approved."""

    old_type: str = "NOT_INTERESTED"
    new_type: str = "REGULAR"
    transaction_id: int
    customer_id: int
    extended_fields: dict[str, Any] = Field(default_factory=dict)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    notes: str = ""


class RetroTaskHeaders(ApiModel):
    """Headers of the executed PUT: the till's credentials and who made the claim."""

    authorization: SecretStr = Field(
        validation_alias="Authorization", serialization_alias="Authorization"
    )
    content_type: str = Field(
        default="application/json",
        validation_alias="content-type",
        serialization_alias="content-type",
    )
    client_signature: str = Field(
        validation_alias="X-CAP-CLIENT-SIGNATURE", serialization_alias="X-CAP-CLIENT-SIGNATURE"
    )

    @field_serializer("authorization", when_used="json")
    def _reveal_for_the_wire(self, value: SecretStr) -> str:
        return value.get_secret_value()


class IntouchApiTask(ApiModel):
    """The `IntouchAPITask-Payload`: the API call the workflow makes on approval."""

    hostname: str
    path: str = RETRO_TASK_PATH
    method: str = "PUT"
    path_params: dict[str, Any] = Field(default_factory=dict)
    query_params: dict[str, Any] = Field(default_factory=dict)
    body: RetroTaskBody
    headers: RetroTaskHeaders


class ClaimPayload(ApiModel):
    intouch_api_task: IntouchApiTask = Field(
        validation_alias=RETRO_TASK_KEY, serialization_alias=RETRO_TASK_KEY
    )


class RetroClaimRequest(ApiModel):
    """The POST /api_gateway/v2/request-workflow/RETRO-TRANSACTION body (see build_retro_claim)."""

    entity_info: EntityInfo
    payload: ClaimPayload

    @property
    def transaction_id(self) -> int:
        return self.payload.intouch_api_task.body.transaction_id

    @property
    def customer_id(self) -> int:
        return self.payload.intouch_api_task.body.customer_id

    def to_json(self) -> dict[str, Any]:
        """The exact JSON body to send, Authorization included."""
        return self.model_dump(mode="json", by_alias=True)


class TaskEcho(ApiModel):
    """The `IntouchAPITask-Payload` as the gateway echoes it back. Only the retro body is read:
    the echoed headers (the till's credentials) are dropped, and a server that leaves out or
    redacts parts of the task must not make the whole request unreadable."""

    hostname: str | None = None
    path: str | None = None
    method: str | None = None
    body: RetroTaskBody | None = None


class WorkflowDetails(ApiModel):
    """`details` of a workflow request. Unknown keys (e.g. a failure reason) are kept."""

    model_config = ConfigDict(extra="allow")

    intouch_api_task: TaskEcho | None = Field(
        default=None, validation_alias=RETRO_TASK_KEY, serialization_alias=RETRO_TASK_KEY
    )
    validate_maker_access_output: bool | None = Field(
        default=None,
        validation_alias="ValidateMakerAccess_Output",
        serialization_alias="ValidateMakerAccess_Output",
    )
    validate_payload_output: bool | None = Field(
        default=None,
        validation_alias="ValidatePayload_Output",
        serialization_alias="ValidatePayload_Output",
    )


class WorkflowRequest(ApiModel):
    """A workflow request as the gateway reports it (`data` of its answers)."""

    request_id: str
    """A UUID."""
    user_id: int | None = None
    user_name: str | None = None
    request_type: str | None = None
    state: str
    """`AdminTask` while waiting for a checker; `approved`, `failed` … afterwards."""
    start_time: datetime | None = None
    """As sent: document 002 shows it without a timezone offset."""
    end_time: datetime | None = None
    details: WorkflowDetails | None = None

    @property
    def awaiting_checker(self) -> bool:
        return self.state == ADMIN_TASK_ACTION

    @property
    def retro_body(self) -> RetroTaskBody | None:
        task = self.details.intouch_api_task if self.details is not None else None
        return task.body if task is not None else None

    @property
    def transaction_id(self) -> int | None:
        body = self.retro_body
        return body.transaction_id if body is not None else None

    @property
    def customer_id(self) -> int | None:
        body = self.retro_body
        return body.customer_id if body is not None else None


class WorkflowAnswer(ApiModel):
    """The gateway's `{"data": {...}}` wrapper."""

    data: WorkflowRequest


class WorkflowRequestPage(ApiModel):
    """One page of GET /api_gateway/v2/request-workflow/requests (see `workflow_page_body`)."""

    items: list[WorkflowRequest]
    page: int
    """1-based (the API's `PageNo`)."""
    limit: int
    total: int | None = None
    """How many match in all, when the server says."""

    @property
    def has_more(self) -> bool:
        """True when a further page may exist after this one."""
        if self.total is not None:
            return self.page * self.limit < self.total
        return len(self.items) >= self.limit


_LIST_KEYS = ("requests", "items", "content", "data", "results")
_TOTAL_KEYS = ("total", "totalCount", "totalElements", "totalRecords", "count")
_PAGE_KEYS = ("pageNo", "PageNo", "page", "pageNumber")


def workflow_page_body(body: Any, *, page: int, limit: int) -> Any:
    """The list answer reshaped as a `WorkflowRequestPage`'s fields.

    UNCONFIRMED: the reference ("Get details of all requests") shows the filters and the item
    shape but not the envelope around the items. This is the ONE place that guesses it: the
    items as `data` (a list, or an object holding `requests`/`items`/`content`…), or a bare
    list; the total and page number from `pagination`, from that object, or from the top level.
    Anything else is left as it is, so validation reports it as an unexpected answer.
    """
    holders: list[Mapping[str, Any]] = []
    items: Any = None
    if isinstance(body, list):
        items = body
    elif isinstance(body, Mapping):
        holders.append(body)
        data = body.get("data")
        if isinstance(data, list):
            items = data
        elif isinstance(data, Mapping):
            holders.insert(0, data)
            items = next((data[k] for k in _LIST_KEYS if isinstance(data.get(k), list)), None)
        pagination = body.get("pagination")
        if isinstance(pagination, Mapping):
            holders.insert(0, pagination)
    if items is None:
        return body
    return {
        "items": items,
        "page": _first_int(holders, _PAGE_KEYS, page),
        "limit": limit,
        "total": _first_int(holders, _TOTAL_KEYS, None),
    }


def _first_int(
    holders: list[Mapping[str, Any]], keys: tuple[str, ...], default: int | None
) -> int | None:
    for holder in holders:
        for key in keys:
            value = holder.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
    return default


class AdminDecision(ApiModel):
    action_decision: Literal["approved", "rejected"]
    action_message: str = ""


class AdminDecisionPayload(ApiModel):
    admin_task: AdminDecision = Field(
        validation_alias=ADMIN_TASK_KEY, serialization_alias=ADMIN_TASK_KEY
    )


class WorkflowDecision(ApiModel):
    """A checker's decision on a pending request (PUT …/request-workflow/RETRO-TRANSACTION)."""

    request_id: str
    action_name: str = ADMIN_TASK_ACTION
    payload: AdminDecisionPayload

    @classmethod
    def of(cls, request_id: str, *, approve: bool, message: str = "") -> WorkflowDecision:
        decision: Literal["approved", "rejected"] = "approved" if approve else "rejected"
        return cls(
            request_id=request_id,
            payload=AdminDecisionPayload(
                admin_task=AdminDecision(action_decision=decision, action_message=message)
            ),
        )
