from __future__ import annotations

import sqlite3
import stat
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from tillui.claims.outbox import (
    REDACTED,
    ClaimNotFound,
    ClaimsOutbox,
    DuplicateClaim,
    InvalidTransition,
    StaleClaim,
    default_outbox_path,
    redact_credentials,
)

TILL = "50682289"


def body(transaction_id: int = 7648261, customer_id: int = 382553857) -> dict:
    return {
        "entityInfo": {
            "tillId": TILL,
            "storeId": "50682288",
            "zoneId": "50682286",
            "conceptId": "50678331",
        },
        "payload": {
            "IntouchAPITask-Payload": {
                "path": "/v2/transactions/retro",
                "method": "PUT",
                "body": {
                    "oldType": "NOT_INTERESTED",
                    "newType": "REGULAR",
                    "transactionId": transaction_id,
                    "customerId": customer_id,
                    "notes": "walk-in",
                },
                "headers": {
                    "Authorization": "Basic c2VjcmV0OnNlY3JldA==",
                    "content-type": "application/json",
                    "X-CAP-CLIENT-SIGNATURE": "tillui",
                },
            }
        },
    }


@pytest.fixture
def outbox(tmp_path: Path):
    with ClaimsOutbox(tmp_path / "claims.sqlite3") as box:
        yield box


def enqueue(box: ClaimsOutbox, transaction_id: int = 7648261, **overrides):
    fields = {
        "till_id": TILL,
        "customer_id": 382553857,
        "transaction_id": transaction_id,
        "bill_number": f"B-{transaction_id}",
        "amount": Decimal("1249.50"),
        "notes": "walk-in",
        "body": body(transaction_id),
    }
    fields.update(overrides)
    return box.enqueue(**fields)


def test_enqueue_stores_a_queued_claim(outbox):
    claim = enqueue(outbox)
    assert claim.state == "queued"
    assert claim.attempts == 0
    assert claim.amount == Decimal("1249.50")
    assert claim.request_id is None and claim.error is None
    assert claim.created_at.tzinfo is not None
    assert outbox.get(claim.id) == claim
    assert claim.unresolved


def test_the_row_is_on_disk_before_anything_else_happens(tmp_path):
    path = tmp_path / "claims.sqlite3"
    box = ClaimsOutbox(path)
    claim = enqueue(box)
    # A separate connection (another process, or the app after a crash) sees it at once.
    with sqlite3.connect(path) as other:
        row = other.execute(
            "SELECT state, transaction_id FROM claims WHERE id = ?", (claim.id,)
        ).fetchone()
    assert row == ("queued", 7648261)
    box.close()


def test_credentials_never_reach_the_disk(tmp_path):
    path = tmp_path / "claims.sqlite3"
    with ClaimsOutbox(path) as box:
        claim = enqueue(box)
        headers = claim.body["payload"]["IntouchAPITask-Payload"]["headers"]
        assert headers["Authorization"] == REDACTED
        assert headers["X-CAP-CLIENT-SIGNATURE"] == "tillui"
        assert claim.body["payload"]["IntouchAPITask-Payload"]["body"]["transactionId"] == 7648261
    for file in tmp_path.iterdir():
        assert b"c2VjcmV0OnNlY3JldA" not in file.read_bytes()


def test_redaction_is_case_insensitive_and_deep():
    value = {"a": [{"AUTHORIZATION": "x", "X-CAP-UI-AUTH-TOKEN": "jwt", "keep": 1}]}
    assert redact_credentials(value) == {
        "a": [{"AUTHORIZATION": REDACTED, "X-CAP-UI-AUTH-TOKEN": REDACTED, "keep": 1}]
    }
    assert value["a"][0]["AUTHORIZATION"] == "x"  # the caller's dict is left alone


