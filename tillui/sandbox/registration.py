"""`POST /v2/customers` (Add Customer V2, docs/intouch-api.md "Add Customer (V2)").

Never kinder than the real server: an identifier already registered (under the one source the
sandbox knows, INSTORE) refuses the whole registration with 8006; what the org's
Registration Configuration requires (`SandboxConfig.registration_required`) must be there; the
new customer's registration time is now, so the retro limits apply to them at once.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    CUSTOMER_EXISTS,
    INVALID_PARAMETER,
    MANDATORY_FIELD_MISSING,
    REGISTRATION_ERROR,
    SOURCE_INVALID,
    ApiError,
)
from .model import Customer, OrgEntity, ProgramMembership
from .state import SandboxState

IDENTIFIER_TYPES = ("mobile", "email", "externalId", "cardnumber")
SOURCES = frozenset({"INSTORE"})
NAME_LIMIT = 100


def register(state: SandboxState, body: Any) -> dict[str, Any]:
    """Create the customer of `body` and return the answer's JSON."""
    profile = _profile(body)
    identifiers = _identifiers(profile)
    _require(state, profile, identifiers, body)
    for kind, value in identifiers.items():
        if state.customers.find(kind, value):
            raise ApiError(CUSTOMER_EXISTS)
    loyalty = _loyalty_type(body)
    customer = Customer(
        id=max((c.id for c in state.customers), default=0) + 1,
        first_name=str(profile.get("firstName") or "")[:NAME_LIMIT],
        last_name=str(profile.get("lastName") or "")[:NAME_LIMIT],
        identifiers=identifiers,
        loyalty_type=loyalty,
        registered_at=state.now(),
        registered_by=_registering_till(state, body),
        programs=_programs(state, loyalty),
    )
    state.customers.add(customer)
    return {
        "createdId": customer.id,
        "warnings": [
            {"status": True, "code": 8107, "message": "Default customer status label not set"}
        ],
        "sideEffects": _side_effects(state, loyalty),
        "errors": [],
    }


def _profile(body: Any) -> dict[str, Any]:
    profiles = body.get("profiles") if isinstance(body, dict) else None
    if not isinstance(profiles, list) or len(profiles) != 1 or not isinstance(profiles[0], dict):
        raise ApiError(INVALID_PARAMETER, "profiles must hold exactly one profile")
    profile: dict[str, Any] = profiles[0]
    if profile.get("source") not in SOURCES:
        raise ApiError(SOURCE_INVALID)
    return profile


def _identifiers(profile: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    raw = profile.get("identifiers")
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict) or entry.get("type") not in IDENTIFIER_TYPES:
            raise ApiError(
                INVALID_PARAMETER, "identifier type must be one of " + ", ".join(IDENTIFIER_TYPES)
            )
        value = str(entry.get("value") or "").strip()
        if value:
            found[str(entry["type"])] = value
    mobile = found.get("mobile")
    if mobile is not None and not (
        mobile.isascii() and mobile.isdigit() and 8 <= len(mobile) <= 15
    ):
        raise ApiError(REGISTRATION_ERROR)
    if not found:
        raise ApiError(MANDATORY_FIELD_MISSING, "At least one identifier is needed")
    return found


def _require(
    state: SandboxState, profile: dict[str, Any], identifiers: dict[str, str], body: Any
) -> None:
    for name in state.config.registration_required:
        section, _, key = name.partition(".")
        if key:
            holder = (profile if section == "fields" else body).get(section)
            value = holder.get(key) if isinstance(holder, dict) else None
        elif name in IDENTIFIER_TYPES:
            value = identifiers.get(name)
        else:
            value = profile.get(name)
        if not str(value or "").strip():
            raise ApiError(MANDATORY_FIELD_MISSING, f"{name} is mandatory")


def _loyalty_type(body: dict[str, Any]) -> Any:
    info = body.get("loyaltyInfo")
    kind = info.get("loyaltyType", "loyalty") if isinstance(info, dict) else "loyalty"
    if kind not in ("loyalty", "non_loyalty"):
        raise ApiError(INVALID_PARAMETER, "loyaltyInfo.loyaltyType must be loyalty or non_loyalty")
    return kind


def _registering_till(state: SandboxState, body: dict[str, Any]) -> OrgEntity:
    code = str(body.get("associatedWith") or "")
    tills = [e for e in state.entities.values() if e.type == "TILL"]
    for till in tills:
        if till.code == code:
            return till
    return tills[0]


def _programs(state: SandboxState, loyalty: str) -> list[ProgramMembership]:
    if loyalty != "loyalty":
        return []
    template = next((c.programs[0] for c in state.customers if c.programs), None)
    if template is None:
        return []
    points = state.config.welcome_points
    return [
        ProgramMembership(template.program_id, template.title, "Base", points, 0.0, 0.0, points)
    ]


def _side_effects(state: SandboxState, loyalty: str) -> list[dict[str, Any]]:
    if loyalty != "loyalty" or state.config.welcome_points <= 0:
        return []
    return [
        {
            "type": "points",
            "awardedPoints": state.config.welcome_points,
            "description": "Welcome points",
        }
    ]
