"""Add Customer (V2): the request the till sends and the answer it reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from tillui.api.models.base import ApiModel

IdentifierType = Literal["mobile", "email", "externalId", "cardnumber"]


class NewIdentifier(ApiModel):
    type: IdentifierType
    value: str


class NewCustomer(ApiModel):
    """One shopper to register at the till (`source` INSTORE, `loyaltyType` loyalty)."""

    first_name: str = ""
    last_name: str = ""
    identifiers: tuple[NewIdentifier, ...]
    fields: dict[str, str] = Field(default_factory=dict)
    extended_fields: dict[str, str] = Field(default_factory=dict)
    associated_with: str = ""
    """The till's code (only honoured when the org enables it, see docs/intouch-api.md)."""
    source: str = "INSTORE"
    loyalty_type: Literal["loyalty", "non_loyalty"] = "loyalty"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "profiles": [
                {
                    "firstName": self.first_name[:100],
                    "lastName": self.last_name[:100],
                    "identifiers": [i.model_dump(mode="json") for i in self.identifiers],
                    "fields": dict(self.fields),
                    "source": self.source,
                }
            ],
            "loyaltyInfo": {"loyaltyType": self.loyalty_type},
        }
        if self.associated_with:
            body["associatedWith"] = self.associated_with
        if self.extended_fields:
            body["extendedFields"] = dict(self.extended_fields)
        return body


class Warning_(ApiModel):
    status: bool | None = None
    code: int | None = None
    message: str = ""


class SideEffect(ApiModel):
    """What registration gave: `points`, `coupon` or `alternate_currency`."""

    type: str = ""
    awarded_points: Decimal | None = None
    coupon_code: str | None = None
    valid_till: str | None = None
    description: str = ""

    def told(self) -> str:
        """The sentence the cashier reads out to the shopper."""
        if self.awarded_points is not None:
            return f"{self.awarded_points.normalize():f} {self.type or 'points'} as a welcome"
        if self.coupon_code:
            until = f", valid until {self.valid_till}" if self.valid_till else ""
            return f"coupon {self.coupon_code}{until}"
        return self.description or self.type


class RegistrationAnswer(ApiModel):
    created_id: int
    warnings: tuple[Warning_, ...] = ()
    side_effects: tuple[SideEffect, ...] = ()
