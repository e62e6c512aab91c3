"""Reader of the till's recent-bills journal: the non-member bills a cashier may claim.

No Intouch endpoint lists a till's NOT_INTERESTED bills, so the till's POS keeps a journal.

Format
------
A UTF-8 text file of JSON lines (one JSON object per line, `\\n` or `\\r\\n` line ends). The POS
appends one line per NOT_INTERESTED bill, in the order the bills are billed, and never rewrites
earlier lines. Its path is the till setting `bills_journal`.

    {"transactionId": 7648261, "billNumber": "B-000123", "billingTime": "2025-11-23T10:42:05+05:30", "amount": 1249.50, "currency": "INR"}

| key           | required | type                         | meaning                                   |
| ------------- | -------- | ---------------------------- | ----------------------------------------- |
| transactionId | yes      | positive integer             | Intouch transaction ID of the bill        |
| billNumber    | yes      | non-empty string             | bill (receipt) number as printed          |
| billingTime   | yes      | ISO-8601 date-time WITH a UTC offset (`Z` or `+05:30`) | when it was billed |
| amount        | yes      | JSON number                  | bill amount (read exactly, as a decimal)  |
| currency      | no       | string or null               | ISO currency code, e.g. "INR"             |

Other keys are ignored, so the POS may add its own. Blank lines are ignored. When a
transactionId appears on more than one line, the line written last wins (a POS corrects a bill
by appending it again). A bad line is reported and skipped; it never stops the till.

Reading
-------
The journal is read backwards from its end in blocks and reading stops as soon as enough bills
are found or the bills get older than the window asked for, so a journal of millions of lines
costs the same as a short one. Because of that, line numbers in problems and in
`JournalBill.line_no` are counted **from the end of the file**: line 1 is the last line
(`tail -n 17 journal.jsonl | head -n 1` shows "line 17 from the end"). Counting from the start
would mean reading the whole file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

BLOCK_SIZE = 64 * 1024
MAX_LINE_BYTES = 1024 * 1024
# Lines are appended in billing order, but a POS that writes a bill a little late (after a
# network hiccup) leaves a few lines out of order: only a run of old lines ends the scan.
OLDER_RUN_TO_STOP = 20
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class JournalBill:
    """One non-member bill from the journal."""

    transaction_id: int
    bill_number: str
    billing_time: datetime
    amount: Decimal
    currency: str | None
    line_no: int
    """Line number counted from the end of the file (1 = last line)."""


@dataclass(frozen=True, slots=True)
class JournalRead:
    """The bills found, newest first, and what was wrong with the lines that were skipped."""

    bills: list[JournalBill] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _BadLine(Exception):
    """A journal line that cannot be used; the message says why, in a few words."""


def read_recent_bills(path: Path, *, since: datetime, max_bills: int = 200) -> JournalRead:
    """Bills billed at or after `since` (at most `max_bills`), newest first, plus problems."""
    if since.tzinfo is None or since.utcoffset() is None:
        raise ValueError("since must be timezone-aware")
    if max_bills < 1:
        raise ValueError("max_bills must be at least 1")
    try:
        with open(path, "rb") as journal:
            return _scan(journal, since=since, max_bills=max_bills)
    except FileNotFoundError:
        return JournalRead(problems=[f"journal not found: {path}"])
    except IsADirectoryError:
        return JournalRead(problems=[f"journal cannot be read: {path} is a folder, not a file"])
    except OSError as exc:
        return JournalRead(problems=[f"journal cannot be read: {path} ({exc.strerror or exc})"])


def _scan(journal: BinaryIO, *, since: datetime, max_bills: int) -> JournalRead:
    bills: list[JournalBill] = []
    problems: list[str] = []
    seen: set[int] = set()
    older_run = 0
    for line_no, raw in enumerate(_lines_backwards(journal), start=1):
        if raw is None:
            problems.append(
                f"line {line_no} from the end: longer than {MAX_LINE_BYTES // 1024} KiB, "
                "reading stopped there"
            )
            break
        if not raw.strip():
            continue
        try:
            bill = _parse_line(raw, line_no)
        except _BadLine as bad:
            problems.append(f"line {line_no} from the end: {bad}")
            if len(problems) >= MAX_PROBLEMS:
                problems.append(f"stopped reading after {MAX_PROBLEMS} bad lines")
                break
            continue
        if bill.transaction_id in seen:
            continue
        seen.add(bill.transaction_id)
        if bill.billing_time < since:
            older_run += 1
            if older_run >= OLDER_RUN_TO_STOP:
                break
            continue
        older_run = 0
        bills.append(bill)
        if len(bills) >= max_bills:
            break
    # Stable sort: bills with the same time keep file order (the later line first).
    bills.sort(key=lambda b: b.billing_time, reverse=True)
    return JournalRead(bills=bills, problems=problems)


def _lines_backwards(journal: BinaryIO) -> Iterator[bytes | None]:
    """The file's lines, last first, without their line ends; None for an over-long line.

    Text after the final newline (a line the POS is still writing) counts as the last line.
    """
    position = journal.seek(0, os.SEEK_END)
    carry = b""  # the start of a line whose beginning is in an earlier block
    at_end = True
    while position > 0:
        size = min(BLOCK_SIZE, position)
        position -= size
        journal.seek(position)
        pieces = (journal.read(size) + carry).split(b"\n")
        carry = pieces[0]
        complete = pieces[1:]
        if at_end and complete:
            at_end = False
            if not complete[-1]:  # the file ends with a newline: nothing after it
                complete.pop()
        yield from reversed(complete)
        if len(carry) > MAX_LINE_BYTES:
            yield None
            return
    if carry:
        yield carry


def _parse_line(raw: bytes, line_no: int) -> JournalBill:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadLine("not valid UTF-8") from None
    try:
        record = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except ValueError:
        raise _BadLine("not valid JSON") from None
    if not isinstance(record, dict):
        raise _BadLine("not a JSON object")
    return JournalBill(
        transaction_id=_transaction_id(record),
        bill_number=_bill_number(record),
        billing_time=_billing_time(record),
        amount=_amount(record),
        currency=_currency(record),
        line_no=line_no,
    )


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number")


def _required(record: dict[str, object], key: str) -> object:
    if key not in record or record[key] is None:
        raise _BadLine(f"{key} is missing")
    return record[key]


def _transaction_id(record: dict[str, object]) -> int:
    value = _required(record, "transactionId")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _BadLine("transactionId must be a positive whole number")
    return value


def _bill_number(record: dict[str, object]) -> str:
    value = _required(record, "billNumber")
    if not isinstance(value, str) or not value.strip():
        raise _BadLine("billNumber must be a non-empty string")
    return value.strip()


def _billing_time(record: dict[str, object]) -> datetime:
    value = _required(record, "billingTime")
    if not isinstance(value, str):
        raise _BadLine("billingTime must be a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadLine("billingTime is not an ISO-8601 date-time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _BadLine("billingTime has no UTC offset")
    return moment


def _amount(record: dict[str, object]) -> Decimal:
    value = _required(record, "amount")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _BadLine("amount must be a number")
    return Decimal(value)


def _currency(record: dict[str, object]) -> str | None:
    value = record.get("currency")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadLine("currency must be a string")
    return value.strip() or None
