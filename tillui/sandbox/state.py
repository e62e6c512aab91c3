"""Everything one sandbox instance knows, with the indexes its endpoints need."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .bulk import BulkHistory
from .config import SandboxConfig
from .faults import FaultInjector
from .model import (
    OPEN_RETRO_STATUSES,
    Customer,
    OrgEntity,
    RetroRequest,
    Transaction,
    WorkflowRequest,
)
from .request_log import RequestLog


def _identifier_key(kind: str, value: str) -> tuple[str, str]:
    # Emails are matched case-insensitively; other identifiers exactly.
    return kind, value.strip().lower() if kind == "email" else value.strip()


class CustomerDirectory:
    def __init__(self) -> None:
        self._by_id: dict[int, Customer] = {}
        self._by_identifier: dict[tuple[str, str], list[Customer]] = {}

    def add(self, customer: Customer) -> None:
        self._by_id[customer.id] = customer
        for kind, value in customer.identifiers.items():
            self._by_identifier.setdefault(_identifier_key(kind, value), []).append(customer)

    def get(self, customer_id: int) -> Customer | None:
        return self._by_id.get(customer_id)

    def find(self, kind: str, value: str) -> list[Customer]:
        return list(self._by_identifier.get(_identifier_key(kind, value), ()))

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Customer]:
        return iter(self._by_id.values())


class TransactionStore:
    def __init__(self, bulk: BulkHistory | None = None) -> None:
        self._by_id: dict[int, Transaction] = {}
        self._by_bill: dict[str, list[int]] = {}
        self._bulk = bulk

    def add(self, transaction: Transaction) -> None:
        self._by_id[transaction.id] = transaction
        self._by_bill.setdefault(transaction.bill_number, []).append(transaction.id)

    def get(self, transaction_id: int) -> Transaction | None:
        found = self._by_id.get(transaction_id)
        if found is None and self._bulk is not None:
            index = self._bulk.index_of_transaction(transaction_id)
            if index is not None:
                found = self._bulk.transaction(index)
                self.add(found)
        return found

    def by_bill_number(self, bill_number: str) -> list[Transaction]:
        if self._bulk is not None:
            index = self._bulk.index_of_bill(bill_number)
            if index is not None:
                self.get(self._bulk.transaction(index).id)
        found = [self._by_id[i] for i in self._by_bill.get(bill_number, ())]
        return sorted(found, key=lambda t: (t.billing_time, t.id))

    def __iter__(self) -> Iterator[Transaction]:
        """The transactions made so far (the lazy bulk history only once touched)."""
        return iter(list(self._by_id.values()))


class RetroRequestBook:
    """Customers' retro requests, newest first, with the Bulk Buyer's lazy tail."""

    def __init__(self, bulk: BulkHistory | None = None) -> None:
        self._by_customer: dict[int, list[RetroRequest]] = {}
        self._by_transaction: dict[int, list[RetroRequest]] = {}
        self._bulk = bulk

    def add(self, request: RetroRequest) -> None:
        self._by_customer.setdefault(request.customer_id, []).append(request)
        self._by_transaction.setdefault(request.transaction_id, []).append(request)

    def _own(self, customer_id: int) -> list[RetroRequest]:
        own = self._by_customer.get(customer_id, [])
        return sorted(own, key=lambda r: (r.added_on, r.id), reverse=True)

    def _bulk_count(self, customer_id: int) -> int:
        bulk = self._bulk
        return bulk.count if bulk is not None and bulk.customer_id == customer_id else 0

    def count(self, customer_id: int) -> int:
        return len(self._by_customer.get(customer_id, ())) + self._bulk_count(customer_id)

    def page(self, customer_id: int, offset: int, limit: int) -> list[RetroRequest]:
        # The lazy bulk history is always older than requests made while the sandbox runs.
        own = self._own(customer_id)
        page = own[offset : offset + limit]
        start = max(0, offset - len(own))
        stop = min(self._bulk_count(customer_id), start + limit - len(page))
        if self._bulk is not None:
            page.extend(self._bulk.request(i) for i in range(start, stop))
        return page

    def for_transaction(self, transaction_id: int) -> list[RetroRequest]:
        found = list(self._by_transaction.get(transaction_id, ()))
        if self._bulk is not None:
            index = self._bulk.index_of_transaction(transaction_id)
            if index is not None:
                found.append(self._bulk.request(index))
        return found

    def open_for_transaction(self, transaction_id: int) -> list[RetroRequest]:
        return [r for r in self.for_transaction(transaction_id) if r.status in OPEN_RETRO_STATUSES]


@dataclass
class SandboxState:
    """All data of one sandbox. Tests may read and change any of it between requests."""

    config: SandboxConfig
    seeded_at: datetime
    entities: dict[int, OrgEntity]
    customers: CustomerDirectory
    transactions: TransactionStore
    retro_requests: RetroRequestBook
    journal_transaction_ids: list[int]
    """The demo till's recent NOT_INTERESTED bills, oldest first (see `write_demo_journal`)."""
    faults: FaultInjector
    workflow_requests: dict[str, WorkflowRequest] = field(default_factory=dict)
    oauth_tokens: dict[str, datetime] = field(default_factory=dict)
    """Issued OAuth access token -> expiry time."""
    request_log: RequestLog = field(default_factory=RequestLog)
    """Every request received (control endpoints aside), faults included."""
    background: set[asyncio.Task[None]] = field(default_factory=set)
    """Late commits still running after their client has gone."""
    next_retro_pk: int = 40001
    next_retro_request_id: int = 13060001
    _served: int = 0
    _rng: random.Random = field(default_factory=random.Random)

    def now(self) -> datetime:
        return self.config.clock()

    def till(self, till_id: int) -> OrgEntity | None:
        entity = self.entities.get(till_id)
        return entity if entity is not None and entity.type == "TILL" else None

    def parent_of(self, entity: OrgEntity) -> OrgEntity:
        return self.entities[entity.parent_id] if entity.parent_id is not None else entity

    def allocate_retro_ids(self) -> tuple[int, int]:
        ids = self.next_retro_pk, self.next_retro_request_id
        self.next_retro_pk += 1
        self.next_retro_request_id += 1
        return ids

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=1))

    def new_token_bytes(self, size: int) -> bytes:
        return self._rng.randbytes(size)

    def next_served_request_id(self) -> str:
        """Value of the X-Cap-Requestid header: deterministic per seed and request order."""
        self._served += 1
        return str(uuid.UUID(int=(self.config.seed & 0xFFFFFFFF) << 64 | self._served))
