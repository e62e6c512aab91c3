"""The base of every Intouch model, and the small shapes several answers share."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Immutable, camelCase on the wire, snake_case in Python, unknown keys ignored.

    Built either from the API's JSON (aliases) or by name (tests, the sandbox, the outbox).
    """

    model_config = ConfigDict(
        extra="ignore",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
    )


class Entity(ApiModel):
    """An org entity (till, store, user) as Intouch embeds it in answers (`addedBy`, `createdBy`).

    Transactions carry only id/code/name/type; retro requests carry every key.
    """

    id: int
    code: str = ""
    name: str = ""
    type: str = ""
    description: str = ""
    reference_id: int | None = None
    admin_type: str | None = None
    is_active: bool | None = None
    is_ou_enabled: bool | None = None
    time_zone_id: int | None = None
    currency_id: int | None = None
    language_id: int | None = None
    is_default: bool | None = Field(
        default=None, validation_alias="default", serialization_alias="default"
    )


class Pagination(ApiModel):
    """`limit`/`offset`/`total` of a v2 list answer."""

    limit: int
    offset: int
    total: int

    @property
    def has_more(self) -> bool:
        """True when a further page exists after this one."""
        return self.offset + self.limit < self.total
