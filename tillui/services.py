"""What the screens use to reach the world: settings, the API client and the claims service.

Built by a factory in a background thread right after the first frame (the client, pydantic
and httpx are too slow to import before it), so screens get it with `await app.services()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tillui.api.client import IntouchClient
    from tillui.claims.bill_numbers import BillNumbers
    from tillui.claims.service import ClaimService
    from tillui.config.settings import Secrets, Settings


@dataclass
class DemoInfo:
    """What the demo tells a newcomer to type, and the in-process sandbox behind it."""

    hints: list[str] = field(default_factory=list)
    sandbox: Any = None
    """The sandbox ASGI app (tests and screenshots inspect its state)."""
    transport: Any = None
    """The in-process transport to it (an httpx.AsyncBaseTransport), for other clients such as
    the settings screen's connection test: the demo's host exists only inside the process."""
    cleanup: Callable[[], None] | None = None
    checker_hint: str = ""
    """Shown where the checker view asks for a token: the demo's checker token and PIN."""


@dataclass
class Services:
    settings: Settings
    secrets: Secrets
    client: IntouchClient
    claims: ClaimService
    origins: dict[str, str] = field(default_factory=dict)
    """Where each effective setting came from (field -> 'till.T1', 'env TILLUI_X', …)."""
    config_path: Path | None = None
    demo: DemoInfo | None = None
    _bill_numbers: BillNumbers | None = field(default=None, init=False, repr=False)

    @property
    def bill_numbers(self) -> BillNumbers:
        """Bill numbers for transaction IDs (outbox, journal, one GET), cached for the run."""
        if self._bill_numbers is None:
            from tillui.claims.bill_numbers import BillNumbers

            self._bill_numbers = BillNumbers(
                self.client,
                claimed_bill=self.claims.bill_number_of,
                journal=self.settings.bills_journal,
            )
        return self._bill_numbers

    async def aclose(self) -> None:
        await self.claims.stop_background()
        await self.client.aclose()
        if self.demo is not None and self.demo.cleanup is not None:
            self.demo.cleanup()


ServicesFactory = Callable[[], Services]


class ServicesUnavailable(Exception):
    """The configuration or the client could not be loaded; str() is one line for the cashier."""


class FirstRunNeeded(Exception):
    """No configuration file yet: the app opens the setup screen instead of the lookup."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no configuration at {path}")
        self.path = path
