"""Every screen's footer fits 80 columns: each shown key ends left of '^p palette'."""

from __future__ import annotations

import pytest

from tillui.commands.screenshots import SCENES, SIZE, build_app

SCREENS_WITH_FOOTERS = [
    "lookup",
    "customer",
    "claim",
    "claim-result",
    "requests",
    "settings",
    "help",
    "till-claims",
    "checker",
]


@pytest.mark.parametrize("scene", SCREENS_WITH_FOOTERS)
async def test_footer_keys_are_all_visible_at_80_columns(scene):
    app = build_app(scene)
    async with app.run_test(size=SIZE) as pilot:
        await SCENES[scene](pilot)
        keys = [
            key for key in app.screen.query("FooterKey") if "-command-palette" not in key.classes
        ]
        palette = app.screen.query_one("FooterKey.-command-palette")
        assert keys, "a footer with no keys"
        for key in keys:
            assert key.region.right <= palette.region.x, f"{key.description!r} is cut off"
        descriptions = {key.description for key in keys}
        assert "Help" in descriptions or scene == "help"


@pytest.mark.parametrize("scene", SCREENS_WITH_FOOTERS)
async def test_footer_shows_keys_that_work_without_function_keys(scene):
    """A terminal (or SSH client) without F-keys: the footer shows the Ctrl key, not f1/f2/f5."""
    import re

    app = build_app(scene)
    async with app.run_test(size=SIZE) as pilot:
        await SCENES[scene](pilot)
        shown = [
            (key.key, key.description)
            for key in app.screen.query("FooterKey")
            if "-command-palette" not in key.classes
        ]
        assert not [s for s in shown if re.fullmatch(r"f\d+", s[0])], shown
        if scene != "help":
            assert ("ctrl+g", "Help") in shown
