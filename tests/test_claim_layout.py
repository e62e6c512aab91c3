"""The claim screen at 80x24: a long customer name and the limits both readable, and every
status word whole in its column."""

from __future__ import annotations

from rich.text import Text

from tests.test_flow_claim import SIZE, settle
from tillui.sandbox import DEMO
from tillui.screens.claim import STATUS_WORDS, BillsTable, ClaimScreen
from tillui.screens.customer import CustomerScreen

LONG_NAME = "Aarav Venkataraghavan Docsample-Subramanian"


async def open_claim_for(pilot, mobile: str, *, name: str | None = None) -> None:
    app = pilot.app
    await app.services()
    await pilot.press(*mobile, "enter")
    await settle(pilot)
    assert isinstance(app.screen, CustomerScreen)
    if name is not None:
        lookup = app.session.lookup
        first, _, last = name.partition(" ")
        details = lookup.details.model_copy(update={"first_name": first, "last_name": last})
        app.session.lookup = lookup.model_copy(update={"details": details})
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(app.screen, ClaimScreen)


def visible_lines(widget) -> list[str]:
    return [strip.text for strip in widget.render_lines(widget.region.reset_offset)]


async def test_a_long_name_and_the_limits_are_both_shown_whole(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim_for(pilot, DEMO.asha.mobile, name=LONG_NAME)
        title = app.screen.query_one("#claim-title")
        shown = " ".join(line.strip() for line in visible_lines(title))
        assert f"Claim a bill for {LONG_NAME}" in shown
        assert not title.region.overlaps(app.screen.query_one("#receipt").region)
        table = app.screen.query_one(BillsTable)
        assert "up to 30 days" in str(table.border_subtitle)
        assert "before registration" in str(table.border_subtitle)
        # The subtitle fits the table's bottom border.
        assert len(str(table.border_subtitle)) + 6 <= table.region.width


async def test_every_status_word_fits_its_column(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_claim_for(pilot, DEMO.asha.mobile)
        table = app.screen.query_one(BillsTable)
        width = table.columns["status"].width
        assert all(len(word) <= width for word in STATUS_WORDS)
        for row in table.ordered_rows:
            cell = table.get_cell(row.key, "status")
            assert isinstance(cell, Text) and cell.plain in STATUS_WORDS
        # Every column, and the scrollbar, fit inside the table's border at 80 columns.
        columns = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert columns + 1 <= table.content_region.width


VERY_LONG_NAME = "Aarav Venkataraghavan Docsample-Subramanian Ramachandran-Iyer"


async def test_a_very_long_name_wraps_on_the_customer_and_requests_screens(make_app) -> None:
    from tillui.screens.requests import RequestsScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.services()
        await pilot.press(*DEMO.asha.mobile, "enter")
        await settle(pilot)
        lookup = app.session.lookup
        first, _, last = VERY_LONG_NAME.partition(" ")
        details = lookup.details.model_copy(update={"first_name": first, "last_name": last})
        app.session.lookup = lookup.model_copy(update={"details": details})
        app.screen.render_lookup()
        await pilot.pause()
        shown = " ".join(
            line.strip() for line in visible_lines(app.screen.query_one("#customer-name"))
        )
        assert VERY_LONG_NAME in shown
        assert "Loyalty member" in " ".join(visible_lines(app.screen.query_one("#customer-tier")))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)
        title = app.screen.query_one("#requests-title")
        shown = " ".join(line.strip() for line in visible_lines(title))
        assert VERY_LONG_NAME in shown
        assert app.screen.query_one("#requests-head").region.contains_region(title.region)
