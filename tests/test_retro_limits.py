from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from tillui.claims.limits import check_bill

IST = timezone(timedelta(hours=5, minutes=30))
EST = timezone(timedelta(hours=-5))
NPT = timezone(timedelta(hours=5, minutes=45))

# Document 002's example, placed in UTC: registration 09:00, delay 3 h.
REGISTERED = datetime(2025, 11, 23, 9, 0, tzinfo=UTC)
NOW = datetime(2025, 11, 23, 12, 0, tzinfo=UTC)


def check(
    billing_time: datetime,
    *,
    registered: datetime = REGISTERED,
    now: datetime = NOW,
    max_age_days: int = 30,
    delay_hours: int = 3,
):
    return check_bill(
        billing_time, registered, now, max_age_days=max_age_days, delay_hours=delay_hours
    )


@pytest.mark.parametrize(
    ("hms", "allowed"),
    [
        ((6, 0, 0), True),
        ((6, 0, 59), True),
        ((6, 1, 0), True),
        ((8, 59, 0), True),
        ((9, 30, 0), True),
        ((5, 59, 59), False),
        ((5, 59, 30), False),
        ((5, 59, 0), False),
        ((5, 0, 0), False),
    ],
)
def test_registration_window_boundary(hms, allowed):
    verdict = check(datetime(2025, 11, 23, *hms, tzinfo=UTC))
    assert verdict.allowed is allowed
    assert verdict.code == (None if allowed else "before_registration_window")


@pytest.mark.parametrize("bill_tz", [UTC, IST, EST, NPT])
@pytest.mark.parametrize("registration_tz", [UTC, IST, EST])
@pytest.mark.parametrize("now_tz", [UTC, EST, IST])
def test_boundary_is_the_same_instant_in_every_timezone(bill_tz, registration_tz, now_tz):
    registered = REGISTERED.astimezone(registration_tz)
    now = NOW.astimezone(now_tz)
    at_six = datetime(2025, 11, 23, 6, 0, tzinfo=UTC).astimezone(bill_tz)
    just_before = datetime(2025, 11, 23, 5, 59, 30, tzinfo=UTC).astimezone(bill_tz)
    assert check(at_six, registered=registered, now=now).allowed
    refused = check(just_before, registered=registered, now=now)
    assert not refused.allowed
    assert refused.code == "before_registration_window"


def test_bill_in_ist_registration_in_z_now_in_est():
    # 11:30 in +05:30 is 06:00Z: exactly the cut-off, so allowed; 11:29 is 05:59Z, refused.
    registered = datetime.fromisoformat("2025-11-23T09:00:00Z")
    now = datetime.fromisoformat("2025-11-23T07:00:00-05:00")
    ok = check(datetime.fromisoformat("2025-11-23T11:30:00+05:30"), registered=registered, now=now)
    late = check(
        datetime.fromisoformat("2025-11-23T11:29:45+05:30"), registered=registered, now=now
    )
    assert ok.allowed
    assert not late.allowed
    # Reasons are written in the till's (now's) timezone: 09:00Z is 04:00 at -05:00.
    assert late.reason == (
        "Billed before the customer registered (registered 23 Nov 04:00) — "
        "bills from 01:00 on that day can be claimed (rule: from 3 h before registration)"
    )


def test_registration_seconds_count_as_the_server_counts_them():
    registered = datetime(2025, 11, 23, 9, 0, 40, tzinfo=UTC)
    assert not check(datetime(2025, 11, 23, 6, 0, 10, tzinfo=UTC), registered=registered).allowed
    assert check(datetime(2025, 11, 23, 6, 0, 40, tzinfo=UTC), registered=registered).allowed


def test_registration_window_reason_wording():
    verdict = check(datetime(2025, 11, 23, 5, 59, tzinfo=UTC))
    assert verdict.reason == (
        "Billed before the customer registered (registered 23 Nov 09:00) — "
        "bills from 06:00 on that day can be claimed (rule: from 3 h before registration)"
    )


def test_registration_window_reason_names_the_day_when_the_cutoff_is_the_day_before():
    registered = datetime(2025, 11, 23, 1, 30, tzinfo=UTC)
    verdict = check(datetime(2025, 11, 22, 20, 0, tzinfo=UTC), registered=registered)
    assert verdict.reason == (
        "Billed before the customer registered (registered 23 Nov 01:30) — "
        "bills from 22 Nov 22:30 on can be claimed (rule: from 3 h before registration)"
    )


def test_zero_delay_allows_bills_from_the_registration_minute():
    assert check(REGISTERED, delay_hours=0).allowed
    assert not check(REGISTERED - timedelta(minutes=1), delay_hours=0).allowed


@pytest.mark.parametrize(
    ("age", "allowed"),
    [
        (timedelta(days=30), True),
        (timedelta(days=30, seconds=1), False),
        (timedelta(days=30, minutes=1), False),
        (timedelta(days=29, hours=23), True),
        (timedelta(days=41), False),
    ],
)
def test_max_age_boundary(age, allowed):
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    registered = now - timedelta(days=100)
    verdict = check(now - age, registered=registered, now=now)
    assert verdict.allowed is allowed
    assert verdict.code == (None if allowed else "too_old")


