"""The claims outbox: a durable, per-till journal of retro claims (SQLite).

A claim is committed here BEFORE its POST is sent and updated with the server's answer, so a
crash, a kill or a dropped connection neither loses it nor lets it be sent twice
(`tillui.claims.service` reconciles claims whose answer never came).

States::

    queued --> sending --> sent        the server answered with a request ID
                       \\-> refused     the server said no (or it was never sent); may be redone
                       \\-> unknown     no answer: the server may or may not have it
    unknown --> sending (resent after reconciling) | sent (found server-side) | refused
    sent    --> refused     a later check found the request REJECTED or FAILURE: may be redone

`posted_at` is when the claim last left (marked `sending`); `absent_since` when a complete
check after that POST first found no request for it (the service resends an `unknown` claim
only after a quiet period and a second such check, see tillui.claims.service).

At most one claim per transaction and till is live (any state but `refused`); a partial unique
index enforces it even across processes. Credentials in the request body (the Authorization
header of the executed task) are never written to disk: they are replaced by "[redacted]" and
the service rebuilds the request from the current secrets when it resends.

Safe to call from worker threads: one connection, guarded by a lock; every write is its own
immediate transaction with `synchronous=FULL`, so a committed row survives a power cut.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Self, get_args

ClaimState = Literal["queued", "sending", "sent", "refused", "unknown"]
CLAIM_STATES: tuple[ClaimState, ...] = get_args(ClaimState)
UNRESOLVED_STATES: tuple[ClaimState, ...] = ("queued", "sending", "unknown")
REDACTED = "[redacted]"
_SECRET_KEYS = frozenset({"authorization", "x-cap-ui-auth-token", "x-cap-api-oauth-token"})

_TRANSITIONS: dict[ClaimState, frozenset[ClaimState]] = {
    "queued": frozenset({"sending", "sent", "refused"}),
    "sending": frozenset({"sending", "sent", "refused", "unknown"}),
    "unknown": frozenset({"sending", "sent", "refused", "unknown"}),
    "sent": frozenset({"sent"}),  # a later check may refresh it (or reject it: mark_rejected)
    "refused": frozenset(),
}

_SCHEMA_VERSION = 2
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS claims (
    id             TEXT PRIMARY KEY,
    till_id        TEXT NOT NULL,
    customer_id    INTEGER NOT NULL,
    transaction_id INTEGER NOT NULL,
    bill_number    TEXT NOT NULL,
    amount         TEXT NOT NULL,
    notes          TEXT NOT NULL,
    body_json      TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ({", ".join(repr(s) for s in CLAIM_STATES)})),
    request_id     TEXT,
    server_state   TEXT,
    error          TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    posted_at      TEXT,
    absent_since   TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS claims_one_live_per_transaction
    ON claims (till_id, transaction_id) WHERE state <> 'refused';
CREATE INDEX IF NOT EXISTS claims_by_state ON claims (state);
CREATE INDEX IF NOT EXISTS claims_by_created ON claims (created_at);
"""
_MIGRATIONS = {
    # version before -> statements that bring it to the next version
    1: (
        "ALTER TABLE claims ADD COLUMN posted_at TEXT",
        "ALTER TABLE claims ADD COLUMN absent_since TEXT",
    ),
}
_COLUMNS = (
    "id, till_id, customer_id, transaction_id, bill_number, amount, notes, body_json, state, "
    "request_id, server_state, error, created_at, updated_at, attempts, posted_at, absent_since"
)


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One claim as stored in the outbox."""

    id: str
    till_id: str
    customer_id: int
    transaction_id: int
    bill_number: str
    amount: Decimal
    notes: str
    body_json: str
    state: ClaimState
    request_id: str | None
    server_state: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    attempts: int
    posted_at: datetime | None = None
    absent_since: datetime | None = None

    @property
    def body(self) -> dict[str, Any]:
        """The request body as sent, credentials redacted."""
        body: dict[str, Any] = json.loads(self.body_json)
        return body

    @property
    def unresolved(self) -> bool:
        return self.state in UNRESOLVED_STATES


class OutboxError(Exception):
    """Base of the outbox's own errors."""


class DuplicateClaim(OutboxError):
    """The transaction already has a live (open or sent) claim at this till."""

    def __init__(self, existing: ClaimRecord) -> None:
        super().__init__(
            f"transaction {existing.transaction_id} already has a claim in state {existing.state}"
        )
        self.existing = existing


class ClaimNotFound(OutboxError, LookupError):
    """No claim with that ID."""


class InvalidTransition(OutboxError):
    """The claim's current state does not allow that change (e.g. a sent claim refused)."""


class StaleClaim(OutboxError):
    """The claim changed since the caller read it (another task or process is handling it)."""


