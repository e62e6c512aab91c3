"""The RETRO-TRANSACTION request workflow (document 002): maker claim, checker decision,
execution of the retro PUT, and the customer's view of the request (documents 000/001).

A second claim of the same bill is accepted (a second request) and fails when it executes,
because the bill is no longer NOT_INTERESTED; `SandboxConfig.refuse_duplicates` refuses it at
POST time instead (invented codes 99104/99105).

Customer view: PENDING on creation; APPROVED once approved, then SUCCESS or FAILURE once the
retro ran (at once, or `execution_delay_seconds` later); REJECTED when the checker refuses.
Workflow view: "AdminTask" while awaiting the checker, "approved" once approved, "rejected" when
the checker refused, "failed" when the approved retro failed.

Claims from a store in `manual_approval_store_ids` (or every store, without `auto_approve`)
wait for a checker: only a CanCheckRequest user's token may decide (see `authenticate_checker`).
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from .auth import authenticate_v2
from .demo import DEMO
from .errors import (
    ENTITY_INFO_MISSING,
    INVALID_DECISION,
    INVALID_WORKFLOW_PAYLOAD,
    OPEN_REQUEST_EXISTS,
    UNKNOWN_TILL,
    WORKFLOW_NOT_AWAITING_DECISION,
    WORKFLOW_REQUEST_NOT_FOUND,
    ApiError,
)
from .model import (
    APPROVED,
    AWAITING_CHECKER,
    FAILED,
    REJECTED,
    RetroRequest,
    WorkflowRequest,
    parse_id,
)
from .retro import apply_retro, check_limits, claim_subjects, parse_retro_body
from .state import SandboxState

ENTITY_INFO_FIELDS = ("tillId", "storeId", "zoneId", "conceptId")
RETRO_PATH = "/v2/transactions/retro"


def _entity_info(body: dict[str, Any]) -> dict[str, str]:
    info = body.get("entityInfo")
    if not isinstance(info, dict):
        raise ApiError(ENTITY_INFO_MISSING, "entityInfo is mandatory")
    values: dict[str, str] = {}
    for name in ENTITY_INFO_FIELDS:
        value = info.get(name)
        text = (
            str(value).strip()
            if isinstance(value, str | int) and not isinstance(value, bool)
            else ""
        )
        if not text:
            raise ApiError(ENTITY_INFO_MISSING, f"entityInfo.{name} is mandatory")
        values[name] = text
    return values


def _task_payload(body: dict[str, Any]) -> dict[str, Any]:
    payload = body.get("payload")
    task = payload.get("IntouchAPITask-Payload") if isinstance(payload, dict) else None
    if not isinstance(task, dict):
        raise ApiError(INVALID_WORKFLOW_PAYLOAD, "payload.IntouchAPITask-Payload is mandatory")
    problems = []
    if not isinstance(task.get("hostname"), str) or not task["hostname"].strip():
        problems.append("hostname is mandatory")
    if task.get("path") != RETRO_PATH:
        problems.append(f"path must be {RETRO_PATH}")
    if not isinstance(task.get("method"), str) or task["method"].upper() != "PUT":
        problems.append("method must be PUT")
    for key in ("pathParams", "queryParams"):
        if task.get(key) is not None and not isinstance(task[key], dict):
            problems.append(f"{key} must be an object")
    headers = task.get("headers")
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        problems.append("headers must be an object of strings")
    if problems:
        raise ApiError(INVALID_WORKFLOW_PAYLOAD, "IntouchAPITask-Payload: " + "; ".join(problems))
    try:
        parse_retro_body(task.get("body"))
    except ApiError as error:
        raise ApiError(
            INVALID_WORKFLOW_PAYLOAD, f"IntouchAPITask-Payload.body: {error.message}"
        ) from None
    return copy.deepcopy(task)


def submit_claim(state: SandboxState, body: Any) -> WorkflowRequest:
    """Validate a maker's claim, record it, and execute it at once when auto-approval is on."""
    if not isinstance(body, dict):
        raise ApiError(INVALID_WORKFLOW_PAYLOAD, "The request body must be a JSON object")
    info = _entity_info(body)
    task = _task_payload(body)
    till_id = parse_id(info["tillId"])
    till = None if till_id is None else state.till(till_id)
    if till is None:
        raise ApiError(UNKNOWN_TILL)
    # A real server accepts a second claim of a bill (no idempotency key, INDEX.md): the
    # second request fails when it executes. Refusing it here is an explicit option.
    refuse = state.config.refuse_duplicates
    txn, customer = claim_subjects(state, parse_retro_body(task["body"]), any_type=not refuse)
    if refuse and state.retro_requests.open_for_transaction(txn.id):
        raise ApiError(OPEN_REQUEST_EXISTS)
    now = state.now()
    check_limits(state.config, now, txn, customer)

    pk, request_number = state.allocate_retro_ids()
    notes = task["body"].get("notes")
    retro = RetroRequest(
        id=pk,
        request_id=request_number,
        status="PENDING",
        customer_id=customer.id,
        transaction_id=txn.id,
        added_by=till,
        added_by_parent=state.parent_of(till),
        updated_by=till,
        added_on=now,
        updated_on=now,
        comments=notes if isinstance(notes, str) else "",
    )
    state.retro_requests.add(retro)
    request = WorkflowRequest(
        request_id=state.new_uuid(),
        user_id=DEMO.workflow_user_id,
        user_name=DEMO.workflow_user_name,
        state=AWAITING_CHECKER,
        start_time=now,
        end_time=None,
        task_payload=task,
        retro_request=retro,
        entity_info=info,
    )
    state.workflow_requests[request.request_id] = request
    store = state.parent_of(till).id
    if state.config.auto_approve and store not in state.config.manual_approval_store_ids:
        _approve(state, request, delay=0.0)
    return request


