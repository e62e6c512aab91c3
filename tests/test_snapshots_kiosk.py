"""Snapshots of kiosk mode: the customer screen (masked, no reveal key) and the PIN dialog."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import services_ready, until
from tests.test_kiosk import KIOSK, PIN, with_pin
from tillui.commands.screenshots import look_up
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.pin import PinDialog

SIZE = (80, 24)


def test_kiosk_customer_screen(snap_compare, make_app) -> None:
    app = make_app(flags={**KIOSK, "mask_identifiers": False})

    async def run_before(pilot) -> None:
        await look_up(pilot, "919800000001")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        await pilot.press("m")  # no reveal key in a kiosk: the snapshot stays masked
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_kiosk_pin_dialog(snap_compare, make_app) -> None:
    app = make_app(flags=KIOSK)

    async def run_before(pilot) -> None:
        await services_ready(app)
        with_pin(app)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, PinDialog))
        await pilot.press(*PIN[:3])
        # A blinking cursor would be on or off depending on how long the scene took.
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
