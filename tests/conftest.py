"""Shared fixtures: a fixed clock, and the app wired to the in-process sandbox (demo data)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.screen_text import record_notices
from tillui.clock import FixedClock

# Property tests: derandomized (the same cases on every run, so CI failures reproduce), no
# per-example deadline (2 shared cores), case counts set per test (tests/test_properties.py).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=IST)


# The fast loop (`pytest -m "not slow"`, docs/development.md): every test that runs the whole
# app (Pilot), a snapshot, a real process, terminal, browser or sshd, or many generated cases
# is `slow`. CI and the README's command run everything.
SLOW_MODULES = frozenset(
    {
        "test_browser_kiosk", "test_claims_command", "test_claims_kill", "test_claims_soak",
        "test_cli", "test_client_imports", "test_footers", "test_keymap_every_binding",
        "test_properties", "test_settings_screen", "test_setup_screen", "test_snapshots",
        "test_snapshots_kiosk", "test_snapshots_requests", "test_snapshots_settings",
        "test_ssh_kiosk", "test_terminal", "test_terminal_crash", "test_terminal_tmux",
        "test_wheel", "test_lean_start", "test_requests_table", "test_spinner",
        "test_import_hygiene", "test_sandbox_server",
    }
)  # fmt: skip
SLOW_FIXTURES = frozenset({"make_app", "snap_compare"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> None:
    """No test reads or writes the user's real files or keyring: HOME and the XDG directories
    point into a temp dir, and the optional keyring cannot be imported."""
    import sys

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name, folder in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_STATE_HOME", ".local/state"),
    ):
        monkeypatch.setenv(name, str(home / folder))
    for name in ("TILLUI_CONFIG", "TILLUI_SECRETS", "TILLUI_TILL", "TILLUI_LOG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.setitem(sys.modules, "keyring", None)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW, tz=IST)


@pytest.fixture
def make_app(clock: FixedClock) -> Callable[..., Any]:
    """Build a TillApp on the demo sandbox; keyword arguments tune the sandbox config."""

    def build(
        *, flags: Mapping[str, Any] | None = None, scan_guard: bool = False, **sandbox_options: Any
    ):
        from tillui.app import TillApp
        from tillui.wiring.demo import demo_services

        factory = partial(demo_services, clock=clock, flags=flags, sandbox_options=sandbox_options)
        app = TillApp(factory, clock=clock, demo=True)
        app.scan_guard.enabled = scan_guard
        record_notices(app)  # tests read them with tests.screen_text.notices(app)
        return app

    return build


async def services_ready(app) -> None:
    """Wait until the background load finished (tests then drive the screens)."""
    await app.services()


async def until(pilot, condition, *, timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (fails the test after `timeout` seconds)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(
                f"timed out waiting for {condition.__name__ if hasattr(condition, '__name__') else condition}"
            )
        await pilot.pause(0.02)


async def scan(pilot, code: str) -> None:
    """Deliver `code` + Enter the way a barcode scanner does: all keys in one burst."""
    from textual import events

    for character in code:
        pilot.app.post_message(events.Key(character, character))
    pilot.app.post_message(events.Key("enter", "\r"))
    await pilot.pause()
    await scan_guard_idle(pilot)


async def scan_guard_idle(pilot) -> None:
    """Wait until the scan guard holds no keys back (it released or consumed them)."""
    await until(pilot, lambda: not pilot.app.scan_guard.holding)
