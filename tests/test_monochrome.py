"""Without colour (NO_COLOR=1) an invalid field and the focused field are still told apart: by
border style, a reversed title and a ✗ mark, and the wording does not promise red."""

from __future__ import annotations

from tests.conftest import services_ready
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.identifier_input import IdentifierInput


def border_type(widget) -> str:
    return widget.styles.border_top[0]


async def test_invalid_and_focused_fields_without_colour(make_app, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await services_ready(app)
        mobile = app.screen.query_one("#field-mobile", IdentifierInput)
        email = app.screen.query_one("#field-email", IdentifierInput)
        await pilot.pause()
        assert mobile.has_focus
        # Focus: a heavy border and the title in reverse; the others are round.
        assert border_type(mobile) == "heavy" and border_type(email) == "round"
        assert "reverse" in str(mobile.styles.border_title_style)
        await pilot.press("tab")
        await pilot.press(*"not-an-email")
        await pilot.press("enter")
        await pilot.pause()
        panel = app.screen.query_one(ErrorPanel)
        said = str(panel.render())
        assert "red" not in said and "✗" in said
        assert email.border_subtitle.startswith("✗ ")
        assert border_type(email) == "double"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert border_type(email) == "double" and border_type(mobile) == "heavy"
