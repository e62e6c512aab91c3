"""Time as the till sees it. Injected everywhere so snapshots and limit checks are repeatable."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a Protocol class costs start-up time; only the type checker needs it
    from typing import Protocol

    class Clock(Protocol):
        def now(self) -> datetime:
            """The current time, timezone-aware, in the till's local zone."""
            ...

# Plain classes rather than dataclasses: this module is imported before the first frame.


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()


class FixedClock:
    """A clock stopped at one instant (snapshots, screenshots, tests)."""

    def __init__(self, at: datetime, tz: tzinfo = timezone(timedelta(hours=5, minutes=30))) -> None:
        self.at = at
        self.tz = tz

    def now(self) -> datetime:
        return self.at.astimezone(self.tz)


def local(moment: datetime, clock: Clock) -> datetime:
    """`moment` in the till's local zone (the zone of the clock's `now`)."""
    return moment.astimezone(clock.now().tzinfo)


def format_local(moment: datetime | None, clock: Clock) -> str:
    if moment is None:
        return "—"
    return local(moment, clock).strftime("%d %b %Y %H:%M")


def format_age(moment: datetime, clock: Clock) -> str:
    """'3 h ago', '41 days ago': how long ago, in the words a cashier says it."""
    seconds = (clock.now() - moment).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"
