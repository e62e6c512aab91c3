"""Lookup -> Customer at 80x24, through the real client and the in-process sandbox."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import services_ready
from tillui.screens.customer import CustomerScreen
from tillui.screens.lookup import LookupScreen
from tillui.widgets.error_panel import ErrorPanel

SIZE = (80, 24)


async def type_into(pilot, field_id: str, text: str) -> None:
    pilot.app.screen.query_one(field_id, Input).focus()
    await pilot.press(*text)


async def test_lookup_by_mobile_shows_customer_and_points(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-mobile", "919800000001")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)
        lookup = app.session.lookup
        assert lookup.details.name == "Asha Rao"
        assert str(app.screen.query_one("#points-main").render()).startswith("8,500")
        assert "8,850.50" in str(app.screen.query_one("#points-total").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.session.lookup is None


async def test_lone_email_is_8015_with_guidance(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-email", "family.kumar@example.com")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        assert "No customer found for these identifiers" in str(panel.render())
        assert "primary identifier" in str(panel.render())


async def test_shared_email_plus_mobile_finds_the_primary(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-email", "family.kumar@example.com")
        await type_into(pilot, "#field-mobile", "919800000003")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)
        assert app.session.lookup.details.name == "Meera Kumar"
