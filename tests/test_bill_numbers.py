"""Bill numbers for the requests list: the outbox, then the journal, then one GET, cached."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from tillui.api.errors import TransactionNotFound, Unavailable
from tillui.claims.bill_numbers import BillNumbers

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class FakeClient:
    def __init__(self, bills: dict[tuple[int, str], str], *, down: bool = False) -> None:
        self.bills = bills
        self.down = down
        self.calls: list[tuple[int, str]] = []

    async def transaction(self, transaction_id: int, type: str = "NOT_INTERESTED"):
        self.calls.append((transaction_id, type))
        if self.down:
            raise Unavailable(None, "down")
        bill = self.bills.get((transaction_id, type))
        if bill is None:
            raise TransactionNotFound(99102, "not of this type")
        return SimpleNamespace(bill_details=SimpleNamespace(bill_number=bill))


async def test_outbox_then_journal_then_one_get_each_then_the_cache(tmp_path) -> None:
    journal = tmp_path / "bills.jsonl"
    record = {
        "transactionId": 2,
        "billNumber": "J-2",
        "billingTime": (NOW - timedelta(days=3)).isoformat(),
        "amount": 10,
    }
    journal.write_text(json.dumps(record) + "\n", encoding="utf-8")
    client = FakeClient({(3, "NOT_INTERESTED"): "G-3", (4, "REGULAR"): "G-4"})
    numbers = BillNumbers(
        client,
        claimed_bill=lambda tid: "O-1" if tid == 1 else None,
        journal=journal,
        now=lambda: NOW,
    )
    wanted = [(1, "PENDING"), (2, "PENDING"), (3, "PENDING"), (4, "APPROVED"), (5, "FAILURE")]
    found = await numbers.resolve(wanted)
    assert found == {1: "O-1", 2: "J-2", 3: "G-3", 4: "G-4"}
    # A pending bill is still NOT_INTERESTED, an approved one REGULAR: one GET each; an unknown
    # transaction is tried as both, once.
    assert sorted(client.calls) == [
        (3, "NOT_INTERESTED"),
        (4, "REGULAR"),
        (5, "NOT_INTERESTED"),
        (5, "REGULAR"),
    ]
    client.calls.clear()
    assert await numbers.resolve(wanted) == found
    assert client.calls == []  # all from the cache, the unknown one too
    assert numbers.known(3) == "G-3" and numbers.known(5) is None


async def test_a_server_that_is_down_is_asked_again_later() -> None:
    client = FakeClient({(7, "NOT_INTERESTED"): "G-7"}, down=True)
    numbers = BillNumbers(client, now=lambda: NOW)
    assert await numbers.resolve([(7, "PENDING")]) == {}
    assert len(client.calls) == 1
    client.down = False
    assert await numbers.resolve([(7, "PENDING")]) == {7: "G-7"}
