"""A customer's retro requests (documents 000 and 001)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from tillui.api.models.base import ApiModel, Entity, Pagination


class RetroRequest(ApiModel):
    """One retro request: PENDING, APPROVED, REJECTED, SUCCESS or FAILURE."""

    id: int
    status: str
    added_by: Entity
    added_by_parent: Entity | None = None
    """Usually the store of the till in `added_by`."""
    updated_by: Entity | None = None
    added_on: AwareDatetime
    updated_on: AwareDatetime | None = None
    user_id: int
    """The customer's ID."""
    request_id: int | str
    """Document 001 shows a number; the workflow gateway's request IDs are UUID strings."""
    base_type: str = "RETRO"
    reason: str = ""
    comments: str = ""
    transaction_id: int | None = None
    warnings: list[Any] = Field(default_factory=list)
    req_add: bool = False
    one_step: bool = False


class RetroRequestPage(ApiModel):
    """One page of retro requests, in the order the server gave them."""

    pagination: Pagination
    items: list[RetroRequest] = Field(
        default_factory=list, validation_alias="data", serialization_alias="data"
    )
    warnings: list[Any] = Field(default_factory=list)