def test_database_file_is_private(tmp_path):
    path = tmp_path / "sub" / "claims.sqlite3"
    ClaimsOutbox(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_full_lifecycle_sent(outbox):
    claim = enqueue(outbox)
    sending = outbox.mark_sending(claim.id)
    assert (sending.state, sending.attempts) == ("sending", 1)
    sent = outbox.mark_sent(
        claim.id, request_id="23e06c3e-a5c3-11ee-9a63-9ab214749657", server_state="AdminTask"
    )
    assert sent.state == "sent"
    assert sent.request_id == "23e06c3e-a5c3-11ee-9a63-9ab214749657"
    assert sent.server_state == "AdminTask"
    assert sent.updated_at >= sent.created_at
    assert not sent.unresolved


def test_unknown_then_resent_then_sent(outbox):
    claim = enqueue(outbox)
    outbox.mark_sending(claim.id)
    unknown = outbox.mark_unknown(claim.id, error="read timeout")
    assert (unknown.state, unknown.error) == ("unknown", "read timeout")
    again = outbox.mark_sending(claim.id)
    assert again.attempts == 2
    sent = outbox.mark_sent(claim.id, request_id="r-1", server_state="PENDING")
    assert sent.error is None


def test_duplicate_claims_are_refused_while_open_or_sent(outbox):
    first = enqueue(outbox)
    for step in (
        lambda: None,
        lambda: outbox.mark_sending(first.id),
        lambda: outbox.mark_unknown(first.id, error="timeout"),
        lambda: outbox.mark_sent(first.id, request_id="r", server_state="PENDING"),
    ):
        step()
        with pytest.raises(DuplicateClaim) as caught:
            enqueue(outbox, customer_id=999)
        assert caught.value.existing.id == first.id
    assert len(outbox.recent()) == 1


def test_a_refused_claim_can_be_made_again(outbox):
    first = enqueue(outbox)
    outbox.mark_sending(first.id)
    outbox.mark_refused(first.id, error="Transaction is too old")
    second = enqueue(outbox)
    assert second.id != first.id
    assert outbox.for_transaction(7648261) == second
    assert outbox.get(first.id).state == "refused"


def test_other_tills_and_transactions_do_not_collide(outbox):
    enqueue(outbox)
    enqueue(outbox, transaction_id=1)
    enqueue(outbox, till_id="other-till")
    assert len(outbox.recent()) == 3


def test_invalid_transitions_are_rejected(outbox):
    claim = enqueue(outbox)
    with pytest.raises(InvalidTransition):
        outbox.mark_unknown(claim.id, error="x")  # never sent: cannot be unknown
    outbox.mark_sending(claim.id)
    outbox.mark_refused(claim.id, error="no")
    with pytest.raises(InvalidTransition):
        outbox.mark_sending(claim.id)
    with pytest.raises(InvalidTransition):
        outbox.mark_sent(claim.id, request_id="r", server_state="PENDING")


def test_a_sent_claim_cannot_be_refused_or_resent(outbox):
    claim = enqueue(outbox)
    outbox.mark_sending(claim.id)
    outbox.mark_sent(claim.id, request_id="r", server_state="PENDING")
    for change in (
        lambda: outbox.mark_refused(claim.id, error="x"),
        lambda: outbox.mark_sending(claim.id),
        lambda: outbox.mark_unknown(claim.id, error="x"),
    ):
        with pytest.raises(InvalidTransition):
            change()
    refreshed = outbox.mark_sent(claim.id, request_id="r", server_state="SUCCESS")
    assert refreshed.server_state == "SUCCESS"


def test_unknown_claim_ids(outbox):
    assert outbox.get("nope") is None
    with pytest.raises(ClaimNotFound):
        outbox.mark_sending("nope")


def test_unresolved_and_recent(outbox):
    queued = enqueue(outbox, transaction_id=1)
    sending = enqueue(outbox, transaction_id=2)
    outbox.mark_sending(sending.id)
    unknown = enqueue(outbox, transaction_id=3)
    outbox.mark_sending(unknown.id)
    outbox.mark_unknown(unknown.id, error="timeout")
    sent = enqueue(outbox, transaction_id=4)
    outbox.mark_sending(sent.id)
    outbox.mark_sent(sent.id, request_id="r", server_state="PENDING")
    refused = enqueue(outbox, transaction_id=5)
    outbox.mark_sending(refused.id)
    outbox.mark_refused(refused.id, error="no")

    assert [c.id for c in outbox.unresolved()] == [queued.id, sending.id, unknown.id]
    assert [c.transaction_id for c in outbox.recent()] == [5, 4, 3, 2, 1]
    assert [c.transaction_id for c in outbox.recent(limit=2)] == [5, 4]


def test_state_survives_a_new_instance_on_the_same_file(tmp_path):
    path = tmp_path / "claims.sqlite3"
    first = ClaimsOutbox(path)
    claim = enqueue(first)
    first.mark_sending(claim.id)
    # No close(): as if the process were killed here.
    second = ClaimsOutbox(path)
    assert [c.id for c in second.unresolved()] == [claim.id]
    assert second.get(claim.id).state == "sending"
    with pytest.raises(DuplicateClaim):
        enqueue(second)
    second.close()
    first.close()


def test_two_instances_cannot_both_enqueue_the_same_transaction(tmp_path):
    path = tmp_path / "claims.sqlite3"
    boxes = [ClaimsOutbox(path) for _ in range(4)]
    results: list[str] = []
    barrier = threading.Barrier(len(boxes))

    def claim(box: ClaimsOutbox) -> None:
        barrier.wait()
        try:
            enqueue(box)
            results.append("ok")
        except DuplicateClaim:
            results.append("duplicate")

    threads = [threading.Thread(target=claim, args=(box,)) for box in boxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["duplicate"] * 3 + ["ok"]
    for box in boxes:
        box.close()


def test_one_instance_is_safe_across_threads(outbox):
    errors: list[BaseException] = []

    def work(start: int) -> None:
        try:
            for tid in range(start, start + 25):
                claim = enqueue(outbox, transaction_id=tid)
                outbox.mark_sending(claim.id)
                outbox.mark_sent(claim.id, request_id=f"r{tid}", server_state="PENDING")
        except Exception as exc:  # noqa: BLE001 surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(outbox.recent(limit=1000)) == 100
    assert outbox.unresolved() == []


def test_default_path_is_per_till_in_the_user_data_dir(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / app))
    assert default_outbox_path(TILL) == tmp_path / "tillui" / f"claims-{TILL}.sqlite3"
    for bad in ("", "..", "a/b", "x\\y"):
        with pytest.raises(ValueError):
            default_outbox_path(bad)


def test_mark_sending_can_require_the_claim_unchanged(outbox):
    claim = enqueue(outbox)
    outbox.mark_sending(claim.id)
    seen = outbox.mark_unknown(claim.id, error="timeout")
    outbox.mark_sending(claim.id, unchanged_since=seen.updated_at)  # we win
    with pytest.raises(StaleClaim):
        outbox.mark_sending(claim.id, unchanged_since=seen.updated_at)  # a second reader loses
    assert outbox.get(claim.id).attempts == 2


def test_a_sent_claim_rejected_later_frees_the_bill(outbox):
    claim = enqueue(outbox)
    outbox.mark_sending(claim.id)
    outbox.mark_sent(claim.id, request_id="r", server_state="PENDING")
    rejected = outbox.mark_rejected(claim.id, server_state="REJECTED", error="no receipt")
    assert rejected.state == "refused" and rejected.server_state == "REJECTED"
    assert enqueue(outbox).state == "queued"
    assert outbox.request_ids() == {"r"}


def test_absent_checks_keep_the_first_and_a_resend_clears_it(tmp_path):
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    outbox = ClaimsOutbox(tmp_path / "c.sqlite3", clock=lambda: now[0])
    claim = enqueue(outbox)
    sending = outbox.mark_sending(claim.id)
    assert sending.posted_at == now[0] and sending.absent_since is None
    outbox.mark_unknown(claim.id, error="timeout")
    now[0] += timedelta(seconds=5)
    first = outbox.mark_absent(claim.id)
    now[0] += timedelta(seconds=5)
    assert (
        outbox.mark_absent(claim.id).absent_since
        == first.absent_since
        == now[0] - timedelta(seconds=5)
    )
    assert outbox.mark_sending(claim.id).absent_since is None


def test_a_check_begun_before_the_last_post_does_not_date_its_absence(tmp_path):
    from datetime import UTC, datetime, timedelta

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    outbox = ClaimsOutbox(tmp_path / "c.sqlite3", clock=lambda: now[0])
    claim = enqueue(outbox)
    check_began = now[0]
    now[0] += timedelta(seconds=1)
    outbox.mark_sending(claim.id)
    outbox.mark_unknown(claim.id, error="timeout")
    assert outbox.mark_absent(claim.id, seen_at=check_began).absent_since is None
    assert outbox.mark_absent(claim.id, seen_at=now[0]).absent_since == now[0]


def test_a_turned_away_resend_is_not_counted_as_an_attempt(tmp_path):
    outbox = ClaimsOutbox(tmp_path / "c.sqlite3")
    claim = enqueue(outbox)
    outbox.mark_sending(claim.id)
    outbox.mark_unknown(claim.id, error="timeout")
    assert outbox.mark_sending(claim.id).attempts == 2
    turned_away = outbox.mark_turned_away(claim.id, error="Too many requests")
    assert (turned_away.state, turned_away.attempts) == ("unknown", 1)


def test_a_version_1_outbox_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE claims (id TEXT PRIMARY KEY, till_id TEXT NOT NULL,
        customer_id INTEGER NOT NULL, transaction_id INTEGER NOT NULL, bill_number TEXT NOT NULL,
        amount TEXT NOT NULL, notes TEXT NOT NULL, body_json TEXT NOT NULL, state TEXT NOT NULL,
        request_id TEXT, server_state TEXT, error TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
        INSERT INTO claims VALUES ('a', 't', 1, 2, 'B', '1', '', '{}', 'unknown', NULL, NULL,
        NULL, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1);
        PRAGMA user_version = 1;"""
    )
    old.close()
    with ClaimsOutbox(path) as outbox:
        (claim,) = outbox.unresolved()
        assert claim.posted_at is None and claim.absent_since is None
