from __future__ import annotations

import builtins
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from tillui.claims import journal as bills_journal
from tillui.claims.journal import read_recent_bills

IST = timezone(timedelta(hours=5, minutes=30))
START = datetime(2025, 11, 1, 8, 0, tzinfo=UTC)


def line(
    tid: int,
    when: datetime,
    *,
    amount: object = "12.50",
    bill: str | None = None,
    currency: str | None = "INR",
) -> str:
    record: dict[str, object] = {
        "transactionId": tid,
        "billNumber": bill or f"B-{tid}",
        "billingTime": when.isoformat(),
        "amount": amount,
    }
    if currency is not None:
        record["currency"] = currency
    # Amounts are written as JSON numbers, exactly as given.
    return json.dumps(record).replace(f'"amount": "{amount}"', f'"amount": {amount}')


def raw(**fields: object) -> str:
    return json.dumps(fields)  # NaN is written as the bare word NaN, as a careless POS might


def write(path: Path, lines: list[str], *, final_newline: bool = True) -> Path:
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""), encoding="utf-8")
    return path


def test_reads_bills_newest_first_with_exact_amounts(tmp_path):
    journal = write(
        tmp_path / "bills.jsonl",
        [
            line(1, START, amount="10.10"),
            line(2, START + timedelta(minutes=5), amount="1249.50", currency=None),
            line(3, START + timedelta(minutes=9), amount="7"),
        ],
    )
    result = read_recent_bills(journal, since=START - timedelta(days=1))
    assert result.problems == []
    assert [b.transaction_id for b in result.bills] == [3, 2, 1]
    newest, middle, oldest = result.bills
    assert newest.amount == Decimal(7)
    assert middle.amount == Decimal("1249.50")
    assert oldest.amount == Decimal("10.10")
    assert middle.currency is None and oldest.currency == "INR"
    assert newest.bill_number == "B-3"
    assert newest.billing_time == START + timedelta(minutes=9)
    assert [b.line_no for b in result.bills] == [1, 2, 3]


def test_offsets_are_kept_and_ordering_is_by_instant(tmp_path):
    # 13:00+05:30 is 07:30Z, earlier than the 08:00Z line written before it.
    journal = write(
        tmp_path / "bills.jsonl",
        [
            line(1, START),
            line(2, datetime(2025, 11, 1, 13, 0, tzinfo=IST)),
        ],
    )
    bills = read_recent_bills(journal, since=START - timedelta(hours=2)).bills
    assert [b.transaction_id for b in bills] == [1, 2]
    assert bills[1].billing_time.utcoffset() == timedelta(hours=5, minutes=30)


def test_since_and_max_bills_bound_the_result(tmp_path):
    journal = write(
        tmp_path / "bills.jsonl", [line(i, START + timedelta(minutes=i)) for i in range(1, 101)]
    )
    recent = read_recent_bills(journal, since=START + timedelta(minutes=91))
    assert [b.transaction_id for b in recent.bills] == list(range(100, 90, -1))
    capped = read_recent_bills(journal, since=START, max_bills=3)
    assert [b.transaction_id for b in capped.bills] == [100, 99, 98]


def test_a_few_late_lines_do_not_end_the_scan(tmp_path):
    lines = [line(i, START + timedelta(minutes=i)) for i in range(1, 11)]
    lines.append(line(99, START - timedelta(days=5)))  # an old bill written late
    lines.append(line(11, START + timedelta(minutes=11)))
    journal = write(tmp_path / "bills.jsonl", lines)
    bills = read_recent_bills(journal, since=START).bills
    assert [b.transaction_id for b in bills] == list(range(11, 0, -1))


def test_bad_lines_are_reported_and_skipped(tmp_path):
    good = line(1, START)
    at = "2025-11-01T08:00:00Z"
    journal = write(
        tmp_path / "bills.jsonl",
        [
            good,
            raw(transactionId=2, billNumber="B-2", billingTime="2025-11-01T08:00:00", amount=1),
            "{not json",
            "[1, 2]",
            raw(billNumber="B-4", billingTime=at, amount=1),
            raw(transactionId="5", billNumber="B-5", billingTime=at, amount=1),
            raw(transactionId=6, billNumber="", billingTime=at, amount=1),
            raw(transactionId=7, billNumber="B-7", billingTime="yesterday", amount=1),
            raw(transactionId=8, billNumber="B-8", billingTime=at, amount="1.00"),
            raw(transactionId=9, billNumber="B-9", billingTime=at, amount=float("nan")),
            raw(transactionId=10, billNumber="B-10", billingTime=at, amount=1, currency=356),
            "",
            raw(transactionId=True, billNumber="B-11", billingTime=at, amount=1),
        ],
    )
    journal.write_bytes(journal.read_bytes() + b"\xff\xfe garbage\n")
    result = read_recent_bills(journal, since=START - timedelta(days=1))
    assert [b.transaction_id for b in result.bills] == [1]
    assert result.bills[0].line_no == 14
    assert result.problems == [
        "line 1 from the end: not valid UTF-8",
        "line 2 from the end: transactionId must be a positive whole number",
        "line 4 from the end: currency must be a string",
        "line 5 from the end: not valid JSON",
        "line 6 from the end: amount must be a number",
        "line 7 from the end: billingTime is not an ISO-8601 date-time",
        "line 8 from the end: billNumber must be a non-empty string",
        "line 9 from the end: transactionId must be a positive whole number",
        "line 10 from the end: transactionId is missing",
        "line 11 from the end: not a JSON object",
        "line 12 from the end: not valid JSON",
        "line 13 from the end: billingTime has no UTC offset",
    ]


