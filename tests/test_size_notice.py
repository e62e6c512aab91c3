"""Below 80x24 every screen shows the "enlarge the terminal" message instead of its layout."""

from __future__ import annotations

import pytest

from tests.conftest import services_ready
from tillui.widgets.size_notice import SizeNotice


def notice_shown(app) -> bool:
    notices = list(app.screen.query(SizeNotice))
    return bool(notices) and notices[0].display and notices[0].region.area > 0


@pytest.mark.parametrize("size", [(60, 16), (79, 24), (80, 23), (20, 8)])
async def test_too_small_shows_the_notice_on_every_screen(make_app, size) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await services_ready(app)
        await pilot.pause()
        assert notice_shown(app)
        assert "at least 80x24" in str(app.screen.query_one(SizeNotice).render())
        app.action_help()
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert notice_shown(app)


async def test_80x24_shows_no_notice_and_resizing_brings_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await services_ready(app)
        await pilot.pause()
        assert not notice_shown(app)
        await pilot.resize_terminal(70, 24)
        await pilot.pause()
        assert notice_shown(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not notice_shown(app)


async def test_textuals_own_screens_get_the_notice_too(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await services_ready(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        assert not notice_shown(app)
        await pilot.resize_terminal(60, 16)
        await pilot.pause()
        assert notice_shown(app)
        await pilot.resize_terminal(80, 24)
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "LookupScreen" and not notice_shown(app)


@pytest.mark.parametrize("size", [(60, 16), (40, 12)])
async def test_no_key_reaches_the_screen_behind_the_notice(make_app, size) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await services_ready(app)
        await pilot.press("ctrl+g")  # Help: would open on a big enough terminal
        await pilot.press(*"0123")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "LookupScreen"
        assert not app.screen.holds_input()
        assert "Ctrl+Q quits" in str(app.screen.query_one(SizeNotice).render())
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
        assert app.return_code is not None


async def test_a_lasting_notice_stays_until_its_fault_is_gone(make_app) -> None:
    from tillui.widgets.lasting_notice import LastingNoticeLine

    fault = {"text": "Not logging: /var/log/till.log: the disk is full; free some space on it."}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await services_ready(app)
        app.lasting.watch("log", lambda: fault["text"])
        await pilot.pause()
        line = app.screen.query_one(LastingNoticeLine)
        assert line.display and "disk is full" in str(line.render())
        app.action_help()
        await pilot.pause()
        assert "disk is full" in str(app.screen.query_one(LastingNoticeLine).render())
        fault["text"] = None
        app.lasting.check_all()
        await pilot.pause()
        assert not app.screen.query_one(LastingNoticeLine).display
