"""The demo till's recent-bills journal (format: README "The recent-bills journal")."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .demo import DEMO
from .state import SandboxState
from .timefmt import iso_in_zone


def journal_lines(state: SandboxState) -> list[str]:
    """One JSON object per bill, oldest first, as the demo till's POS appended them.

    Every bill the POS logged stays in its journal, even once claimed later; the app confirms
    each candidate with the API before offering it.
    """
    zone = state.config.server_timezone
    lines = []
    for transaction_id in state.journal_transaction_ids:
        txn = state.transactions.get(transaction_id)
        if txn is None:
            continue
        lines.append(
            json.dumps(
                {
                    "transactionId": txn.id,
                    "billNumber": txn.bill_number,
                    "billingTime": iso_in_zone(txn.billing_time, zone),
                    "amount": txn.amount,
                    "currency": DEMO.currency,
                }
            )
        )
    return lines


def write_demo_journal(path: str | os.PathLike[str], state: SandboxState) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(line + "\n" for line in journal_lines(state)), encoding="utf-8")
    return target
