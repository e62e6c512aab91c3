"""Building the retro claim body of document 002 from the till's settings."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from tillui.api.auth import basic_authorization
from tillui.api.errors import BadRequest
from tillui.api.models.workflow import (
    ClaimPayload,
    EntityInfo,
    IntouchApiTask,
    RetroClaimRequest,
    RetroTaskBody,
    RetroTaskHeaders,
)
from tillui.config.settings import Secrets, Settings


def build_retro_claim(
    settings: Settings,
    secrets: Secrets,
    *,
    transaction_id: int,
    customer_id: int,
    notes: str = "",
    extended_fields: dict[str, Any] | None = None,
    custom_fields: dict[str, Any] | None = None,
) -> RetroClaimRequest:
    """The claim that tags NOT_INTERESTED bill `transaction_id` to `customer_id`.

    The workflow executes the claim later with the till's own Basic credentials, which is why
    the Authorization header goes inside the body. Raises AuthError when the till has no
    credentials, BadRequest when its entity IDs (all mandatory) are not configured.
    """
    entity_ids = {
        "till_id": settings.till_id,
        "store_id": settings.store_id,
        "zone_id": settings.zone_id,
        "concept_id": settings.concept_id,
    }
    missing = [name for name, value in entity_ids.items() if not value]
    if missing:
        raise BadRequest(None, f"The till settings lack {', '.join(missing)}, needed for a claim")
    return RetroClaimRequest(
        entity_info=EntityInfo(**entity_ids),
        payload=ClaimPayload(
            intouch_api_task=IntouchApiTask(
                hostname=settings.api_base_url.rstrip("/"),
                body=RetroTaskBody(
                    transaction_id=transaction_id,
                    customer_id=customer_id,
                    extended_fields=dict(extended_fields or {}),
                    custom_fields=dict(custom_fields or {}),
                    notes=notes,
                ),
                headers=RetroTaskHeaders(
                    authorization=SecretStr(basic_authorization(settings, secrets)),
                    client_signature=settings.client_signature,
                ),
            )
        ),
    )
