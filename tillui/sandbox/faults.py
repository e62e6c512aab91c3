"""Fault injection: make the next N requests under a path prefix fail in a chosen way, or a
seeded random share of all requests (`FaultMix`, `tillui sandbox --faults 0.2`).

Used in-process (`app.state.sandbox.faults.inject(...)`) and over HTTP
(`POST /__sandbox/faults`, `DELETE /__sandbox/faults`, `PUT /__sandbox/fault-mix`).

The three *commit* faults are the ones the claims outbox exists for: the server makes the
claim, and the client does not learn it in time.

* `commit_drop`: the request is handled (committed), then the connection is dropped in the
  middle of the answer.
* `commit_delay`: handled at once, answered `delay_seconds` later (after the client gave up).
* `slow_commit`: handled only `delay_seconds` after it arrived (after the client gave up), and
  handled even if the client has gone: a resend in that window makes a second request.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

FaultKind = Literal[
    "status",
    "rate_limit",
    "delay",
    "malformed_json",
    "html",
    "commit_drop",
    "commit_delay",
    "slow_commit",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
COMMIT_FAULTS: frozenset[str] = frozenset({"commit_drop", "commit_delay", "slow_commit"})


@dataclass(slots=True)
class FaultRule:
    """One armed fault.

    kinds: "status" answers `status` (default 500) with an error envelope; "rate_limit" answers
    429 with `Retry-After: retry_after` when given; "delay" waits `delay_seconds` and then
    answers normally (to trip client timeouts); "malformed_json" and "html" answer `status`
    (default 200) with a broken JSON body or an HTML page; the commit faults are described in
    the module docstring. `method`, when set, limits the rule to that HTTP method.
    """

    path_prefix: str
    kind: FaultKind
    count: int = 1
    status: int | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0
    method: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {FAULT_KINDS}")
        if not self.path_prefix.startswith("/"):
            raise ValueError("path_prefix must start with '/'")
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code")
        if self.delay_seconds < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("delay_seconds and retry_after must not be negative")

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """Build from the HTTP control API's camelCase JSON object."""
        if not isinstance(data, dict):
            raise TypeError("a fault is a JSON object")
        try:
            return cls(
                path_prefix=str(data["pathPrefix"]),
                kind=data["kind"],
                count=int(data.get("count", 1)),
                status=None if data.get("status") is None else int(data["status"]),
                retry_after=None if data.get("retryAfter") is None else float(data["retryAfter"]),
                delay_seconds=float(data.get("delaySeconds", 0.0)),
                method=None if data.get("method") is None else str(data["method"]).upper(),
            )
        except KeyError as missing:
            raise ValueError(f"missing field {missing.args[0]}") from None
        except (TypeError, ValueError) as bad:
            raise ValueError(str(bad)) from None

    def to_json(self) -> dict[str, Any]:
        plain = asdict(self)
        return {
            "pathPrefix": plain["path_prefix"],
            "kind": plain["kind"],
            "count": plain["count"],
            "status": plain["status"],
            "retryAfter": plain["retry_after"],
            "delaySeconds": plain["delay_seconds"],
            "method": plain["method"],
        }


@dataclass(slots=True)
class FaultMix:
    """A seeded random share of requests that fail, each in one of `kinds`, for soak runs.

    Commit faults are drawn only for POST and PUT requests (they are about writes); the
    others for any request. Each fault is a function of (seed, method, path, transaction,
    n-th try of that key), not of the order requests arrive in: a run repeated with the same
    seed faults the same tries of the same claims, however its requests interleave. A request
    without a transaction (lookups, lists) is keyed by its path and its count on that path.
    """

    rate: float
    seed: int = 0
    delay_seconds: float = 2.0
    """How long delays and late commits last: set it above the client's read timeout."""
    kinds: tuple[str, ...] = FAULT_KINDS
    _tries: Counter[tuple[str, str, int | None]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.delay_seconds < 0:
            raise ValueError("delay_seconds must not be negative")
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be some of {FAULT_KINDS}")
        self._tries = Counter()

    def draw(self, path: str, method: str, transaction: int | None = None) -> FaultRule | None:
        key = (method.upper(), path, transaction)
        self._tries[key] += 1
        rng = random.Random(f"{self.seed}|{key[0]}|{path}|{transaction}|{self._tries[key]}")
        if self.rate <= 0 or rng.random() >= self.rate:
            return None
        writes = method.upper() in ("POST", "PUT")
        kinds = [k for k in self.kinds if writes or k not in COMMIT_FAULTS]
        if not kinds:
            return None
        kind: Any = rng.choice(kinds)
        status = rng.choice((500, 502, 503, 504)) if kind == "status" else None
        retry_after = rng.choice((0.1, 0.2, 0.5)) if kind == "rate_limit" else None
        return FaultRule(
            path, kind, 1, status, retry_after, self.delay_seconds, method=method.upper()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "seed": self.seed,
            "delaySeconds": self.delay_seconds,
            "kinds": list(self.kinds),
        }

    @classmethod
    def from_json(cls, data: Any) -> FaultMix:
        if not isinstance(data, dict):
            raise TypeError("a fault mix is a JSON object")
        try:
            return cls(
                rate=float(data["rate"]),
                seed=int(data.get("seed", 0)),
                delay_seconds=float(data.get("delaySeconds", 2.0)),
                kinds=tuple(data.get("kinds") or FAULT_KINDS),
            )
        except KeyError as missing:
            raise ValueError(f"missing field {missing.args[0]}") from None
        except (TypeError, ValueError) as bad:
            raise ValueError(str(bad)) from None


class FaultInjector:
    """Armed faults, consumed first-armed first, then the random mix (if any), plus a latency
    added to every request."""

    def __init__(self, latency_seconds: float = 0.0, mix: FaultMix | None = None) -> None:
        self.latency_seconds = latency_seconds
        self.mix = mix
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        self._rules.append(rule)
        return rule

    def inject(
        self,
        path_prefix: str,
        kind: FaultKind,
        *,
        count: int = 1,
        status: int | None = None,
        retry_after: float | None = None,
        delay_seconds: float = 0.0,
        method: str | None = None,
    ) -> FaultRule:
        return self.add(
            FaultRule(path_prefix, kind, count, status, retry_after, delay_seconds, method)
        )

    def clear(self) -> None:
        self._rules.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        return tuple(self._rules)

    def take(
        self, path: str, method: str = "GET", transaction: int | None = None
    ) -> FaultRule | None:
        """The fault for this request: an armed one for its path (uses up one count), else
        one drawn from the mix, else None."""
        for rule in self._rules:
            if path.startswith(rule.path_prefix) and rule.method in (None, method.upper()):
                rule.count -= 1
                if rule.count == 0:
                    self._rules.remove(rule)
                return rule
        return self.mix.draw(path, method, transaction) if self.mix is not None else None
