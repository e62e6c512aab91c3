"""First run at 80x24: no config file -> setup screen -> connection test -> save -> lookup.

The app runs on the real wiring (`configured_services`) against the sandbox served over loopback
HTTP; every file lives under tmp_path (TILLUI_CONFIG, XDG dirs, the claims outbox).
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from tests.conftest import services_ready, until
from tillui.sandbox import DEMO
from tillui.sandbox.server import running_sandbox
from tillui.screens.customer import CustomerScreen
from tillui.screens.lookup import LookupScreen
from tillui.screens.setup import QUIT_NOTE, SetupScreen, field_error
from tillui.widgets.error_panel import ErrorPanel

SIZE = (80, 24)


@pytest.fixture
def config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TILLUI_CONFIG points at a file that does not exist yet; nothing reaches the real dirs."""
    for name in list(os.environ):
        if name.startswith("TILLUI_"):
            monkeypatch.delenv(name)
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("TILLUI_CONFIG", str(path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setattr(
        "tillui.wiring.configured.claims_outbox_path",
        lambda till_id: tmp_path / f"claims-{till_id}.sqlite3",
    )
    monkeypatch.setitem(sys.modules, "keyring", None)
    return path


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with running_sandbox() as url:
        yield url


def first_run_app(clock: Any):
    from tillui.app import TillApp
    from tillui.wiring.configured import configured_services

    app = TillApp(configured_services, clock=clock)
    app.scan_guard.enabled = False
    return app


async def setup_shown(app, pilot) -> SetupScreen:
    """Wait for the background load to find no config and open the setup screen (the first
    load in a test session also imports the client, pydantic and httpx: allow for a slow box)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        await pilot.pause(0.01)
        if isinstance(app.screen, SetupScreen) and isinstance(app.focused, Input):
            return app.screen
    raise AssertionError(f"setup screen not shown; screen is {app.screen!r}")


def fill(screen: SetupScreen, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#setup-{name}", Input).value = value


def answers(url: str) -> dict[str, str]:
    return {
        "till_id": str(DEMO.till_id),
        "store_id": str(DEMO.store_id),
        "zone_id": str(DEMO.zone_id),
        "concept_id": str(DEMO.concept_id),
        "api_base_url": url,
        "workflow_base_url": url,
        "org_id": str(DEMO.org_id),
        "username": DEMO.username,
        "password": DEMO.password,
        "workflow_token": DEMO.workflow_token,
    }


def widget_text(app) -> str:
    """What the screen's Static widgets hold, before any eliding to fit the width."""
    from textual.widgets import Static

    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


def screen_text(app) -> str:
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )


async def settle(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("id", "", "needed"),
        ("id", "  ", "needed"),
        ("id", "50682289", None),
        ("id", "5068 2289", "no spaces"),
        ("url", "https://eu.api.capillarytech.com", None),
        ("url", "http://127.0.0.1:8765", None),
        ("url", "eu.api.capillarytech.com", "a URL: https://host"),
        ("url", "ftp://eu.api.capillarytech.com", "a URL: https://host"),
        ("url", "https://", "a URL: https://host"),
        ("url", "https://host/api?x=1", "no ?query or #part"),
        ("text", "", "needed"),
        ("secret", "", "needed"),
        ("optional_secret", "", None),
    ],
)
def test_field_error(kind: Any, value: str, expected: str | None) -> None:
    assert field_error(kind, value) == expected


