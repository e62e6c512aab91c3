"""When and how long to wait before retrying an idempotent GET.

Only transient failures are retried: connections that could not be made, timeouts, 502/503/504
and 429. A `Retry-After` longer than a cashier should wait is not slept through: the RateLimited
error goes straight to the screen so the cashier sees it.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tillui.api.errors import IntouchError, RateLimited, Timeout, Unavailable

TRANSIENT_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds of the retries of one GET."""

    max_retries: int = 2
    """Retries after the first attempt."""
    base_delay: float = 0.2
    """First backoff in seconds; doubled for each further retry."""
    max_delay: float = 2.0
    """No single backoff is longer than this."""
    max_retry_after: float = 3.0
    """A longer Retry-After is not waited for: RateLimited is raised at once."""
    total_seconds: float = 15.0
    """No retry starts once this long has passed since the first attempt (waits included)."""

    def delay_before_retry(
        self,
        error: IntouchError,
        *,
        retries_done: int,
        elapsed: float,
        random: Callable[[], float],
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when `error` must be raised now."""
        if retries_done >= self.max_retries or not is_transient(error):
            return None
        if isinstance(error, RateLimited) and error.retry_after is not None:
            if error.retry_after > self.max_retry_after:
                return None
            delay = error.retry_after
        else:
            backoff = min(self.max_delay, self.base_delay * (2**retries_done))
            # Full jitter in the upper half: tills that failed together do not retry together.
            delay = backoff * (0.5 + random() / 2)
        if elapsed + delay >= self.total_seconds:
            return None
        return delay


def is_transient(error: IntouchError) -> bool:
    """True for failures that a second attempt a moment later may not meet."""
    if isinstance(error, (Timeout, RateLimited)):
        return True
    if isinstance(error, Unavailable):
        return error.status is None or error.status in TRANSIENT_STATUSES
    return False


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
