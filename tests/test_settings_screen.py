"""Settings screen at 80x24: every setting with its origin and help, secrets never shown,
the connection test (demo sandbox in-process; a configured till over loopback HTTP)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tests.conftest import services_ready
from tests.screen_text import screen_text
from tillui.config.settings import Secrets, Settings
from tillui.config.writing import write_initial_config
from tillui.sandbox import DEMO
from tillui.sandbox.server import running_sandbox
from tillui.screens.lookup import LookupScreen
from tillui.screens.settings import SettingsScreen
from tillui.services import ServicesUnavailable

SIZE = (80, 24)
SECRET_FIELDS = tuple(Secrets.model_fields)


def widget_text(app) -> str:
    """What the screen's Static widgets hold, before any eliding to fit the width."""
    from textual.widgets import Static

    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


def cells(table: DataTable) -> dict[str, tuple[str, str]]:
    """Setting -> (shown value, origin), from the table itself."""
    rows = {}
    for row_key in table.rows:
        key, value, origin = (str(cell) for cell in table.get_row(row_key))
        rows[key] = (value, origin)
    return rows


async def open_settings(app, pilot, key: str = "f2") -> SettingsScreen:
    await services_ready(app)
    await pilot.press(key)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


async def run_test_connection(app, pilot) -> Static:
    await pilot.press("t")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen.query_one("#settings-verdict", Static)


async def test_demo_lists_every_setting_with_origin_and_hides_secrets(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        table = screen.query_one("#settings-table", DataTable)
        rows = cells(table)
        assert list(rows) == [*Settings.model_fields, *SECRET_FIELDS]
        assert rows["till_id"] == (str(DEMO.till_id), "demo")
        assert rows["retro_max_age_days"] == ("30", "demo")
        assert rows["password"] == ("set (hidden)", "demo")
        assert rows["oauth_key"] == ("unset", "-")
        assert "Demo: built-in sandbox settings" in screen_text(app)

        # Walk every row: the help panel follows the cursor and never shows a secret.
        help_panel = screen.query_one("#settings-help", Static)
        await pilot.press("down", "down")
        assert help_panel.border_title == "zone_id"
        seen_help = {}
        for index in range(len(rows)):
            table.move_cursor(row=index, animate=False)
            key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            for _ in range(20):  # the RowHighlighted message needs a turn of the loop or two
                await pilot.pause(0)
                if help_panel.border_title == key:
                    break
            assert help_panel.border_title == key
            seen_help[key] = str(help_panel.render())
            if key in SECRET_FIELDS:
                text = screen_text(app)
                assert DEMO.password not in text and DEMO.workflow_token not in text
        assert set(seen_help) == set(rows)
        assert not any(
            DEMO.password in help or DEMO.workflow_token in help for help in seen_help.values()
        )
        assert "cannot be claimed (TXN_MAX_ALLOWED_AGE_DAYS)" in seen_help["retro_max_age_days"]
        assert help_panel.border_title == SECRET_FIELDS[-1]
        assert "set (hidden)" in seen_help["workflow_token"]
        assert "X-CAP-UI-AUTH-TOKEN" in seen_help["workflow_token"]


async def test_demo_connection_test_reaches_the_sandbox(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "ctrl+t")
        verdict = await run_test_connection(app, pilot)
        lines = str(verdict.render()).splitlines()
        parts = {line.split()[1]: line for line in lines if line.split()[:1] != [""]}
        assert parts["config"].startswith("SKIPPED config   demo")
        assert parts["api"].startswith("OK      api      http://sandbox.demo accepted the")
        assert parts["gateway"].startswith("OK      gateway  http://sandbox.demo accepted the")
        assert verdict.has_class("-ok")


async def test_escape_goes_back(make_app) -> None:
    # (In kiosk mode the settings screen is not reachable at all: tests/test_kiosk.py.)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)


@pytest.fixture
def configured_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock):
    """A till configured through the files, against the sandbox over loopback; returns a
    builder taking the password to store."""
    for name in list(os.environ):
        if name.startswith("TILLUI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("TILLUI_THEME", "textual-light")
    monkeypatch.setattr(
        "tillui.wiring.configured.claims_outbox_path",
        lambda till_id: tmp_path / f"claims-{till_id}.sqlite3",
    )
    monkeypatch.setitem(sys.modules, "keyring", None)
    config = tmp_path / "config.toml"

    def build(url: str, password: str) -> Any:
        from functools import partial

        from tillui.app import TillApp
        from tillui.wiring.configured import configured_services

        write_initial_config(
            config,
            till_id="T1",
            store_id="S1",
            zone_id="Z1",
            concept_id="C1",
            api_base_url=url,
            workflow_base_url=url,
            org_id=str(DEMO.org_id),
            username=DEMO.username,
            secrets=Secrets(password=password),
        )
        app = TillApp(partial(configured_services, config_path=config), clock=clock)
        app.scan_guard.enabled = False
        return app

    return config, build


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        (DEMO.password, "OK      api      {url} accepted the credentials"),
        ("wrong-password", "FAILED  api      authentication refused by {url}"),
    ],
)
async def test_configured_till_origins_and_connection_test(
    configured_app, password: str, expected: str
) -> None:
    config, build = configured_app
    with running_sandbox() as url:
        app = build(url, password)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_settings(app, pilot)
            rows = cells(screen.query_one("#settings-table", DataTable))
            assert rows["till_id"] == ("T1", "till.T1")
            assert rows["store_id"] == ("S1", "till.T1")
            assert rows["api_base_url"][1] == "defaults"
            assert rows["theme"] == ("textual-light", "env TILLUI_THEME")
            assert rows["source"] == ("INSTORE", "default")
            assert rows["password"] == ("set (hidden)", "secrets till.T1")
            assert rows["workflow_token"] == ("unset", "-")
            assert str(config) in widget_text(app)  # the whole path, even where 80 columns elide it

            verdict = await run_test_connection(app, pilot)
            shown = str(verdict.render())
            # The same verdicts as `tillui config check`, one line per part.
            assert f"OK      config   {config}: till T1" in shown
            assert "OK      secrets  " in shown and "(mode 0600)" in shown
            assert expected.format(url=url) in shown
            # No workflow token: the gateway check fails and says what to set, either way.
            assert "FAILED  gateway  workflow_token is not set" in shown
            assert "SKIPPED journal" in shown
            assert verdict.has_class("-failed")
            assert password not in screen_text(app)


async def test_a_bad_config_is_explained_not_hidden(clock) -> None:
    from tillui.app import TillApp
    from tillui.config.layers import ConfigError

    def broken():
        raise ConfigError(
            "unknown key (did you mean 'theme'?)",
            path=Path("/etc/tillui/c.toml"),
            line=7,
            section="defaults",
            key="them",
        )

    app = TillApp(broken, clock=clock)
    app.scan_guard.enabled = False
    async with app.run_test(size=SIZE) as pilot:
        with pytest.raises(ServicesUnavailable):
            await app.services()
        await pilot.press("f2")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "The settings could not be loaded" in text
        assert "/etc/tillui/c.toml:7 [defaults] them" in text
        assert "tillui config show" in text
