from __future__ import annotations

import json
from datetime import datetime, timedelta

from tillui.sandbox import DEMO, write_demo_journal

from .test_sandbox_support import NOW, client, error_code, make_app, state_of

TXN_KEYS = {"id", "type", "customerId", "retroTxn", "billDetails", "attribution", "lineItems"}
BILL_KEYS = {"amount", "grossAmount", "discount", "billNumber", "billingTime", "billingStore"}


async def test_get_by_bill_number_with_a_shared_number():
    app = make_app()
    async with client(app) as http:
        response = await http.get(f"/v2/transactions/getByBillNumber/{DEMO.shared_bill_number}")
        filtered = await http.get(
            f"/v2/transactions/getByBillNumber/{DEMO.shared_bill_number}",
            params={"type": "REGULAR"},
        )
        missing = await http.get("/v2/transactions/getByBillNumber/NO-SUCH-BILL")
    body = response.json()
    assert response.status_code == 200
    assert body["pagination"]["total"] == 2 and body["warnings"] == [] and body["errors"] == []
    stores = set()
    for item in body["data"]:
        assert set(item) == TXN_KEYS
        assert set(item["billDetails"]) == BILL_KEYS
        assert item["type"] == "NOT_INTERESTED" and item["customerId"] is None
        assert item["retroTxn"] is False
        assert item["attribution"]["createdBy"]["type"] == "TILL"
        bill = item["billDetails"]
        assert bill["billingTime"].endswith("+05:30")
        assert bill["amount"] == round(bill["grossAmount"] - bill["discount"], 2)
        assert item["lineItems"]
        stores.add(bill["billingStore"]["name"])
        stored = state_of(app).transactions.get(item["id"])
        assert datetime.fromisoformat(bill["billingTime"]) == stored.billing_time
    assert stores == {"Demo Store", "Harbour Store"}
    assert filtered.json()["data"] == []
    assert missing.json()["data"] == [] and missing.json()["pagination"]["total"] == 0


async def test_billing_time_follows_the_server_offset():
    app = make_app(server_utc_offset="-04:00")
    txn = state_of(app).transactions.get(state_of(app).journal_transaction_ids[0])
    async with client(app) as http:
        body = (
            await http.get(f"/v2/transactions/{txn.id}", params={"type": "NOT_INTERESTED"})
        ).json()
    rendered = body["billDetails"]["billingTime"]
    assert rendered.endswith("-04:00")
    assert datetime.fromisoformat(rendered) == txn.billing_time


async def test_transaction_by_id_and_type():
    app = make_app()
    journal_id = state_of(app).journal_transaction_ids[-1]
    async with client(app) as http:
        found = await http.get(f"/v2/transactions/{journal_id}", params={"type": "NOT_INTERESTED"})
        regular = await http.get(f"/v2/transactions/{journal_id}")
        unknown = await http.get("/v2/transactions/1", params={"type": "NOT_INTERESTED"})
        bad_type = await http.get(f"/v2/transactions/{journal_id}", params={"type": "WEIRD"})
    assert found.status_code == 200 and found.json()["id"] == journal_id
    assert set(found.json()) == TXN_KEYS
    assert error_code(regular) == 99102
    assert unknown.status_code == 404 and error_code(unknown) == 99101
    assert bad_type.status_code == 400 and error_code(bad_type) == 99001


async def test_seeded_claimed_bills_are_regular_retro():
    app = make_app()
    claimed = [t for t in state_of(app).transactions if t.retro_txn]
    assert len(claimed) >= 3
    recent = [t for t in claimed if NOW - t.billing_time < timedelta(days=30)]
    assert recent, "a recent already-claimed bill for receipt searches"
    async with client(app) as http:
        body = (await http.get(f"/v2/transactions/getByBillNumber/{recent[0].bill_number}")).json()
    [item] = body["data"]
    assert item["type"] == "REGULAR" and item["retroTxn"] is True
    assert item["customerId"] == DEMO.asha.customer_id


def _recent_journal_bill(app, customer_id):
    state = state_of(app)
    customer = state.customers.get(customer_id)
    for txn_id in reversed(state.journal_transaction_ids):
        txn = state.transactions.get(txn_id)
        if txn.billing_time > customer.registered_at:
            return txn
    raise AssertionError("no claimable bill")


async def test_direct_retro_put():
    app = make_app()
    state = state_of(app)
    txn = _recent_journal_bill(app, DEMO.asha.customer_id)
    before = state.customers.get(DEMO.asha.customer_id).programs[0].main_points
    body = {
        "oldType": "NOT_INTERESTED",
        "newType": "REGULAR",
        "transactionId": txn.id,
        "customerId": DEMO.asha.customer_id,
        "extendedFields": {},
        "customFields": {},
        "notes": "direct",
    }
    async with client(app) as http:
        created = await http.put("/v2/transactions/retro", json=body)
        again = await http.put("/v2/transactions/retro", json=body)
        wrong_types = await http.put("/v2/transactions/retro", json={**body, "newType": "RETURN"})
        not_json = await http.put("/v2/transactions/retro", content=b"oops")
    assert created.status_code == 201
    assert created.json() == {"createdId": txn.id, "warnings": [], "errors": []}
    assert (txn.type, txn.customer_id, txn.retro_txn) == ("REGULAR", DEMO.asha.customer_id, True)
    after = state.customers.get(DEMO.asha.customer_id).programs[0].main_points
    assert after - before == int(txn.amount)
    assert again.status_code == 409 and error_code(again) == 99104
    assert error_code(wrong_types) == 99103
    assert error_code(not_json) == 99002


def test_demo_journal(tmp_path):
    app = make_app()
    state = state_of(app)
    path = write_demo_journal(tmp_path / "till" / "bills.jsonl", state)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert 35 <= len(rows) <= 45
    times = [datetime.fromisoformat(r["billingTime"]) for r in rows]
    assert all(t.utcoffset() is not None for t in times)
    assert times == sorted(times)
    assert any(NOW - t > timedelta(days=30) for t in times)
    assert any(NOW - t < timedelta(hours=4) for t in times)
    assert min(times) >= NOW - timedelta(days=60)
    assert DEMO.shared_bill_number in {r["billNumber"] for r in rows}
    for row in rows:
        assert set(row) == {"transactionId", "billNumber", "billingTime", "amount", "currency"}
        assert row["currency"] == "INR"
        txn = state.transactions.get(row["transactionId"])
        assert txn.type == "NOT_INTERESTED" and txn.till.id == DEMO.till_id
        assert (txn.bill_number, txn.amount) == (row["billNumber"], row["amount"])
    harbour = [
        t
        for t in state.transactions
        if t.store.id == DEMO.harbour_store_id and t.type == "NOT_INTERESTED"
    ]
    assert len(harbour) >= 3
