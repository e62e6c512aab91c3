"""Workflow states and the server's reasons, in the words the till shows (one place).

States seen in the references: `AdminTask` (waiting for a checker), `approved`, `rejected`,
`failed`. Why a request was rejected or failed is not documented in the workflow answer; the
sandbox adds the checker's `AdminTask-Payload` and an `IntouchAPITask_Output`, read here only,
and optional: a server without them just shows no reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tillui.api.models import WorkflowRequest

WAITING = "AdminTask"
_WORDS = {
    "admintask": "waiting for approval",
    "approved": "approved",
    "rejected": "rejected",
    "failed": "failed",
    # The customer-side statuses (documents 000/001), stored by a reconcile that matched there.
    "pending": "waiting for approval",
    "success": "approved",
    "failure": "failed",
}


def state_words(state: str | None) -> str:
    """'waiting for approval', 'approved', 'rejected', 'failed' (else the server's own word)."""
    if not state:
        return "—"
    return _WORDS.get(state.lower(), state)


def is_waiting(state: str | None) -> bool:
    return (state or "").lower() == WAITING.lower()


def server_reason(request: WorkflowRequest) -> str:
    """The checker's message or the failure's reason, when the answer carries one."""
    extra: dict[str, Any] = (request.details.model_extra or {}) if request.details else {}
    failure = extra.get("IntouchAPITask_Output")
    if isinstance(failure, dict) and isinstance(failure.get("message"), str):
        return failure["message"].strip()
    decision = extra.get("AdminTask-Payload")
    if isinstance(decision, dict) and isinstance(decision.get("actionMessage"), str):
        return decision["actionMessage"].strip()
    return ""