def test_duplicate_transaction_keeps_the_line_written_last(tmp_path):
    journal = write(
        tmp_path / "bills.jsonl",
        [
            line(1, START, amount="10.00"),
            line(2, START + timedelta(minutes=1)),
            line(1, START, amount="12.00", bill="B-1-corrected"),
        ],
    )
    bills = read_recent_bills(journal, since=START).bills
    assert [(b.transaction_id, b.bill_number, b.amount) for b in bills] == [
        (2, "B-2", Decimal("12.50")),
        (1, "B-1-corrected", Decimal("12.00")),
    ]


def test_unterminated_last_line_and_crlf_line_ends(tmp_path):
    journal = tmp_path / "bills.jsonl"
    journal.write_bytes((line(1, START) + "\r\n" + line(2, START + timedelta(minutes=1))).encode())
    result = read_recent_bills(journal, since=START)
    assert result.problems == []
    assert [(b.transaction_id, b.line_no) for b in result.bills] == [(2, 1), (1, 2)]


def test_half_written_last_line_is_a_problem_not_a_crash(tmp_path):
    journal = tmp_path / "bills.jsonl"
    journal.write_text(line(1, START) + "\n" + '{"transactionId": 2, "billNum', encoding="utf-8")
    result = read_recent_bills(journal, since=START)
    assert [b.transaction_id for b in result.bills] == [1]
    assert result.problems == ["line 1 from the end: not valid JSON"]


def test_lines_longer_than_a_block_are_joined(tmp_path, monkeypatch):
    monkeypatch.setattr(bills_journal, "BLOCK_SIZE", 16)
    journal = write(
        tmp_path / "bills.jsonl", [line(i, START + timedelta(minutes=i)) for i in range(1, 6)]
    )
    result = read_recent_bills(journal, since=START)
    assert result.problems == []
    assert [b.transaction_id for b in result.bills] == [5, 4, 3, 2, 1]


def test_missing_file_is_reported(tmp_path):
    missing = tmp_path / "nope.jsonl"
    result = read_recent_bills(missing, since=START)
    assert result.bills == []
    assert result.problems == [f"journal not found: {missing}"]


def test_a_directory_is_reported_not_raised(tmp_path):
    result = read_recent_bills(tmp_path, since=START)
    assert result.bills == []
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"journal cannot be read: {tmp_path}")


def test_empty_file(tmp_path):
    journal = tmp_path / "bills.jsonl"
    journal.write_bytes(b"")
    assert read_recent_bills(journal, since=START) == bills_journal.JournalRead()


def test_a_flood_of_bad_lines_stops_the_scan(tmp_path):
    journal = write(tmp_path / "bills.jsonl", ["garbage"] * 500)
    problems = read_recent_bills(journal, since=START).problems
    assert len(problems) == bills_journal.MAX_PROBLEMS + 1
    assert problems[-1] == f"stopped reading after {bills_journal.MAX_PROBLEMS} bad lines"


def test_naive_since_and_bad_max_bills_are_rejected(tmp_path):
    with pytest.raises(ValueError):
        read_recent_bills(tmp_path / "x", since=datetime(2025, 1, 1))
    with pytest.raises(ValueError):
        read_recent_bills(tmp_path / "x", since=START, max_bills=0)


def test_a_million_line_journal_is_not_read_whole(tmp_path, monkeypatch):
    total = 1_000_000
    recent_count = 200
    journal = tmp_path / "big.jsonl"
    template = (
        '{"transactionId": %d, "billNumber": "B-%d", '
        '"billingTime": "%s", "amount": 12.50, "currency": "INR"}\n'
    )
    # A year-old history (a block of 1,000 lines repeated, which is quick to write), then one
    # bill a minute for the last 200 minutes.
    first = datetime(2024, 1, 1, tzinfo=UTC)
    old_block = "".join(
        template % (i, i, (first + timedelta(minutes=i)).isoformat()) for i in range(1, 1001)
    ).encode()
    recent_start = first + timedelta(days=365)
    recent = "".join(
        template % (i, i, (recent_start + timedelta(minutes=i)).isoformat())
        for i in range(total - recent_count + 1, total + 1)
    ).encode()
    with journal.open("wb") as out:
        full_blocks, extra_lines = divmod(total - recent_count, 1000)
        for _ in range(full_blocks):
            out.write(old_block)
        out.write(b"".join(old_block.splitlines(keepends=True)[:extra_lines]))
        out.write(recent)
    with journal.open("rb") as check:
        assert sum(chunk.count(b"\n") for chunk in iter(lambda: check.read(1 << 22), b"")) == total
    size = journal.stat().st_size
    assert size > 90_000_000

    bytes_read = 0

    class CountingFile:
        def __init__(self, raw):
            self._raw = raw

        def read(self, n=-1):
            nonlocal bytes_read
            data = self._raw.read(n)
            bytes_read += len(data)
            return data

        def seek(self, *args):
            return self._raw.seek(*args)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._raw.close()

    def counting_open(*args, **kwargs):
        return CountingFile(builtins.open(*args, **kwargs))

    monkeypatch.setattr(bills_journal, "open", counting_open, raising=False)
    last = recent_start + timedelta(minutes=total)
    result = read_recent_bills(journal, since=last - timedelta(minutes=59))
    assert [b.transaction_id for b in result.bills][:3] == [total, total - 1, total - 2]
    assert len(result.bills) == 60
    assert bytes_read <= 2 * bills_journal.BLOCK_SIZE

    bytes_read = 0
    capped = read_recent_bills(journal, since=first, max_bills=150)
    assert len(capped.bills) == 150
    assert bytes_read <= 2 * bills_journal.BLOCK_SIZE

    bytes_read = 0
    window = read_recent_bills(journal, since=recent_start, max_bills=10_000)
    assert len(window.bills) == recent_count
    assert bytes_read <= 2 * bills_journal.BLOCK_SIZE
