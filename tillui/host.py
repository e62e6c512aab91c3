"""What screens, widgets and the scan guard may ask of the running app, as a typed protocol.

Screens reach the app through `TillScreen.till` (see `tillui.screens.base`) instead of importing
`tillui.app`, which imports the screens: the dependency points one way, app → screens → host.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual import events
    from textual.app import SystemCommand

    from tillui.clock import Clock
    from tillui.services import Services
    from tillui.session import Session


class TillHost(Protocol):
    """The till-specific part of the app; the rest is Textual's own `App` API."""

    clock: Clock
    demo: bool
    session: Session
    keymap: dict[str, str]
    """The binding-ID -> keys map in force (from the config's `keymap` tables)."""

    async def services(self) -> Services:
        """The loaded services; waits for the background load; raises ServicesUnavailable."""
        ...

    @property
    def kiosk(self) -> bool:
        """Kiosk mode: identifiers always masked, no settings, quitting needs the PIN."""
        ...

    @property
    def services_now(self) -> Services | None:
        """The services if already loaded, else None (never waits)."""
        ...

    def start_over(self, *, scanned: str | None = None) -> None:
        """Forget the customer and return to an empty lookup screen (optionally with a scan)."""
        ...

    def show_customer(self) -> None:
        """Show the customer of the session (just looked up) on the customer screen."""
        ...

    async def show_unsent_claims(self) -> None:
        """Refresh the home screen's count of claims the server has not confirmed."""
        ...

    async def replay_key(self, event: events.Key) -> None:
        """Deliver a key the scan guard held back."""
        ...


class TillCapabilities:
    """Capabilities shared by full screens and dialogs (mixed into both)."""

    scan_starts_lookup: bool = False
    """Scans on this screen are routed (see `tillui.screens.scan_guard`): by the screen's own
    `on_scanned_code` if it has one, else a customer's code starts a new lookup."""

    scan_harmless_actions: frozenset[str] = frozenset()
    """Actions a printable key runs at once where scans are watched, before it is known whether
    a scan follows (a scan's lookup makes them moot: page flips). Other printable keys there
    are held back a moment in case they are a scan's first (`tillui.screens.scan_guard`)."""

    customer_home: bool = False
    """The customer's own screen: where the cashier returns when a claim is done."""

    settings_ready: bool = True
    """False where the settings screen has nothing to show yet (the first-run setup)."""

    def customer_changed(self) -> None:
        """Something changed the customer's points or requests (a claim): show them afresh."""

    @property
    def busy(self) -> bool:
        """True while the screen must not be popped by the idle reset (a claim being sent)."""
        return False

    def palette_commands(self) -> Iterable[SystemCommand]:
        """This screen's own entries for the command palette."""
        return ()
