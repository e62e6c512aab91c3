"""The identifier value type shared by the screens, the API client and the config.

Kept free of validators (phonenumbers, email-validator) so that importing it costs nothing:
the client and the first frame both need it, neither should pay for validation libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

IdentifierName = Literal["mobile", "email", "externalId", "cardnumber"]
IDENTIFIER_NAMES: tuple[IdentifierName, ...] = get_args(IdentifierName)

ScanKind = Literal["email", "mobile", "cardnumber", "receipt", "externalId", "unknown"]
"""What a scanned code carries: one of the identifiers, a receipt, or nothing recognised."""

IDENTIFIER_LABELS: dict[IdentifierName, str] = {
    "mobile": "Mobile",
    "email": "Email",
    "externalId": "External ID",
    "cardnumber": "Card number",
}


@dataclass(frozen=True, slots=True)
class Identifier:
    """One customer identifier as the Intouch API names it (`identifierName` / `identifierValue`).

    `value` is already normalised (see `tillui.counter.identifiers`): mobiles as digits with country
    code and no '+', emails lower-cased, the rest stripped.
    """

    name: IdentifierName
    value: str


def identifier_query(identifiers: list[Identifier] | tuple[Identifier, ...]) -> dict[str, str]:
    """The comma-separated `identifierName` / `identifierValue` pair, names and values in one order."""
    if not identifiers:
        raise ValueError("at least one identifier is needed")
    return {
        "identifierName": ",".join(i.name for i in identifiers),
        "identifierValue": ",".join(i.value for i in identifiers),
    }
