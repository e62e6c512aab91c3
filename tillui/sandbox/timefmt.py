"""The three time formats the documents show, in one place."""

from __future__ import annotations

from datetime import UTC, datetime, timezone


def iso_utc_z(moment: datetime) -> str:
    """Customer/retro-request timestamps: '2025-02-28T06:16:17Z' (docs/intouch-api.md, document 001)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_in_zone(moment: datetime, zone: timezone) -> str:
    """Transaction times in the server's timezone: '2025-02-28T11:46:17+05:30'."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def workflow_time(moment: datetime) -> str:
    """Workflow start/end times as document 002 shows them: UTC without an offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
