"""Numbers as the till shows them."""

from __future__ import annotations

from decimal import Decimal


def format_points(value: float | Decimal | None) -> str:
    """8500 -> '8,500'; 250.5 -> '250.50' (points may carry decimals: docs/intouch-api.md)."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.2f}"


def format_amount(value: float | Decimal | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.2f}"
    return f"{currency} {text}" if currency else text


INVALID_MARK = "✗"
"""Starts the message beside an invalid field, so it is seen without colour too (NO_COLOR)."""


def invalid_text(message: str) -> str:
    return f"{INVALID_MARK} {message}"


def mask_number(value: int | str | None, visible: int = 4) -> str:
    """565039501 -> '*****9501': enough to tell customers apart at the till, not to find one."""
    if value is None:
        return "—"
    text = str(value)
    if len(text) <= visible:
        return "*" * len(text)
    return "*" * (len(text) - visible) + text[-visible:]