async def test_first_run_shows_setup_and_writes_nothing_yet(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        assert app.focused is screen.query_one("#setup-till_id", Input)
        assert str(config_path) in widget_text(
            app
        )  # the whole path, even where 80 columns elide it
        assert screen.query_one("#setup-password", Input).password
        assert screen.query_one("#setup-workflow_token", Input).password
        assert app.services_now is None
        assert not config_path.exists()
        app.exit()  # leaving without saving writes nothing either
    assert not config_path.parent.exists()


async def test_inline_validation_and_refused_save(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        await pilot.press("T", "1")
        await pilot.press("tab")  # leaving the empty store field marks it as needed
        await pilot.press("tab")
        assert str(screen.query_one("#note-store_id", Static).render()) == "✗ needed"
        assert screen.query_one("#row-store_id").has_class("-invalid")
        fill(screen, api_base_url="eu.api.capillarytech.com")
        await pilot.pause()
        assert "a URL" in str(screen.query_one("#note-api_base_url", Static).render())
        assert not screen.query_one("#row-till_id").has_class("-invalid")

        await pilot.press("ctrl+o")
        await settle(app, pilot)
        panel = screen.query_one(ErrorPanel)
        assert panel.display and "Nothing was saved" in str(panel.render())
        assert app.focused is screen.query_one("#setup-store_id", Input)  # first bad field
        assert not config_path.exists()
        assert isinstance(app.screen, SetupScreen)


async def test_connection_test_against_the_sandbox(
    config_path: Path, clock, sandbox_url: str
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, api_base_url=sandbox_url, username=DEMO.username, password=DEMO.password)
        verdict = screen.query_one("#setup-verdict", Static)
        await pilot.press("f5")
        await until(pilot, lambda: str(verdict.render()).startswith(("OK", "FAILED")), timeout=15)
        assert str(verdict.render()).startswith(f"OK: {sandbox_url} accepted the credentials")
        assert verdict.has_class("-ok")

        fill(screen, password="not-the-password")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: str(verdict.render()).startswith("FAILED"), timeout=15)
        assert str(verdict.render()).startswith(f"FAILED: authentication refused by {sandbox_url}")
        assert verdict.has_class("-failed")
        text = screen_text(app)
        assert "not-the-password" not in text and DEMO.password not in text
        assert not config_path.exists()  # testing writes nothing


async def test_connection_test_needs_url_and_credentials(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Fill in the fields marked ✗" in str(
            screen.query_one("#setup-verdict", Static).render()
        )
        assert app.focused is screen.query_one("#setup-username", Input)


async def test_save_writes_files_and_continues_to_lookup(
    config_path: Path, clock, sandbox_url: str
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url))
        await pilot.press("f9")
        await settle(app, pilot)
        await services_ready(app)
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)

        services = app.services_now
        assert services is not None and services.config_path == config_path
        assert services.settings.till_id == str(DEMO.till_id)
        assert services.settings.store_id == str(DEMO.store_id)
        assert services.settings.api_base_url == sandbox_url
        assert services.origins["store_id"] == f"till.{DEMO.till_id}"
        assert services.origins["password"] == f"secrets till.{DEMO.till_id}"

        # The configured client works: look a customer up over loopback.
        mobile = app.screen.query_one("#field-mobile", Input)
        mobile.value = DEMO.asha.mobile
        mobile.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CustomerScreen)

    config_text = config_path.read_text()
    assert f'default_till = "{DEMO.till_id}"' in config_text
    assert DEMO.password not in config_text and DEMO.workflow_token not in config_text
    secrets_file = config_path.with_name("secrets.toml")
    if os.name != "nt":
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert DEMO.workflow_token in secrets_file.read_text()


async def test_escape_quits_with_what_to_do(
    config_path: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = first_run_app(clock)
    exits: list[dict[str, Any]] = []
    real_exit = app.exit

    def recording_exit(*args: Any, **kwargs: Any) -> None:
        exits.append(kwargs)
        real_exit(*args, **kwargs)

    monkeypatch.setattr(app, "exit", recording_exit)
    async with app.run_test(size=SIZE) as pilot:
        await setup_shown(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert exits[0] == {"return_code": 2, "message": QUIT_NOTE}
    assert "tillui --demo" in QUIT_NOTE and "tillui config path" in QUIT_NOTE
    assert app.return_code == 2
    assert not config_path.exists()


async def test_settings_key_on_setup_does_not_open_settings(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        await setup_shown(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)


async def test_setup_closed_without_saving_quits_instead_of_waiting(
    config_path: Path, clock
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        await setup_shown(app, pilot)
        app.start_over()  # "New customer" from the palette pops every screen above the lookup
        await pilot.pause()
    assert app.return_code == 2
