"""The deterministic demo dataset: same seed and clock, same data.

All times are relative to the configured clock at creation ("now"), truncated to seconds.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Literal

from .bulk import BulkHistory
from .config import SandboxConfig
from .demo import DEMO, DemoCustomer
from .faults import FaultInjector, FaultMix
from .model import (
    Customer,
    LineItem,
    OrgEntity,
    ProgramMembership,
    RetroRequest,
    RetroStatus,
    Transaction,
)
from .state import CustomerDirectory, RetroRequestBook, SandboxState, TransactionStore
from .waiting import SALT as WAITING_SALT
from .waiting import seed_waiting_requests

_CATALOGUE: tuple[tuple[str, str, float], ...] = (
    ("SKU-1001", "Filter coffee", 120.0),
    ("SKU-1002", "Masala chai", 90.0),
    ("SKU-2001", "Paneer sandwich", 240.0),
    ("SKU-2002", "Veg puff", 65.5),
    ("SKU-3001", "Cotton shirt", 1499.0),
    ("SKU-3002", "Denim jeans", 2399.0),
    ("SKU-4001", "Notebook A5", 149.25),
    ("SKU-4002", "Gel pen pack", 99.0),
    ("SKU-5001", "Basmati rice 5 kg", 689.0),
    ("SKU-5002", "Olive oil 1 l", 899.75),
)
_FIRST_NAMES = (
    "Aarav",
    "Priya",
    "Rohan",
    "Sara",
    "Kabir",
    "Ananya",
    "Vikram",
    "Isha",
    "Dev",
    "Zoya",
    "Arjun",
    "Neha",
    "Farhan",
    "Tara",
    "Kiran",
    "Maya",
    "Yusuf",
    "Leela",
    "Sam",
    "Noor",
)
_LAST_NAMES = (
    "Iyer",
    "Mehta",
    "Das",
    "Khan",
    "Pillai",
    "Singh",
    "Fernandes",
    "Bose",
    "Nair",
    "Gupta",
    "Joshi",
    "Reddy",
    "Sethi",
    "Menon",
    "Chopra",
    "Varma",
)
_TIERS = ("Bronze", "Silver", "Gold", "Platinum")
JOURNAL_BILL_COUNT = 40

# (status, days before now) of Asha's requests, oldest first.
_ASHA_HISTORY: tuple[tuple[RetroStatus, float], ...] = (
    ("SUCCESS", 180),
    ("FAILURE", 150),
    ("REJECTED", 120),
    ("SUCCESS", 95),
    ("APPROVED", 70),
    ("FAILURE", 50),
    ("REJECTED", 33),
    ("SUCCESS", 20),
    ("APPROVED", 12),
    ("PENDING", 6),
    ("PENDING", 2),
    ("PENDING", 0.25),
)
_REASONS: dict[str, str] = {
    "REJECTED": "Receipt could not be verified",
    "FAILURE": "99106: Transaction is older than the allowed age",
}


def _entities() -> dict[int, OrgEntity]:
    d = DEMO
    entities = (
        OrgEntity(d.concept_id, "demo.concept", "Demo Concept", "CONCEPT"),
        OrgEntity(d.zone_id, "demo.zone", "Demo Zone", "ZONE", d.concept_id),
        OrgEntity(d.store_id, d.store_code, d.store_name, "STORE", d.zone_id),
        OrgEntity(d.till_id, d.till_code, d.till_name, "TILL", d.store_id),
        OrgEntity(
            d.harbour_store_id, d.harbour_store_code, d.harbour_store_name, "STORE", d.zone_id
        ),
        OrgEntity(
            d.harbour_till_id, d.harbour_till_code, d.harbour_till_name, "TILL", d.harbour_store_id
        ),
    )
    return {e.id: e for e in entities}


def _program(
    program_id: int, tier: str, main: float, delayed: float, external: float
) -> ProgramMembership:
    titles = {
        DEMO.default_program_id: DEMO.default_program_title,
        DEMO.coffee_program_id: DEMO.coffee_program_title,
        DEMO.family_program_id: DEMO.family_program_title,
    }
    lifetime = round(main * 1.4 + delayed + external, 3)
    return ProgramMembership(
        program_id, titles[program_id], tier, main, delayed, external, lifetime
    )


def _named(
    person: DemoCustomer,
    registered_at: datetime,
    till: OrgEntity,
    programs: list[ProgramMembership],
) -> Customer:
    identifiers = {
        "mobile": person.mobile,
        "email": person.email,
        "externalId": person.external_id,
        "cardnumber": person.card_number,
    }
    loyalty: Literal["loyalty", "non_loyalty"] = (
        "loyalty" if person.loyalty_type == "loyalty" else "non_loyalty"
    )
    return Customer(
        person.customer_id,
        person.first_name,
        person.last_name,
        identifiers,
        loyalty,
        registered_at,
        till,
        programs,
    )


def _named_customers(now: datetime, till: OrgEntity, harbour: OrgEntity) -> list[Customer]:
    d, days, hours = DEMO, (lambda n: now - timedelta(days=n)), (lambda n: now - timedelta(hours=n))
    p1, p2 = d.default_program_id, d.coffee_program_id
    return [
        _named(
            d.asha,
            days(200),
            till,
            [_program(p1, "Gold", 8500.0, 250.5, 100.0), _program(p2, "Silver", 420.75, 12.5, 0.0)],
        ),
        _named(d.ravi, days(150), till, [_program(p1, "Silver", 1200.0, 40.0, 0.0)]),
        _named(d.meera, days(149), harbour, [_program(p1, "Bronze", 310.25, 0.0, 15.0)]),
        _named(d.nikhil, hours(1), till, [_program(p1, "Bronze", 0.0, 0.0, 0.0)]),
        _named(d.lena, days(90), harbour, []),
        _named(d.bulk, days(1100), till, [_program(p1, "Platinum", 152340.5, 1200.0, 640.25)]),
        _named(d.omar, days(10), till, [_program(p1, "Bronze", 75.0, 0.0, 0.0)]),
        _named(d.aarav, days(60), till, [_program(p1, "Silver", 1840.0, 0.0, 0.0)]),
        _named(d.tara, days(30), harbour, [_program(p1, "Bronze", 215.5, 0.0, 0.0)]),
    ]


# long: the generated population, one table
def _generated_customers(
    rng: random.Random, now: datetime, count: int, tills: list[OrgEntity]
) -> list[Customer]:
    customers: list[Customer] = []
    used_mobiles: set[str] = set()
    for n in range(1, count + 1):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        mobile = f"91{rng.randint(6_000_000_000, 9_799_999_999)}"
        while mobile in used_mobiles:
            mobile = f"91{rng.randint(6_000_000_000, 9_799_999_999)}"
        used_mobiles.add(mobile)
        # Every 40th customer shares the previous one's email: more dual-eligibility pairs.
        email = (
            customers[-1].identifiers["email"]
            if n % 40 == 0 and customers
            else f"{first}.{last}{n}@example.com".lower()
        )
        # A handful registered in the last hours, the rest over the past year.
        age = (
            timedelta(hours=rng.uniform(0.5, 12))
            if n % 48 == 0
            else timedelta(days=rng.uniform(1, 365))
        )
        registered = (now - age).replace(microsecond=0)
        loyal = rng.random() < 0.9
        programs: list[ProgramMembership] = []
        if loyal:
            for program_id, chance in (
                (DEMO.default_program_id, 1.0),
                (DEMO.coffee_program_id, 0.3),
                (DEMO.family_program_id, 0.15),
            ):
                if rng.random() < chance:
                    programs.append(
                        _program(
                            program_id,
                            rng.choice(_TIERS),
                            round(rng.uniform(0, 20000) * 4) / 4,
                            round(rng.uniform(0, 500) * 2) / 2 if rng.random() < 0.5 else 0.0,
                            round(rng.uniform(0, 300), 3) if rng.random() < 0.3 else 0.0,
                        )
                    )
        identifiers = {
            "mobile": mobile,
            "email": email,
            "externalId": f"EXT{1000 + n:04d}",
            "cardnumber": f"CARD{1000 + n:04d}",
        }
        customers.append(
            Customer(
                565040000 + n,
                first,
                last,
                identifiers,
                "loyalty" if loyal else "non_loyalty",
                registered,
                rng.choice(tills),
                programs,
            )
        )
    return customers


class BillMaker:
    def __init__(self, rng: random.Random, first_id: int) -> None:
        self._rng = rng
        self._next_id = first_id

    def make(
        self,
        till: OrgEntity,
        store: OrgEntity,
        billed: datetime,
        number: str,
        *,
        customer_id: int | None = None,
        retro: bool = False,
    ) -> Transaction:
        rng = self._rng
        items = tuple(
            LineItem(code, name, rng.randint(1, 3), price)
            for code, name, price in rng.sample(_CATALOGUE, rng.randint(1, 4))
        )
        gross = round(sum(i.qty * i.rate for i in items), 2)
        discount = round(gross * rng.choice((0, 0, 0.05, 0.1)), 2)
        self._next_id += 1
        return Transaction(
            id=self._next_id - 1,
            type="REGULAR" if customer_id is not None else "NOT_INTERESTED",
            customer_id=customer_id,
            bill_number=number,
            billing_time=billed.replace(microsecond=0),
            amount=round(gross - discount, 2),
            gross_amount=gross,
            discount=discount,
            till=till,
            store=store,
            created_at=billed.replace(microsecond=0) + timedelta(seconds=35),
            line_items=items,
            retro_txn=retro,
        )


def _journal_times(rng: random.Random, now: datetime) -> list[datetime]:
    # Spread over 60 days (so some are too old to claim) plus a few within the last hours, so
    # the recently registered demo customer has bills on both sides of the delay rule.
    recent = [now - timedelta(hours=h) for h in (5, 3, 1.5, 1 / 3)]
    spread = [
        now - timedelta(days=60) + timedelta(seconds=rng.uniform(0, 60 * 86400 - 6 * 3600))
        for _ in range(JOURNAL_BILL_COUNT - len(recent))
    ]
    return sorted(spread + recent)


# long: the demo data set, declared in one place
def build_state(config: SandboxConfig) -> SandboxState:
    now = config.clock().replace(microsecond=0)
    rng = random.Random(config.seed)
    entities = _entities()
    till, store = entities[DEMO.till_id], entities[DEMO.store_id]
    harbour_till, harbour_store = entities[DEMO.harbour_till_id], entities[DEMO.harbour_store_id]

    customers = CustomerDirectory()
    for customer in _named_customers(now, till, harbour_till):
        customers.add(customer)
    generated = _generated_customers(rng, now, config.customer_count, [till, harbour_till])
    for customer in generated:
        customers.add(customer)

    bulk = BulkHistory(
        seed=config.seed,
        customer_id=DEMO.bulk.customer_id,
        till=till,
        store=store,
        newest_at=now - timedelta(days=2),
        count=DEMO.bulk_request_count,
        first_pk=20001,
        first_request_id=13000001,
        first_transaction_id=323500000,
    )
    transactions = TransactionStore(bulk)
    requests = RetroRequestBook(bulk)
    bills = BillMaker(rng, first_id=323400001)

    journal: list[int] = []
    times = _journal_times(rng, now)
    shared_at = min(range(len(times)), key=lambda i: abs(times[i] - (now - timedelta(days=12))))
    for n, billed in enumerate(times):
        number = DEMO.shared_bill_number if n == shared_at else f"D1-{100001 + n:06d}"
        bill = bills.make(till, store, billed, number)
        transactions.add(bill)
        journal.append(bill.id)

    # Their own generator and numbers: the seeded demo data stays the same with or without them.
    extra = BillMaker(random.Random(config.seed ^ 0x5EED), first_id=323600001)
    for n in range(config.extra_bills):
        billed = now - timedelta(hours=2) - timedelta(seconds=n * 60)
        bill = extra.make(till, store, billed, f"S1-{n + 1:06d}")
        transactions.add(bill)
        journal.append(bill.id)

    for n, days_ago in enumerate((1.2, 4.5, 9.0, 16.0, 27.5, 41.0)):
        number = DEMO.shared_bill_number if n == 2 else f"H1-{200001 + n:06d}"
        transactions.add(
            bills.make(harbour_till, harbour_store, now - timedelta(days=days_ago), number)
        )

    for n, member in enumerate(generated[:3]):
        billed = now - timedelta(days=3 + 5 * n)
        transactions.add(
            bills.make(till, store, billed, f"D1-{300001 + n:06d}", customer_id=member.id)
        )

    asha = DEMO.asha.customer_id
    for n, (status, days_ago) in enumerate(_ASHA_HISTORY):
        added = now - timedelta(days=days_ago)
        at_harbour = n == 5
        claimed = status == "SUCCESS"
        bill = bills.make(
            harbour_till if at_harbour else till,
            harbour_store if at_harbour else store,
            added - timedelta(hours=rng.uniform(2, 30)),
            f"{'H1' if at_harbour else 'D1'}-{400001 + n:06d}",
            customer_id=asha if claimed else None,
            retro=claimed,
        )
        transactions.add(bill)
        decided = status != "PENDING"
        requests.add(
            RetroRequest(
                id=38901 + n,
                request_id=13048201 + n,
                status=status,
                customer_id=asha,
                transaction_id=bill.id,
                added_by=bill.till,
                added_by_parent=bill.store,
                updated_by=bill.till,
                added_on=added,
                updated_on=added + timedelta(minutes=42) if decided else added,
                reason=_REASONS.get(status, ""),
                comments="Claimed at the till",
            )
        )

    state = SandboxState(
        config=config,
        seeded_at=now,
        entities=entities,
        customers=customers,
        transactions=transactions,
        retro_requests=requests,
        journal_transaction_ids=journal,
        faults=FaultInjector(
            config.latency_seconds,
            FaultMix(config.fault_rate, config.seed, config.fault_delay_seconds)
            if config.fault_rate > 0
            else None,
        ),
        _rng=random.Random(config.seed + 1),
    )
    waiting = random.Random(config.seed + WAITING_SALT)
    seed_waiting_requests(state, waiting, BillMaker(waiting, first_id=323900001).make)
    return state