def default_outbox_path(till_id: str) -> Path:
    """`<user data dir>/claims-<till_id>.sqlite3`; till IDs are Intouch entity IDs."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", till_id) or till_id.strip(".") == "":
        raise ValueError(f"till ID cannot name a file: {till_id!r}")
    import platformdirs  # imported on first use: it costs start-up time

    return Path(platformdirs.user_data_dir("tillui")) / f"claims-{till_id}.sqlite3"


def redact_credentials(value: Any) -> Any:
    """A deep copy of `value` with every credential header value replaced by "[redacted]"."""
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and key.lower() in _SECRET_KEYS
            else redact_credentials(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_credentials(item) for item in value]
    return value


class ClaimsOutbox:
    """The per-till claims journal. All methods are synchronous and thread-safe."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        """`clock` returns the current time, tz-aware (tests inject one; default: real UTC)."""
        self.path = path
        self._clock = clock or _utc_now
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Customer IDs live here: readable by the till's user only (WAL files inherit it).
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()

    def _migrate(self) -> None:
        # One process at a time (BEGIN IMMEDIATE), the version read again inside.
        with self._lock, self._transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            else:
                for step in range(version, _SCHEMA_VERSION):
                    for statement in _MIGRATIONS[step]:
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    def _now(self) -> str:
        return _stamp(self._clock())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def enqueue(
        self,
        *,
        till_id: str,
        customer_id: int,
        transaction_id: int,
        bill_number: str,
        amount: Decimal | float | str,
        notes: str,
        body: dict[str, Any],
    ) -> ClaimRecord:
        """Store a new claim as `queued`; DuplicateClaim if the transaction has a live one."""
        now = self._now()
        claim_id = str(uuid.uuid4())
        amount_text = str(Decimal(str(amount)))
        body_json = json.dumps(redact_credentials(body), separators=(",", ":"), default=str)
        with self._lock, self._transaction():
            existing = self._live_for_transaction(till_id, transaction_id)
            if existing is not None:
                raise DuplicateClaim(existing)
            self._db.execute(
                f"INSERT INTO claims ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",  # noqa: S608 - constant columns
                (
                    claim_id,
                    till_id,
                    customer_id,
                    transaction_id,
                    bill_number,
                    amount_text,
                    notes,
                    body_json,
                    "queued",
                    None,
                    None,
                    None,
                    now,
                    now,
                    0,
                    None,
                    None,
                ),
            )
            return self._require(claim_id)

    def mark_sending(
        self, claim_id: str, *, unchanged_since: datetime | None = None
    ) -> ClaimRecord:
        """About to POST (again): counts an attempt.

        With `unchanged_since` (the `updated_at` the caller read), StaleClaim if the claim
        changed since: of two processes deciding to resend the same claim, only one may.
        """
        return self._move(
            claim_id,
            "sending",
            attempts_increment=1,
            unchanged_since=unchanged_since,
            posted_at=self._now(),
            absent_since=None,
        )

    def mark_sent(self, claim_id: str, *, request_id: str, server_state: str) -> ClaimRecord:
        return self._move(
            claim_id, "sent", request_id=request_id, server_state=server_state, error=None
        )

    def mark_refused(
        self, claim_id: str, *, error: str, unchanged_since: datetime | None = None
    ) -> ClaimRecord:
        return self._move(claim_id, "refused", error=error, unchanged_since=unchanged_since)

    def mark_unknown(
        self, claim_id: str, *, error: str, unchanged_since: datetime | None = None
    ) -> ClaimRecord:
        """The outcome is not known (timeout, dropped connection, process killed)."""
        return self._move(claim_id, "unknown", error=error, unchanged_since=unchanged_since)

    def mark_rejected(self, claim_id: str, *, server_state: str, error: str) -> ClaimRecord:
        """A sent claim the server later rejected (or failed): the bill may be claimed again."""
        return self._move(
            claim_id, "refused", also_from=("sent",), server_state=server_state, error=error
        )

    def mark_turned_away(self, claim_id: str, *, error: str) -> ClaimRecord:
        """A resend the server turned away before acting on it (429): unknown again, and the
        attempt not counted (nothing was made, so it cannot have doubled anything)."""
        return self._move(claim_id, "unknown", error=error, attempts_increment=-1)

    def mark_absent(self, claim_id: str, *, seen_at: datetime | None = None) -> ClaimRecord:
        """A complete check found no request for this unresolved claim. Keeps the time of the
        first such check since the claim last left (`seen_at`: when the check began reading,
        default now); changes nothing else (not `updated_at`)."""
        moment = self._now() if seen_at is None else _stamp(seen_at)
        with self._lock, self._transaction():
            self._db.execute(
                # A check begun before the claim's last POST says nothing about that POST.
                "UPDATE claims SET absent_since = COALESCE(absent_since, ?) "
                "WHERE id = ? AND state IN ('queued', 'sending', 'unknown') "
                "AND (posted_at IS NULL OR posted_at <= ?)",
                (moment, str(claim_id), moment),
            )
            return self._require(str(claim_id))

    def request_ids(self) -> set[str]:
        """Every server request ID a claim here was settled with (any state)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT request_id FROM claims WHERE request_id IS NOT NULL"
            ).fetchall()
        return {str(row[0]) for row in rows}

    def unresolved(self) -> list[ClaimRecord]:
        """Claims still queued, sending or unknown, oldest first."""
        placeholders = ",".join("?" * len(UNRESOLVED_STATES))
        return self._select(
            f"WHERE state IN ({placeholders}) ORDER BY created_at, rowid", UNRESOLVED_STATES
        )

    def recent(self, limit: int = 50) -> list[ClaimRecord]:
        """The latest claims in any state, newest first."""
        return self._select("ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,))

    def get(self, claim_id: str) -> ClaimRecord | None:
        rows = self._select("WHERE id = ?", (str(claim_id),))
        return rows[0] if rows else None

    def for_transaction(
        self, transaction_id: int, *, till_id: str | None = None
    ) -> ClaimRecord | None:
        """The live (not refused) claim of a transaction, if any."""
        if till_id is None:
            rows = self._select(
                "WHERE transaction_id = ? AND state <> 'refused'", (transaction_id,)
            )
            return rows[0] if rows else None
        with self._lock:
            return self._live_for_transaction(till_id, transaction_id)

    # -- internals -----------------------------------------------------------------------

    def _transaction(self) -> _ImmediateTransaction:
        return _ImmediateTransaction(self._db)

    def _move(
        self,
        claim_id: str,
        state: ClaimState,
        *,
        attempts_increment: int = 0,
        unchanged_since: datetime | None = None,
        also_from: tuple[ClaimState, ...] = (),
        **fields: str | None,
    ) -> ClaimRecord:
        claim_id = str(claim_id)
        with self._lock, self._transaction():
            current = self._require(claim_id)
            if unchanged_since is not None and current.updated_at != unchanged_since:
                raise StaleClaim(f"claim {claim_id} changed since it was read")
            if state not in _TRANSITIONS[current.state] and current.state not in also_from:
                raise InvalidTransition(
                    f"claim {claim_id} is {current.state}; it cannot become {state}"
                )
            assignments = "".join(f", {name} = ?" for name in fields)
            self._db.execute(
                f"UPDATE claims SET state = ?, updated_at = ?, attempts = attempts + ?"  # noqa: S608 - field names from code
                f"{assignments} WHERE id = ?",
                (state, self._now(), attempts_increment, *fields.values(), claim_id),
            )
            return self._require(claim_id)

    def _require(self, claim_id: str) -> ClaimRecord:
        record = self.get(claim_id)
        if record is None:
            raise ClaimNotFound(claim_id)
        return record

    def _live_for_transaction(self, till_id: str, transaction_id: int) -> ClaimRecord | None:
        rows = self._select(
            "WHERE till_id = ? AND transaction_id = ? AND state <> 'refused'",
            (till_id, transaction_id),
        )
        return rows[0] if rows else None

    def _select(self, where: str, params: tuple[object, ...]) -> list[ClaimRecord]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM claims {where}",  # noqa: S608 - where clauses are constants
                params,
            ).fetchall()
        return [_record(row) for row in rows]

    # -- read-only: the till's claims list (tillui/claims/history.py) -----------------------

    def page(self, *, offset: int, limit: int) -> tuple[list[ClaimRecord], int]:
        """Claims in any state, newest first, from `offset`; and how many there are in all."""
        with self._lock:
            total = int(self._db.execute("SELECT COUNT(*) FROM claims").fetchone()[0])
            rows = self._select(
                "ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", (limit, offset)
            )
        return rows, total


class _ImmediateTransaction:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error): takes the write lock up front, so a
    check-then-insert cannot race another process."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the outbox's times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _record(row: sqlite3.Row) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"],
        till_id=row["till_id"],
        customer_id=row["customer_id"],
        transaction_id=row["transaction_id"],
        bill_number=row["bill_number"],
        amount=Decimal(row["amount"]),
        notes=row["notes"],
        body_json=row["body_json"],
        state=row["state"],
        request_id=row["request_id"],
        server_state=row["server_state"],
        error=row["error"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        attempts=row["attempts"],
        posted_at=_moment(row["posted_at"]),
        absent_since=_moment(row["absent_since"]),
    )
