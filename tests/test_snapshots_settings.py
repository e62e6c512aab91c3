"""Snapshots of the settings screen (demo, fixed clock) and of the first-run setup screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.conftest import services_ready
from tests.test_setup_screen import setup_shown
from tillui.clock import FixedClock
from tillui.screens.settings import SettingsScreen

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def no_tillui_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TILLUI_"):
            monkeypatch.delenv(name)


def test_settings_screen(snap_compare, make_app) -> None:
    app = make_app()

    async def run_before(pilot) -> None:
        await services_ready(app)
        # The demo's journal lives in a fresh temporary folder: show a till's usual path instead.
        services = app.services_now
        services.settings = services.settings.model_copy(
            update={"bills_journal": Path("/var/lib/pos/recent-bills.jsonl")}
        )
        await pilot.press("f2")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("down", "down", "down", "down")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_setup_screen(snap_compare, clock: FixedClock) -> None:
    from tillui.app import TillApp
    from tillui.services import FirstRunNeeded

    def first_run():  # the path is only shown: nothing is written without the save key
        raise FirstRunNeeded(Path("/home/till/.config/tillui/config.toml"))

    app = TillApp(first_run, clock=clock)
    app.scan_guard.enabled = False

    async def run_before(pilot) -> None:
        await setup_shown(app, pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.press(*"50682289", "tab", "tab")  # store ID left empty: "needed"
        app.screen.query_one("#setup-api_base_url", Input).value = "eu.api.capillarytech"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
