"""Claims already waiting for a checker when the sandbox starts (the store manager's demo).

Seeded only when the demo store is listed in `manual_approval_store_ids` (so tests that turn
`auto_approve` off start with no workflow requests): Asha's three PENDING requests get their workflow side, and a few
other customers' claims of bills billed at the demo till join them. Their own random streams,
so the rest of the seeded data (and the UUIDs of claims made later) do not move.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from .demo import DEMO
from .model import AWAITING_CHECKER, OrgEntity, RetroRequest, Transaction, WorkflowRequest
from .state import SandboxState

MakeBill = Callable[[OrgEntity, OrgEntity, datetime, str], Transaction]
SALT = 7_000_003
"""The waiting claims' random stream is Random(seed + SALT)."""
OTHER_WAITING = 4
"""Claims of generated customers waiting beside Asha's."""


def seeds_waiting_claims(state: SandboxState) -> bool:
    return DEMO.store_id in state.config.manual_approval_store_ids


def _task(transaction_id: int, customer_id: int) -> dict[str, object]:
    digest = hashlib.md5(DEMO.password.encode(), usedforsecurity=False).hexdigest()
    basic = base64.b64encode(f"{DEMO.username}:{digest}".encode()).decode()
    return {
        "hostname": "sandbox.demo",
        "path": "/v2/transactions/retro",
        "method": "PUT",
        "pathParams": {},
        "queryParams": {},
        "body": {
            "oldType": "NOT_INTERESTED",
            "newType": "REGULAR",
            "transactionId": transaction_id,
            "customerId": customer_id,
            "extendedFields": {},
            "customFields": {},
            "notes": "Claimed at the till",
        },
        "headers": {
            "Authorization": f"Basic {basic}",
            "content-type": "application/json",
            "X-CAP-CLIENT-SIGNATURE": "tillui-demo",
        },
    }


def seed_waiting_requests(state: SandboxState, rng: random.Random, make_bill: MakeBill) -> None:
    """`make_bill(till, store, billed, number)`: a NOT_INTERESTED bill (seed's bill maker)."""
    if not seeds_waiting_claims(state):
        return
    till, store = state.entities[DEMO.till_id], state.entities[DEMO.store_id]
    now = state.seeded_at
    pending = [
        r
        for r in state.retro_requests.page(DEMO.asha.customer_id, 0, 50)
        if r.status == "PENDING" and r.added_by.id == DEMO.till_id
    ]
    others = [
        c
        for c in state.customers
        if c.id > DEMO.omar.customer_id and c.registered_at < now - timedelta(days=5)
    ][:40]
    for n in range(OTHER_WAITING):
        customer = rng.choice(others)
        added = (now - timedelta(hours=rng.uniform(1, 60))).replace(microsecond=0)
        billed = added - timedelta(hours=rng.uniform(1, 20))
        bill = make_bill(till, store, billed, f"D1-{500001 + n:06d}")
        state.transactions.add(bill)
        retro = RetroRequest(
            id=39001 + n,
            request_id=13050001 + n,
            status="PENDING",
            customer_id=customer.id,
            transaction_id=bill.id,
            added_by=till,
            added_by_parent=store,
            updated_by=till,
            added_on=added,
            updated_on=added,
            comments="Claimed at the till",
        )
        state.retro_requests.add(retro)
        pending.append(retro)
    for retro in pending:
        request_id = str(uuid.UUID(int=rng.getrandbits(128), version=1))
        state.workflow_requests[request_id] = WorkflowRequest(
            request_id=request_id,
            user_id=DEMO.workflow_user_id,
            user_name=DEMO.workflow_user_name,
            state=AWAITING_CHECKER,
            start_time=retro.added_on,
            end_time=None,
            task_payload=_task(retro.transaction_id, retro.customer_id),
            retro_request=retro,
            entity_info={
                "tillId": str(DEMO.till_id),
                "storeId": str(DEMO.store_id),
                "zoneId": str(DEMO.zone_id),
                "conceptId": str(DEMO.concept_id),
            },
        )
