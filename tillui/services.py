"""What the screens use to reach the world: settings, the API client and the claims service.

Built by a factory in a background thread right after the first frame (the client, pydantic
and httpx are too slow to import before it), so screens get it with `await app.services()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tillui.api.client import IntouchClient
    from tillui.claim_service import ClaimService
    from tillui.settings import Secrets, Settings


@dataclass
class DemoInfo:
    """What the demo tells a newcomer to type."""

    hints: list[str] = field(default_factory=list)


@dataclass
class Services:
    settings: "Settings"
    secrets: "Secrets"
    client: "IntouchClient"
    claims: "ClaimService"
    demo: DemoInfo | None = None

    async def aclose(self) -> None:
        await self.client.aclose()


ServicesFactory = Callable[[], Services]


class ServicesUnavailable(Exception):
    """The configuration or the client could not be loaded; str() is one line for the cashier."""
