"""Settings that change the app itself: the theme (16-colour terminals) and the key map."""

from __future__ import annotations

from tests.conftest import services_ready, until
from tillui.screens.customer import CustomerScreen
from tillui.screens.help import HelpScreen

SIZE = (80, 24)


async def test_ansi_theme_for_16_colour_terminals(make_app):
    app = make_app(flags={"theme": "ansi-dark"})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.pause()
        assert app.theme == "ansi-dark"
        assert app.screen.query_one("#lookup-fields").region.height == 12  # still laid out


async def test_keymap_from_settings_rebinds_an_action(make_app):
    app = make_app(flags={"keymap": {"customer.claim": "k"}})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.press(*"919800000007", "enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CustomerScreen)  # 'c' no longer claims
        await pilot.press("k")
        await until(pilot, lambda: type(app.screen).__name__ == "ClaimScreen")


async def test_help_lists_remapped_keys(make_app):
    app = make_app(flags={"keymap": {"customer.claim": "k"}})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        from tillui.screens.help import bindings_table

        table = bindings_table(type(app), app.keymap)
        keys = [cell for column in table.columns[:1] for cell in column.cells]
        assert "k" in keys
