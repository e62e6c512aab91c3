"""The request-workflow gateway: the retro claim (document 002), its answer, checker decisions.

The claim body must match document 002 key for key, so the request models carry explicit
aliases where the API's keys are not camelCase ("IntouchAPITask-Payload", "content-type" …).
The till's Authorization header travels inside the claim; it is a SecretStr so that a repr or a
log line of a claim never shows it, and it is revealed only when the body is serialised to JSON.
"""

from __future__ import annotations

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


class WorkflowDetails(ApiModel):
    """`details` of a workflow request. Unknown keys (e.g. a failure reason) are kept."""

    model_config = ConfigDict(extra="allow")

    intouch_api_task: IntouchApiTask | None = Field(
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


class WorkflowAnswer(ApiModel):
    """The gateway's `{"data": {...}}` wrapper."""

    data: WorkflowRequest


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
