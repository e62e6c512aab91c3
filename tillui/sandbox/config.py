"""How one sandbox instance behaves: seed, clock, workflow and retro-limit configuration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Literal

_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):(?P<minutes>\d{2})$")
PRIMARY_IDENTIFIER_NAMES = ("mobile", "email", "externalId", "cardnumber")
RegistrationRule = Literal["billed_after_registration_minus_delay", "registered_delay_before_now"]
"""The two readings of document 002's RETRO_DELAY_SINCE_REGISTRATION_HOURS (see
tillui.claims.limits): its worked example (a bill billed no earlier than registration minus N
hours) and its definition (the customer registered at least N hours before now)."""


def parse_utc_offset(text: str) -> timezone:
    """'+05:30' / '-04:00' / 'Z' -> a fixed-offset timezone."""
    if text in ("Z", "z"):
        return UTC
    match = _OFFSET.match(text)
    if match is None:
        raise ValueError(f"UTC offset must look like +05:30, got {text!r}")
    delta = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]))
    if delta >= timedelta(hours=24):
        raise ValueError(f"UTC offset out of range: {text!r}")
    return timezone(-delta if match["sign"] == "-" else delta)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Configuration of one sandbox; `SandboxState.config` may be swapped at run time
    (`dataclasses.replace`) because every handler reads it per request."""

    seed: int = 42
    now: Callable[[], datetime] | None = None
    """Clock returning tz-aware UTC datetimes; None means the real clock. Seed times
    (relative to 'now' at creation) and every limit check use it."""
    auto_approve: bool = True
    manual_approval_store_ids: tuple[int, ...] = ()
    """Stores whose claims always wait for a checker, whatever `auto_approve` says (the demo
    makes its own store one, so a manager can approve at the till)."""
    execution_delay_seconds: float = 0.0
    """How long an approved request stays APPROVED before its retro runs (SUCCESS/FAILURE); the
    run happens on the first request the sandbox serves after that (0: at once)."""
    dual_eligibility: bool = True
    primary_identifier: str = "mobile"
    server_utc_offset: str = "+05:30"
    """Timezone in which transaction times (billingTime, attribution) are rendered."""
    retro_max_age_days: int = 30
    retro_delay_hours: int = 3
    registration_rule: RegistrationRule = "billed_after_registration_minus_delay"
    refuse_duplicates: bool = False
    """Refuse a second claim of a bill at POST time (invented codes 99104/99105). Off by
    default: nothing documents it; a real server makes a second request whose execution fails
    (INDEX.md "No idempotency key"), and a kinder sandbox would hide doubled claims."""
    gateway_till_auth: bool = True
    """Gateway calls must carry the till's Basic or OAuth credentials too (documents 002 and
    the approve/reject page list them among the prerequisites)."""
    extra_bills: int = 0
    """More recent NOT_INTERESTED bills at the demo till (billed in the last day), for soak
    runs; they are added to the demo journal after the seeded ones."""
    fault_rate: float = 0.0
    """Share of requests failed at random (seeded by `seed`), see `FaultMix`."""
    fault_delay_seconds: float = 2.0
    latency_seconds: float = 0.0
    oauth_ttl_seconds: int = 300
    customer_count: int = 240
    registration_required: tuple[str, ...] = ("firstName", "lastName", "mobile")
    """The org's Registration Configuration: what `POST /v2/customers` refuses to go without
    (names are profile keys, identifier types, or `fields.<name>` / `extendedFields.<name>`)."""
    welcome_points: float = 100.0
    """Points a new loyalty member is given at registration (a `sideEffects[]` entry)."""
    """Generated customers, on top of the named demo customers."""

    def __post_init__(self) -> None:
        parse_utc_offset(self.server_utc_offset)
        if self.primary_identifier not in PRIMARY_IDENTIFIER_NAMES:
            raise ValueError(f"primary_identifier must be one of {PRIMARY_IDENTIFIER_NAMES}")
        if min(self.customer_count, self.retro_max_age_days, self.retro_delay_hours) < 0 or (
            self.extra_bills < 0
        ):
            raise ValueError("customer_count and retro limits must not be negative")
        if not 0.0 <= self.fault_rate <= 1.0 or self.fault_delay_seconds < 0:
            raise ValueError("fault_rate must be in [0, 1] and fault_delay_seconds >= 0")
        if self.execution_delay_seconds < 0:
            raise ValueError("execution_delay_seconds must not be negative")
        if self.latency_seconds < 0 or self.oauth_ttl_seconds <= 0:
            raise ValueError("latency_seconds must be >= 0 and oauth_ttl_seconds > 0")

    def clock(self) -> datetime:
        """The current time, tz-aware."""
        current = self.now() if self.now is not None else datetime.now(UTC)
        if current.tzinfo is None:
            raise ValueError("SandboxConfig.now must return a timezone-aware datetime")
        return current

    @property
    def server_timezone(self) -> timezone:
        return parse_utc_offset(self.server_utc_offset)
