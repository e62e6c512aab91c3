"""Lookup -> Customer at 80x24, through the real client and the in-process sandbox."""

from __future__ import annotations

from textual.widgets import Input

from tests.conftest import scan, services_ready, until
from tillui.commands.screenshots import look_up
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


def sandbox_state(app):
    return app.services_now.demo.sandbox.state.sandbox


async def test_a_timeout_is_a_message_and_the_form_is_kept(make_app):
    app = make_app(flags={"read_timeout": 0.2, "connect_timeout": 0.2})
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        sandbox_state(app).faults.inject("/v2/customers/lookup", "delay", count=10, delay_seconds=5)
        await type_into(pilot, "#field-mobile", "919800000001")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display, timeout=10)
        assert isinstance(app.screen, LookupScreen)
        assert "did not answer in time" in str(app.screen.query_one(ErrorPanel).render())
        assert app.screen.query_one("#field-mobile", Input).value == "919800000001"


async def test_an_invalid_field_blocks_sending(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-mobile", "919800000001")
        await type_into(pilot, "#field-email", "asha@")
        await pilot.press("enter")
        await pilot.pause()
        email = app.screen.query_one("#field-email", Input)
        assert email.has_class("-invalid") and email.border_subtitle
        assert app.session.lookup is None and isinstance(app.screen, LookupScreen)
        assert "Nothing was sent" in str(app.screen.query_one(ErrorPanel).render())


async def test_an_empty_form_asks_for_an_identifier(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "at least one identifier" in str(app.screen.query_one(ErrorPanel).render())


async def test_a_card_scanned_on_the_customer_screen_looks_up_the_next_customer(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "919800000001")
        # A QR code carrying the mobile (the primary identifier; a card alone would be 8015).
        # Its digits are held back, so none of them reaches the screen as a key.
        await scan(pilot, "919800000007")
        await until(
            pilot,
            lambda: (
                app.session.lookup is not None and app.session.lookup.details.name == "Omar Haddad"
            ),
        )
        assert isinstance(app.screen, CustomerScreen)


async def test_a_scanned_code_starting_with_shortcut_letters_fires_no_shortcut(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "919800000001")
        await scan(pilot, "CARD0007")  # 'c' would claim, 'r' would open requests
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        assert app.screen.query_one("#field-cardnumber", Input).value == "CARD0007"
        await until(pilot, lambda: app.screen.query_one(ErrorPanel).display)
        assert "primary identifier" in str(app.screen.query_one(ErrorPanel).render())


async def test_a_single_letter_still_works_with_the_scan_guard_on(make_app):
    app = make_app(scan_guard=True)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "919800000001")
        await pilot.press("m")
        await until(pilot, lambda: app.session.reveal_identifiers)
        assert "919800000001" in str(app.screen.query_one("#customer-identifiers").render())


async def test_idle_reset_forgets_the_customer(make_app):
    app = make_app(flags={"idle_timeout_seconds": 1})
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "919800000001")
        app._last_activity -= 10
        app._reset_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.session.lookup is None
        assert app.screen.query_one("#field-mobile", Input).value == ""


async def test_all_programs_toggle_sums_points(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "919800000001")
        default_total = app.session.lookup.points.total_points
        await pilot.press("a")
        await until(pilot, lambda: app.session.lookup.points.total_points != default_total)
        programs = app.session.lookup.details.programs
        assert app.session.lookup.points.total_points == sum(
            p.total_available_points for p in programs
        )
        assert "all programs" in str(app.screen.query_one("#points").border_title)


async def test_email_alone_finds_the_customer_when_dual_eligibility_is_off(make_app):
    app = make_app(dual_eligibility=False)
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-email", "asha.rao@example.com")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert app.session.lookup.details.name == "Asha Rao"


async def test_the_documents_example_mobile_finds_its_customer_with_a_quiet_warning(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await services_ready(app)
        await type_into(pilot, "#field-mobile", "915795008395")
        field = app.screen.query_one("#field-mobile", Input)
        assert "server decides" in str(field.border_subtitle)
        assert field.has_class("-warning") and not field.has_class("-invalid")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        assert app.session.lookup.details.name == "Aarav Docsample"
