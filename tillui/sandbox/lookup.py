"""Finding a customer by the comma-separated identifierName / identifierValue pair.

Dual eligibility (documents 000 and 003): the primary identifier decides. If it is among the
identifiers sent, it alone is used, whatever the secondary ones say; if it is missing (a lone
secondary identifier included), the answer is 8015.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import CUSTOMER_NOT_FOUND, IDENTIFIERS_MISSING, SOURCE_MISSING, ApiError
from .model import Customer, parse_id
from .state import SandboxState

# Names are case-insensitive (document 000's example sends `externalID`).
_CANONICAL_NAMES: dict[str, str] = {
    name.lower(): name for name in ("mobile", "email", "externalId", "cardnumber", "wechat")
}


def parse_identifiers(params: Mapping[str, str]) -> list[tuple[str, str]]:
    """(canonical name, value) pairs in the order sent, or 11013 / 8016."""
    names_text = params.get("identifierName", "")
    values_text = params.get("identifierValue", "")
    if not names_text.strip() or not values_text.strip():
        raise ApiError(IDENTIFIERS_MISSING)
    names = [n.strip() for n in names_text.split(",")]
    values = [v.strip() for v in values_text.split(",")]
    if len(names) != len(values) or not all(names) or not all(values):
        raise ApiError(IDENTIFIERS_MISSING)
    if not params.get("source", "").strip():
        raise ApiError(SOURCE_MISSING)
    # An unknown name is kept as sent: it simply matches nobody.
    return [(_CANONICAL_NAMES.get(n.lower(), n), v) for n, v in zip(names, values, strict=True)]


def resolve_customer(state: SandboxState, identifiers: list[tuple[str, str]]) -> Customer:
    config = state.config
    if config.dual_eligibility:
        primary = [value for name, value in identifiers if name == config.primary_identifier]
        if primary:
            matches = state.customers.find(config.primary_identifier, primary[0])
            if len(matches) == 1:
                return matches[0]
        raise ApiError(CUSTOMER_NOT_FOUND)
    # Without dual eligibility the first identifier that names exactly one customer wins.
    for name, value in identifiers:
        matches = state.customers.find(name, value)
        if len(matches) == 1:
            return matches[0]
    raise ApiError(CUSTOMER_NOT_FOUND)


def lookup_customer(state: SandboxState, params: Mapping[str, str]) -> Customer:
    return resolve_customer(state, parse_identifiers(params))


def customer_by_path_id(state: SandboxState, raw_id: str) -> Customer | None:
    customer_id = parse_id(raw_id)
    return None if customer_id is None else state.customers.get(customer_id)
