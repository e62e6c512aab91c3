"""Records -> the JSON shapes of the documents (docs/intouch-api.md; documents 001-003)."""

from __future__ import annotations

from typing import Any

from .model import (
    Customer,
    OrgEntity,
    ProgramMembership,
    RetroRequest,
    Transaction,
    WorkflowRequest,
)
from .state import SandboxState
from .timefmt import iso_in_zone, iso_utc_z, workflow_time

_IDENTIFIER_ORDER = ("mobile", "email", "externalId", "cardnumber", "wechat")


def points(value: float) -> float:
    """Points carry up to three decimals (document 003 shows 8500.000)."""
    return round(value, 3)


def customer_details(customer: Customer) -> dict[str, Any]:
    identifiers = [
        {"type": kind, "value": customer.identifiers[kind]}
        for kind in _IDENTIFIER_ORDER
        if kind in customer.identifiers
    ]
    till = customer.registered_by
    return {
        "id": customer.id,
        "profiles": [
            {
                "firstName": customer.first_name,
                "lastName": customer.last_name,
                "identifiers": identifiers,
                "source": "INSTORE",
            }
        ],
        "loyaltyInfo": {
            "loyaltyType": customer.loyalty_type,
            "attributionV2": {
                "createDate": iso_utc_z(customer.registered_at),
                "createdBy": {
                    "id": till.id,
                    "code": till.code,
                    "name": till.name,
                    "type": till.type,
                },
            },
        },
        "loyaltyProgramDetails": [_program_details(p) for p in customer.programs],
        "warnings": [],
        "errors": [],
    }


def _program_details(program: ProgramMembership) -> dict[str, Any]:
    # totalAvailablePoints = main + promised of the program, like the balance API's totalPoints.
    return {
        "programId": program.program_id,
        "programTitle": program.title,
        "currentSlab": program.tier,
        "loyaltyPoints": points(program.main_points),
        "lifetimePoints": points(program.lifetime_points),
        "delayedPoints": points(program.delayed_points),
        "totalAvailablePoints": points(program.total_points),
    }


def points_balance(customer: Customer, programs: list[ProgramMembership]) -> dict[str, Any]:
    main = sum(p.main_points for p in programs)
    delayed = sum(p.delayed_points for p in programs)
    external = sum(p.external_points for p in programs)
    return {
        "entityId": customer.id,
        "entityType": "CUSTOMER",
        "totalPoints": points(main + delayed + external),
        "mainPoints": points(main),
        "promisedPoints": points(delayed + external),
        "promisedPointsBreakup": {
            "delayedAccrualPoints": points(delayed),
            "externalTriggerBasedPoints": points(external),
        },
        "warnings": [],
    }


def transaction(state: SandboxState, txn: Transaction) -> dict[str, Any]:
    zone = state.config.server_timezone
    return {
        "id": txn.id,
        "type": txn.type,
        "customerId": txn.customer_id,
        "retroTxn": txn.retro_txn,
        "billDetails": {
            "amount": txn.amount,
            "grossAmount": txn.gross_amount,
            "discount": txn.discount,
            "billNumber": txn.bill_number,
            "billingTime": iso_in_zone(txn.billing_time, zone),
            "billingStore": {"id": txn.store.id, "code": txn.store.code, "name": txn.store.name},
        },
        "attribution": {
            "createDate": iso_in_zone(txn.created_at, zone),
            "createdBy": {
                "id": txn.till.id,
                "code": txn.till.code,
                "name": txn.till.name,
                "type": "TILL",
            },
        },
        "lineItems": [
            {
                "itemCode": item.item_code,
                "description": item.description,
                "qty": item.qty,
                "rate": item.rate,
                "amount": round(item.qty * item.rate, 2),
            }
            for item in txn.line_items
        ],
    }


def org_entity(entity: OrgEntity) -> dict[str, Any]:
    # The constant keys are those of document 001's example.
    return {
        "id": entity.id,
        "code": entity.code,
        "description": "",
        "name": entity.name,
        "type": entity.type,
        "referenceId": -1,
        "adminType": "GENERAL",
        "isActive": True,
        "isOuEnabled": False,
        "timeZoneId": 191,
        "currencyId": 95,
        "languageId": 148,
        "default": False,
    }


def retro_request(request: RetroRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "status": request.status,
        "addedBy": org_entity(request.added_by),
        "addedByParent": org_entity(request.added_by_parent),
        "updatedBy": org_entity(request.updated_by),
        "addedOn": iso_utc_z(request.added_on),
        "updatedOn": iso_utc_z(request.updated_on),
        "userId": request.customer_id,
        "requestId": request.request_id,
        "baseType": "RETRO",
        "reason": request.reason,
        "comments": request.comments,
        "transactionId": request.transaction_id,
        "warnings": [],
        "reqAdd": True,
        "oneStep": request.one_step,
    }


def workflow_request(request: WorkflowRequest) -> dict[str, Any]:
    return {"data": workflow_item(request)}


def workflow_item(request: WorkflowRequest) -> dict[str, Any]:
    details: dict[str, Any] = {
        "IntouchAPITask-Payload": request.task_payload,
        "ValidateMakerAccess_Output": True,
        "ValidatePayload_Output": True,
    }
    # INVENTED (not in the documents): the checker's decision under the key it was sent with,
    # and the executed task's failure, so a till can show why. Clients keep this optional.
    if request.decision is not None:
        details["AdminTask-Payload"] = request.decision
    if request.failure:
        details["IntouchAPITask_Output"] = {"success": False, "message": request.failure}
    return {
        "requestId": request.request_id,
        "userId": request.user_id,
        "userName": request.user_name,
        "requestType": "retro-transaction",
        "state": request.state,
        "startTime": workflow_time(request.start_time),
        "endTime": None if request.end_time is None else workflow_time(request.end_time),
        "details": details,
    }


def workflow_page(
    requests: list[WorkflowRequest], *, page: int, limit: int, total: int
) -> dict[str, Any]:
    """The list's envelope: invented (the reference does not show one), see workflow_list."""
    return {
        "data": [workflow_item(r) for r in requests],
        "pagination": {"pageNo": page, "limit": limit, "total": total},
        "warnings": [],
        "errors": [],
    }


def pagination(limit: int, offset: int, total: int) -> dict[str, int]:
    return {"limit": limit, "offset": offset, "total": total}
