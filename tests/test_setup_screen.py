"""First run at 80x24: no config file -> setup steps -> check (API, gateway, journal) -> save.

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
from textual import events
from textual.widgets import Button, Input, Static

from tests.conftest import services_ready, until
from tests.screen_text import screen_text
from tillui.sandbox import DEMO
from tillui.sandbox.server import running_sandbox
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.save_anyway import SaveAnywayDialog
from tillui.screens.lookup import LookupScreen
from tillui.screens.setup import FIELDS, QUIT_NOTE, STEPS, SetupScreen, field_error
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
        screen = app.screen
        # Mounted: its first step is shown and its defaults are filled in (no later overwrite).
        if isinstance(screen, SetupScreen) and isinstance(app.focused, Input):
            title = screen.query_one("#setup-title", Static)
            if "step 1 of" in str(title.render()):
                await pilot.pause()
                return screen
    raise AssertionError(f"setup screen not shown; screen is {app.screen!r}")


def fill(screen: SetupScreen, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#setup-{name}", Input).value = value


def answers(url: str, journal: Path | None = None) -> dict[str, str]:
    return {
        "bills_journal": str(journal) if journal else "",
        "retro_max_age_days": "14",
        "retro_delay_hours": "2",
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
        ("count", "30", None),
        ("count", "-1", "a whole number"),
        ("count", "3.5", "a whole number"),
        ("path", "bills.jsonl", "a full path: /…"),
        ("path", "/var/pos/bills.jsonl", None),
    ],
)
def test_field_error(kind: Any, value: str, expected: str | None) -> None:
    assert field_error(kind, value) == expected


def test_the_journal_is_the_only_optional_answer() -> None:
    assert [field.name for field in FIELDS if field.optional] == ["bills_journal"]
    names = {field.name for field in FIELDS}
    for needed in ("org_id", "workflow_token", "workflow_base_url", "retro_max_age_days"):
        assert needed in names


GOOD_LINE = (
    '{"transactionId": 7648261, "billNumber": "B-1", "billingTime": "2025-11-23T10:42:05+05:30",'
    ' "amount": 1249.50}\n'
)


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "bills.jsonl"
    path.write_text("".join(GOOD_LINE.replace("7648261", str(n)) for n in (1, 2, 3)))
    return path


async def check_done(app, pilot, screen: SetupScreen) -> str:
    verdict = screen.query_one("#setup-verdict", Static)
    await until(pilot, lambda: "journal" in str(verdict.render()), timeout=15)
    await settle(app, pilot)
    return str(verdict.render())


async def test_first_run_shows_step_one_and_writes_nothing_yet(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        assert app.focused is screen.query_one("#setup-till_id", Input)
        assert "step 1 of 5: This till" in screen_text(app)
        assert str(config_path) in widget_text(app)  # the whole path, even where 80 cols elide it
        assert screen.query_one("#setup-password", Input).password
        assert screen.query_one("#setup-workflow_token", Input).password
        assert app.services_now is None
        assert not config_path.exists()
        app.exit()  # leaving without saving writes nothing either
    assert not config_path.parent.exists()


async def test_enter_walks_the_steps_and_stops_at_a_bad_field(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        await pilot.press("T", "1", "enter")
        assert app.focused is screen.query_one("#setup-store_id", Input)
        await pilot.press("enter", "enter", "enter")  # store, zone, concept left empty
        assert screen.step == 0
        assert str(screen.query_one("#note-store_id", Static).render()) == "✗ needed"
        assert screen.query_one("#row-store_id").has_class("-invalid")
        assert app.focused is screen.query_one("#setup-store_id", Input)  # the first bad one
        fill(screen, store_id="S1", zone_id="Z1", concept_id="C1")
        await pilot.press("enter", "enter", "enter")  # store -> zone -> concept -> next step
        assert screen.step == 1 and "step 2 of 5: Intouch cluster" in screen_text(app)
        assert app.focused is screen.query_one("#setup-api_base_url", Input)
        fill(screen, api_base_url="eu.api.capillarytech.com")
        await pilot.pause()
        assert "a URL" in str(screen.query_one("#note-api_base_url", Static).render())
        await pilot.press("enter", "enter", "enter")
        assert screen.step == 1
        assert not config_path.exists()


async def test_escape_goes_back_a_step_and_never_quits(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, till_id="T1", store_id="S1", zone_id="Z1", concept_id="C1")
        await pilot.press("enter", "enter", "enter", "enter")
        assert screen.step == 1
        await pilot.press("escape")
        assert screen.step == 0 and app.focused is screen.query_one("#setup-till_id", Input)
        assert screen.query_one("#setup-concept_id", Input).value == "C1"  # answers kept
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.is_running and app.screen is screen and app.return_code is None
        assert "first step" in screen_text(app)


async def test_ctrl_q_quits_with_what_to_do(
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
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert exits[0] == {"return_code": 2, "message": QUIT_NOTE}
    assert "tillui --demo" in QUIT_NOTE and "tillui config path" in QUIT_NOTE
    assert app.return_code == 2
    assert not config_path.exists()


async def test_fast_tab_then_type_lands_in_the_next_field(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        await pilot.press("T", "1")
        # A fast typist: Tab and the next letters are queued before the Tab is handled.
        for key, character in (("tab", "\t"), ("s", "s"), ("enter", "\r"), ("z", "z")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#setup-till_id", Input).value == "T1"
        assert screen.query_one("#setup-store_id", Input).value == "s"
        assert screen.query_one("#setup-zone_id", Input).value == "z"


async def test_focus_is_always_visible(config_path: Path, clock, sandbox_url: str) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url))
        for number, step in enumerate(STEPS):
            assert screen.step == number
            for _ in range(len(step.fields) + 2):  # around the step and back to its start
                focused = app.focused
                assert focused is not None and focused.display
                assert screen.region.contains_region(focused.region), focused
                if isinstance(focused, Input):
                    row = screen.query_one(f"#row-{focused.id.removeprefix('setup-')}")
                    assert row.has_pseudo_class("focus-within")
                await pilot.press("tab")
            if number < len(STEPS) - 1:
                screen.query_one(f"#setup-{step.fields[-1].name}", Input).focus()
                await pilot.press("enter")
        await check_done(app, pilot, screen)
        assert isinstance(app.focused, Button) and screen.region.contains_region(app.focused.region)


async def test_check_against_the_sandbox_tests_api_gateway_and_journal(
    config_path: Path, clock, sandbox_url: str, journal: Path
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url, journal))
        await pilot.press("f5")
        text = await check_done(app, pilot, screen)
        assert f"OK      api      {sandbox_url} accepted the credentials" in text
        assert f"OK      gateway  {sandbox_url} accepted the workflow token" in text
        assert "OK      journal" in text and "the last 3 bills parse" in text

        fill(screen, password="not-the-password", workflow_token="not-the-token")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "FAILED" in str(screen.query_one("#setup-verdict").render()))
        text = await check_done(app, pilot, screen)
        assert f"FAILED  api      authentication refused by {sandbox_url}" in text
        assert f"FAILED  gateway  {sandbox_url} refused the workflow token" in text
        shown = screen_text(app)
        assert "not-the-password" not in shown and DEMO.password not in shown
        assert "not-the-token" not in shown and DEMO.workflow_token not in shown
        assert not config_path.exists()  # checking writes nothing


async def test_the_check_needs_every_answer(config_path: Path, clock) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Fill in the fields marked ✗" in str(
            screen.query_one("#setup-verdict", Static).render()
        )
        assert app.focused is screen.query_one("#setup-till_id", Input)


async def test_a_bad_journal_stops_the_claims_step(
    config_path: Path, clock, sandbox_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOOD_LINE + '{"transactionId": 2, "billNumber": "B-2"}\n')
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url, tmp_path / "missing.jsonl"))
        await pilot.press(*["enter"] * 10)  # through steps 1-3 to the journal
        assert screen.step == 3 and app.focused is screen.query_one("#setup-bills_journal")
        await pilot.press("enter", "enter", "enter")
        assert screen.step == 3
        assert "does not exist" in str(screen.query_one("#setup-step-note", Static).render())
        assert app.focused is screen.query_one("#setup-bills_journal", Input)
        fill(screen, bills_journal=str(bad))
        await pilot.press("enter", "enter", "enter")
        assert screen.step == 3
        assert "billingTime is missing" in str(
            screen.query_one("#setup-step-note", Static).render()
        )
        fill(screen, bills_journal="")  # optional: no journal, bills by receipt number only
        await pilot.press("enter", "enter", "enter")
        assert screen.step == 4


async def test_save_after_a_passed_check_writes_files_and_continues_to_lookup(
    config_path: Path, clock, sandbox_url: str, journal: Path
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url, journal))
        await pilot.press("f9")  # not checked yet: the check runs first, then the save
        await until(pilot, lambda: not isinstance(app.screen, SetupScreen), timeout=15)
        await services_ready(app)
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)

        services = app.services_now
        assert services is not None and services.config_path == config_path
        assert services.settings.till_id == str(DEMO.till_id)
        assert services.settings.store_id == str(DEMO.store_id)
        assert services.settings.api_base_url == sandbox_url
        assert services.settings.org_id == str(DEMO.org_id)
        assert services.settings.bills_journal == journal
        assert services.settings.retro_max_age_days == 14
        assert services.settings.retro_delay_hours == 2
        assert services.origins["store_id"] == f"till.{DEMO.till_id}"
        assert services.origins["password"] == f"secrets till.{DEMO.till_id}"
        assert services.origins["workflow_token"] == f"secrets till.{DEMO.till_id}"

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


async def test_a_failed_check_is_saved_only_on_save_anyway(
    config_path: Path, clock, sandbox_url: str
) -> None:
    app = first_run_app(clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await setup_shown(app, pilot)
        fill(screen, **answers(sandbox_url))
        fill(screen, workflow_token="not-the-token")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, SaveAnywayDialog), timeout=15)
        dialog = app.screen
        assert "refused the workflow token" in widget_text(app)
        assert app.focused is dialog.query_one("#save-anyway-back", Button)
        await pilot.press("escape")  # back to fix it
        await settle(app, pilot)
        assert app.screen is screen and not config_path.exists()
        assert "Not saved: the check failed" in str(screen.query_one(ErrorPanel).render())

        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, SaveAnywayDialog), timeout=15)
        await pilot.press("enter")  # the focused "Back to fix it"
        await settle(app, pilot)
        assert app.screen is screen and not config_path.exists()

        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, SaveAnywayDialog), timeout=15)
        await pilot.press("tab", "enter")  # "Save anyway", chosen explicitly
        await until(pilot, config_path.exists, timeout=15)
        await settle(app, pilot)
        assert not isinstance(app.screen, SetupScreen)
    assert "not-the-token" in config_path.with_name("secrets.toml").read_text()


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