def test_max_age_across_offsets():
    now = datetime.fromisoformat("2026-01-10T07:00:00-05:00")  # 12:00Z
    bill = datetime.fromisoformat("2025-12-11T17:30:00+05:30")  # 12:00Z, exactly 30 days
    registered = datetime(2025, 1, 1, tzinfo=UTC)
    assert check(bill, registered=registered, now=now).allowed
    assert not check(bill - timedelta(minutes=1), registered=registered, now=now).allowed


def test_too_old_reason_wording():
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    registered = now - timedelta(days=100)
    verdict = check(now - timedelta(days=41, hours=3), registered=registered, now=now)
    assert verdict.reason == "Billed 41 days ago — claims are allowed up to 30 days"


def test_too_old_reason_shows_the_hours_that_tip_it_over():
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    registered = now - timedelta(days=100)
    hours = check(now - timedelta(days=30, hours=5), registered=registered, now=now)
    minutes = check(
        now - timedelta(days=1, minutes=7), registered=registered, now=now, max_age_days=1
    )
    assert hours.reason == "Billed 30 days 5 h ago — claims are allowed up to 30 days"
    assert minutes.reason == "Billed 1 day 7 min ago — claims are allowed up to 1 day"


def test_age_is_reported_before_the_registration_window():
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    verdict = check(now - timedelta(days=40), registered=now - timedelta(days=1), now=now)
    assert verdict.code == "too_old"


def test_registration_in_another_year_shows_the_year():
    now = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    registered = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    verdict = check(datetime(2025, 12, 31, 19, 0, tzinfo=UTC), registered=registered, now=now)
    assert verdict.reason == (
        "Billed before the customer registered (registered 31 Dec 2025 23:00) — "
        "bills from 20:00 on that day can be claimed (rule: from 3 h before registration)"
    )


def test_a_bill_after_now_passes_the_age_rule():
    assert check(NOW + timedelta(minutes=5)).allowed


@pytest.mark.parametrize("which", ["billing_time", "registered_at", "now"])
def test_naive_datetimes_are_rejected(which):
    values = {"billing_time": NOW, "registered_at": REGISTERED, "now": NOW}
    values[which] = values[which].replace(tzinfo=None)
    with pytest.raises(ValueError, match=which):
        check_bill(
            values["billing_time"],
            values["registered_at"],
            values["now"],
            max_age_days=30,
            delay_hours=3,
        )


def test_negative_limits_are_rejected():
    with pytest.raises(ValueError):
        check(NOW, max_age_days=-1)


# -- document 002's worked example, and its definition (the two readings of the rule) ----------


@pytest.mark.parametrize(
    ("billed", "allowed"), [((6, 0, 0), True), ((6, 1, 0), True), ((5, 59, 0), False)]
)
def test_the_sandbox_follows_document_002s_worked_example(billed, allowed):
    """Registered 09:00, delay 3 h: billed after 06:00 allowed, at or before 05:59 not —
    checked on the sandbox itself, not against its own formula."""
    from tillui.sandbox.config import SandboxConfig
    from tillui.sandbox.errors import ApiError
    from tillui.sandbox.retro import check_limits

    customer = SimpleNamespace(registered_at=REGISTERED)
    txn = SimpleNamespace(billing_time=REGISTERED.replace(hour=billed[0], minute=billed[1]))
    try:
        check_limits(SandboxConfig(retro_delay_hours=3), NOW, txn, customer)
    except ApiError as refused:
        assert not allowed and "before" in refused.message
    else:
        assert allowed


@pytest.mark.parametrize(("hours_since", "allowed"), [(2.99, False), (3, True), (30, True)])
def test_the_definitions_reading_registered_at_least_n_hours_before_now(hours_since, allowed):
    from tillui.sandbox.config import SandboxConfig
    from tillui.sandbox.errors import ApiError
    from tillui.sandbox.retro import check_limits

    now = REGISTERED + timedelta(hours=hours_since)
    billed = REGISTERED - timedelta(hours=10)  # long before registration: fine by this reading
    verdict = check_bill(
        billed, REGISTERED, now, max_age_days=30, delay_hours=3, rule="registered_delay_before_now"
    )
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.code == "registered_too_recently"
        assert "rule: registered 3 h before the claim" in verdict.reason
        assert "claims can be made from 23 Nov 12:00" in verdict.reason
    config = SandboxConfig(retro_delay_hours=3, registration_rule="registered_delay_before_now")
    customer = SimpleNamespace(registered_at=REGISTERED)
    try:
        check_limits(config, now, SimpleNamespace(billing_time=billed), customer)
    except ApiError:
        assert not allowed
    else:
        assert allowed


def test_the_worked_example_reading_is_the_default_and_named_in_the_refusal():
    from tillui.config.settings import Settings

    assert Settings().registration_rule == "billed_after_registration_minus_delay"
    refused = check(REGISTERED.replace(hour=5, minute=59))
    assert "rule: from 3 h before registration" in refused.reason
