"""Every request the sandbox received, as the network saw it: the witness that counts POSTs.

Tests that promise "exactly once" count claim POSTs here (or with a counting transport), not
in the sandbox's stored requests: a stored request is what the server kept, a logged POST is
what the till sent.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

CLAIM_PATH = "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"


@dataclass(slots=True)
class LoggedRequest:
    method: str
    path: str
    fault: str | None = None
    transaction_id: int | None = None
    """The claimed transaction, for a claim POST whose body could be read."""

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "fault": self.fault,
            "transactionId": self.transaction_id,
        }


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[LoggedRequest] = []

    def record(self, method: str, path: str, body: bytes) -> LoggedRequest:
        entry = LoggedRequest(method.upper(), path, transaction_id=_claimed(method, path, body))
        self.entries.append(entry)
        return entry

    def claim_posts(self) -> Counter[int]:
        """Claim POSTs received per transaction ID."""
        return Counter(
            e.transaction_id
            for e in self.entries
            if e.method == "POST" and e.path == CLAIM_PATH and e.transaction_id is not None
        )

    def clear(self) -> None:
        self.entries.clear()


def _claimed(method: str, path: str, body: bytes) -> int | None:
    if method.upper() != "POST" or path != CLAIM_PATH:
        return None
    try:
        decoded = json.loads(body)
        value = decoded["payload"]["IntouchAPITask-Payload"]["body"]["transactionId"]
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
