"""The brand's retro-claim limits, checked in the app before a claim is sent.

Two limits (document 002, brand configuration):

* **Maximum age** (`TXN_MAX_ALLOWED_AGE_DAYS`): a bill billed more than `max_age_days` days
  before now cannot be claimed.
* **Delay since registration** (`RETRO_DELAY_SINCE_REGISTRATION_HOURS`): a bill can be claimed
  only if it was billed no earlier than `delay_hours` hours before the customer registered.
  The document's example: delay 3 h, registration 09:00 -> bills "later than 6:00 AM" are
  allowed, bills "before 5:59 AM" are not.

The document speaks in minutes and leaves the minute between 05:59 and 06:00 open. We compare
**exact instants**, as the server does (our sandbox oracle too): a bill is allowed when it was
billed at or after registration minus `delay_hours`. With registration 09:00:00 and 3 h, 06:00:00
is allowed and 05:59:59 is refused — the document's example either way. Rounding to minutes would
make the till more lenient than the server inside that minute (registration 09:00:40 would let a
06:00:10 bill through, and the server would then refuse it), and a check that lets through what
the server refuses is worse than none. The age limit likewise: a bill is too old when
now - billing time exceeds `max_age_days` days, to the second.

A bill time after `now` (a till clock ahead of ours) passes the age rule: the age rule is about
old bills, and the server has the last word anyway.

**The registration rule is ambiguous in document 002.** Its definition says the customer must
have registered at least `delay_hours` before *now*; its worked example allows bills billed up
to `delay_hours` *before registration*. `rule` picks the reading (setting `registration_rule`):
"billed_after_registration_minus_delay" (the worked example, the default, as above) or
"registered_delay_before_now" (the definition: any bill of a customer who registered at least
`delay_hours` ago passes). The cashier's refusal names the rule applied.

Every datetime must be timezone-aware; times in different offsets are compared as instants.
Reasons are written in the timezone of `now`, which callers pass as the till's local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

LimitCode = Literal["too_old", "before_registration_window", "registered_too_recently"]
RegistrationRule = Literal["billed_after_registration_minus_delay", "registered_delay_before_now"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class LimitVerdict:
    """Whether a bill may be claimed; when not, why (for the cashier) and a machine code."""

    allowed: bool
    reason: str | None = None
    code: LimitCode | None = None


ALLOWED = LimitVerdict(allowed=True)


# long: each of the brand's limits in the order the cashier reads them
def check_bill(
    billing_time: datetime,
    registered_at: datetime,
    now: datetime,
    *,
    max_age_days: int,
    delay_hours: int,
    rule: RegistrationRule = "billed_after_registration_minus_delay",
) -> LimitVerdict:
    """Apply both limits to one bill. The age limit is reported first when both fail."""
    for name, value in (
        ("billing_time", billing_time),
        ("registered_at", registered_at),
        ("now", now),
    ):
        _require_aware(name, value)
    if max_age_days < 0 or delay_hours < 0:
        raise ValueError("max_age_days and delay_hours must not be negative")

    age = now - billing_time
    if age > timedelta(days=max_age_days):
        return LimitVerdict(
            allowed=False,
            reason=(
                f"Billed {_describe_age(_whole_minutes(age), max_age_days)} ago — claims are allowed up to "
                f"{_days(max_age_days)}"
            ),
            code="too_old",
        )

    if rule == "registered_delay_before_now":
        allowed_from = registered_at + timedelta(hours=delay_hours)
        if now < allowed_from:
            return LimitVerdict(
                allowed=False,
                reason=(
                    "The customer registered less than "
                    f"{_hours(delay_hours)} ago — claims can be made from "
                    f"{_format_moment(allowed_from.astimezone(now.tzinfo), now)} "
                    f"(rule: registered {delay_hours} h before the claim)"
                ),
                code="registered_too_recently",
            )
        return ALLOWED

    cutoff = registered_at - timedelta(hours=delay_hours)
    if billing_time < cutoff:
        local_tz = now.tzinfo
        registered_local = registered_at.astimezone(local_tz)
        cutoff_local = cutoff.astimezone(local_tz)
        if cutoff_local.date() == registered_local.date():
            window = f"bills from {cutoff_local:%H:%M} on that day can be claimed"
        else:
            window = f"bills from {_format_moment(cutoff_local, now)} on can be claimed"
        return LimitVerdict(
            allowed=False,
            reason=(
                "Billed before the customer registered (registered "
                f"{_format_moment(registered_local, now)}) — {window} "
                f"(rule: from {delay_hours} h before registration)"
            ),
            code="before_registration_window",
        )
    return ALLOWED


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got {value.isoformat()})")


def _whole_minutes(span: timedelta) -> timedelta:
    return timedelta(minutes=span // timedelta(minutes=1))


def _hours(count: int) -> str:
    return "1 hour" if count == 1 else f"{count} hours"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _describe_age(age: timedelta, max_age_days: int) -> str:
    """Whole days when that is already over the limit; else days plus the part that tips it."""
    if age.days > max_age_days:
        return _days(age.days)
    hours, remainder = divmod(age.seconds, 3600)
    minutes = remainder // 60
    extra = f"{hours} h" if hours else f"{minutes} min"
    return f"{_days(age.days)} {extra}" if age.days else extra


def _format_moment(moment: datetime, now: datetime) -> str:
    """'23 Nov 09:00', with the year only when it is not the current one."""
    year = "" if moment.year == now.year else f" {moment.year}"
    return f"{moment.day} {_MONTHS[moment.month - 1]}{year} {moment:%H:%M}"
