"""Customer details and points balance (GET /v2/customers/lookup/customerDetails, …/points/balance).

The API nests what a till needs several levels deep (`profiles[0].firstName`,
`loyaltyInfo.attributionV2.createDate`, `promisedPointsBreakup.delayedAccrualPoints`); these
models flatten it once, on the way in, so nobody else walks the JSON.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import AwareDatetime, Field, model_validator

from tillui.api.models.base import ApiModel, Entity
from tillui.counter.identifier_types import IDENTIFIER_NAMES, Identifier


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object")
    return value


class CustomerIdentifier(ApiModel):
    """One identifier of a profile as the API lists it (`type` may be wechat, unionId …)."""

    type: str
    value: str

    def as_identifier(self) -> Identifier | None:
        """The shared Identifier type, or None for kinds the till does not look up by."""
        for name in IDENTIFIER_NAMES:
            if name.lower() == self.type.lower():
                return Identifier(name, self.value)
        return None


class LoyaltyProgram(ApiModel):
    """One entry of `loyaltyProgramDetails[]`: the customer's standing in one program."""

    program_id: int
    program_title: str = ""
    current_slab: str | None = None
    """The tier in this program."""
    loyalty_points: Decimal = Decimal(0)
    lifetime_points: Decimal = Decimal(0)
    delayed_points: Decimal = Decimal(0)
    total_available_points: Decimal = Decimal(0)


class CustomerDetails(ApiModel):
    """The customer a lookup found. Built from the API's JSON or directly by field name."""

    id: int
    first_name: str = ""
    last_name: str = ""
    identifiers: list[CustomerIdentifier] = Field(default_factory=list)
    loyalty_type: str | None = None
    """`loyalty` or `non_loyalty`."""
    registered_at: AwareDatetime | None = None
    """`loyaltyInfo.attributionV2.createDate`: when the customer registered (retro limits)."""
    registered_by: Entity | None = None
    """`loyaltyInfo.attributionV2.createdBy`: the till that registered the customer."""
    programs: list[LoyaltyProgram] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _flatten_api_shape(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not ({"profiles", "loyaltyInfo"} & data.keys()):
            return data
        profiles = data.get("profiles") or []
        if not isinstance(profiles, list):
            raise ValueError("profiles must be a list")
        profile_dicts = [_mapping(p, "profiles[]") for p in profiles]
        first = profile_dicts[0] if profile_dicts else {}
        loyalty = _mapping(data.get("loyaltyInfo"), "loyaltyInfo")
        attribution = _mapping(loyalty.get("attributionV2"), "loyaltyInfo.attributionV2")
        return {
            "id": data.get("id"),
            "first_name": first.get("firstName") or "",
            "last_name": first.get("lastName") or "",
            "identifiers": [i for p in profile_dicts for i in (p.get("identifiers") or [])],
            "loyalty_type": loyalty.get("loyaltyType"),
            "registered_at": attribution.get("createDate"),
            "registered_by": attribution.get("createdBy"),
            "programs": data.get("loyaltyProgramDetails") or [],
        }

    @property
    def name(self) -> str:
        """First and last name, as the cashier greets the customer."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_loyalty_member(self) -> bool:
        return self.loyalty_type == "loyalty"

    def identifier(self, kind: str) -> str | None:
        """The first value of one identifier type (`mobile`, `email` …), if the customer has it."""
        for item in self.identifiers:
            if item.type.lower() == kind.lower():
                return item.value
        return None

    def program(self, program_id: int) -> LoyaltyProgram | None:
        for program in self.programs:
            if program.program_id == program_id:
                return program
        return None


class PointsBalance(ApiModel):
    """Points of one customer: one program, or (with all_programs) the sum over all programs."""

    entity_id: int
    entity_type: str = "CUSTOMER"
    total_points: Decimal
    """Main plus promised points."""
    main_points: Decimal
    """Redeemable now."""
    promised_points: Decimal = Decimal(0)
    delayed_accrual_points: Decimal = Decimal(0)
    external_trigger_based_points: Decimal = Decimal(0)

    @model_validator(mode="before")
    @classmethod
    def _flatten_breakup(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "promisedPointsBreakup" not in data:
            return data
        breakup = _mapping(data["promisedPointsBreakup"], "promisedPointsBreakup")
        flat = {k: v for k, v in data.items() if k != "promisedPointsBreakup"}
        for key in ("delayedAccrualPoints", "externalTriggerBasedPoints"):
            if key in breakup:
                flat[key] = breakup[key]
        return flat


class CustomerLookup(ApiModel):
    """What one lookup brings back: the customer and their points, fetched together."""

    details: CustomerDetails
    points: PointsBalance