def _approve(state: SandboxState, request: WorkflowRequest, *, delay: float) -> None:
    """Approved: the retro runs now, or on the first request served `delay` seconds later."""
    request.state = APPROVED
    request.retro_request.status = "APPROVED"
    request.end_time = request.retro_request.updated_on = state.now()
    if delay > 0:
        request.execute_at = state.now() + timedelta(seconds=delay)
    else:
        _execute(state, request)


def run_due_executions(state: SandboxState) -> None:
    """Run the approved retros whose time has come (called before every request is served)."""
    now = state.now()
    for request in state.workflow_requests.values():
        if request.execute_at is not None and request.execute_at <= now:
            _execute(state, request)


def _execute(state: SandboxState, request: WorkflowRequest) -> None:
    """Run the approved task (the retro PUT with the payload's own credentials)."""
    request.execute_at = None
    retro = request.retro_request
    try:
        authenticate_v2(state, request.task_payload["headers"])
        apply_retro(state, request.task_payload["body"])
    except ApiError as error:
        request.state = FAILED
        retro.status = "FAILURE"
        retro.reason = request.failure = f"{error.code}: {error.message}"
    else:
        request.state = APPROVED
        retro.status = "SUCCESS"
    request.end_time = retro.updated_on = state.now()


def get_request(state: SandboxState, request_id: str) -> WorkflowRequest:
    request = state.workflow_requests.get(request_id)
    if request is None:
        raise ApiError(WORKFLOW_REQUEST_NOT_FOUND)
    return request


def decide(state: SandboxState, body: Any) -> WorkflowRequest:
    """A checker's decision (the caller checked the checker's token): approved or rejected."""
    if not isinstance(body, dict) or not isinstance(body.get("requestId"), str):
        raise ApiError(INVALID_DECISION, "requestId is mandatory")
    if body.get("actionName") != AWAITING_CHECKER:
        raise ApiError(INVALID_DECISION, f"actionName must be {AWAITING_CHECKER}")
    payload = body.get("payload")
    decision = payload.get("AdminTask-Payload") if isinstance(payload, dict) else None
    if not isinstance(decision, dict) or decision.get("actionDecision") not in (
        "approved",
        "rejected",
    ):
        raise ApiError(
            INVALID_DECISION, "AdminTask-Payload.actionDecision must be approved or rejected"
        )
    message = decision.get("actionMessage")
    request = get_request(state, body["requestId"])
    if request.state != AWAITING_CHECKER:
        raise ApiError(WORKFLOW_NOT_AWAITING_DECISION)
    request.decision = {
        "actionDecision": decision["actionDecision"],
        "actionMessage": message if isinstance(message, str) else "",
    }
    if decision["actionDecision"] == "approved":
        _approve(state, request, delay=state.config.execution_delay_seconds)
    else:
        request.state = REJECTED
        request.retro_request.status = "REJECTED"
        request.retro_request.reason = message if isinstance(message, str) else ""
        request.end_time = request.retro_request.updated_on = state.now()
    return request
