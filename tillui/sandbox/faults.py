"""Fault injection: make the next N requests under a path prefix fail in a chosen way.

Used in-process (`app.state.sandbox.faults.inject(...)`) and over HTTP
(`POST /__sandbox/faults`, `DELETE /__sandbox/faults`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

FaultKind = Literal["status", "rate_limit", "delay", "malformed_json", "html"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(slots=True)
class FaultRule:
    """One armed fault.

    kinds: "status" answers `status` (default 500) with an error envelope; "rate_limit" answers
    429 with `Retry-After: retry_after` when given; "delay" waits `delay_seconds` and then
    answers normally (to trip client timeouts); "malformed_json" and "html" answer `status`
    (default 200) with a broken JSON body or an HTML page.
    """

    path_prefix: str
    kind: FaultKind
    count: int = 1
    status: int | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0

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
        }


class FaultInjector:
    """Armed faults, consumed first-armed first, plus a latency added to every request."""

    def __init__(self, latency_seconds: float = 0.0) -> None:
        self.latency_seconds = latency_seconds
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
    ) -> FaultRule:
        return self.add(FaultRule(path_prefix, kind, count, status, retry_after, delay_seconds))

    def clear(self) -> None:
        self._rules.clear()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        return tuple(self._rules)

    def take(self, path: str) -> FaultRule | None:
        """The fault for this request, if one is armed for its path (uses up one count)."""
        for rule in self._rules:
            if path.startswith(rule.path_prefix):
                rule.count -= 1
                if rule.count == 0:
                    self._rules.remove(rule)
                return rule
        return None
