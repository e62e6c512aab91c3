"""Remapping any binding ID moves that action, and only it: the old keys stop firing it.

Every Binding in tillui is collected (app, screens, dialogs, widgets); each one is remapped in
turn on a screen where it is live, its old keys are pressed (nothing), then the new key (it
fires). Actions are recorded, not run, so a screen stays put while its keys are tried. A second
binding for the same action (say a screen copy of the app's Quit with its own ID) fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import tillui.screens
import tillui.widgets
from tillui.app import TillApp
from tillui.commands.screenshots import SCENES, SIZE, build_app, settled

NEW_KEY = "f12"  # bound nowhere in tillui or in the Textual widgets it uses


def _modules() -> None:
    for package in (tillui.screens, tillui.widgets):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def tillui_bindings() -> dict[str, tuple[type[DOMNode], Binding]]:
    """Binding ID -> (the class declaring it, the binding), for every DOM class in tillui."""
    _modules()
    found: dict[str, tuple[type[DOMNode], Binding]] = {}
    for owner in {TillApp, *_subclasses(DOMNode)}:
        if not owner.__module__.startswith("tillui."):
            continue
        for binding in owner.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), f"{owner.__name__}: use Binding(...)"
            assert binding.id, f"{owner.__name__} binds {binding.key!r} without an id"
            assert binding.id not in found, f"binding ID {binding.id} declared twice"
            found[binding.id] = (owner, binding)
    return found


async def _setup(pilot: Any) -> None:
    from tillui.screens.setup import SetupScreen

    await pilot.app.services()
    pilot.app.push_screen(SetupScreen(Path("/nonexistent/tillui-test/config.toml")))
    await settled(pilot)


async def _save_anyway(pilot: Any) -> None:
    from tillui.screens.dialogs.save_anyway import SaveAnywayDialog

    await _setup(pilot)
    pilot.app.push_screen(SaveAnywayDialog(["FAILED  gateway  refused"]))
    await settled(pilot)


async def _request_detail(pilot: Any) -> None:
    await SCENES["requests"](pilot)
    await pilot.press("down", "enter")
    await settled(pilot, lambda: type(pilot.app.screen).__name__ == "RequestDetailScreen")


async def _status_filter(pilot: Any) -> None:
    await SCENES["requests"](pilot)
    await pilot.press("f")
    await settled(pilot, lambda: type(pilot.app.screen).__name__ == "StatusFilterDialog")


def _aim(action: str, namespace: type) -> tuple[type, str]:
    """What an action acts on: `app.quit` bound on a screen is the app's quit, so a screen's
    copy of an app binding counts as that binding firing."""
    prefix, _, name = action.rpartition(".")
    return (TillApp if prefix == "app" else namespace, name)


def _same(fired: tuple[type, str], expected: tuple[type, str]) -> bool:
    return fired[1] == expected[1] and issubclass(fired[0], expected[0])


async def _quit_question(pilot: Any) -> None:
    from tillui.screens.dialogs.confirm_quit import ConfirmQuitDialog, QuitQuestion

    await SCENES["lookup"](pilot)
    pilot.app.push_screen(ConfirmQuitDialog(QuitQuestion(sending=0, unconfirmed=1)))
    await settled(pilot, lambda: isinstance(pilot.app.screen, ConfirmQuitDialog))


async def _kiosk_pin(pilot: Any) -> None:
    from tillui.screens.dialogs.pin import PinDialog

    await SCENES["lookup"](pilot)
    pilot.app.push_screen(PinDialog(lambda pin: False, lambda: 0.0))
    await settled(pilot, lambda: isinstance(pilot.app.screen, PinDialog))


async def _checker_access(pilot: Any) -> None:
    from tillui.screens.dialogs.checker_access import CheckerAccessDialog

    await SCENES["lookup"](pilot)
    await pilot.press("ctrl+o")
    await settled(pilot, lambda: isinstance(pilot.app.screen, CheckerAccessDialog))


async def _claim_fields(pilot: Any) -> None:
    await SCENES["till-claims"](pilot)
    await pilot.press("enter")
    await settled(pilot, lambda: type(pilot.app.screen).__name__ == "FieldsDialog")


SCENE_OF: dict[str, Callable[[Any], Awaitable[None]]] = {
    **SCENES,
    "setup": _setup,
    "save-anyway": _save_anyway,
    "request-detail": _request_detail,
    "status-filter": _status_filter,
    "quit-question": _quit_question,
    "kiosk-pin": _kiosk_pin,
    "checker-access": _checker_access,
    "claim-fields": _claim_fields,
}

# Scenes built on another's demo (the manager's scenes run the demo with claims waiting).
DEMO_OF = {"claim-fields": "till-claims", "checker-access": "checker"}

# Where each class's bindings are live: the scene that brings it on screen (and focused).
WHERE: dict[str, str] = {
    "TillApp": "lookup",
    "LookupScreen": "lookup",
    "CustomerScreen": "customer",
    "ClaimScreen": "claim",
    "BillsTable": "claim",
    "ConfirmClaimDialog": "claim-confirm",
    "ClaimResultScreen": "claim-result",
    "RequestsScreen": "requests",
    "RequestsTable": "requests",
    "RequestDetailScreen": "request-detail",
    "StatusFilterDialog": "status-filter",
    "SettingsScreen": "settings",
    "HelpScreen": "help",
    "SetupScreen": "setup",
    "ConfirmQuitDialog": "quit-question",
    "PinDialog": "kiosk-pin",
    "TillClaimsScreen": "till-claims",
    "StateTable": "till-claims",
    "FieldsDialog": "claim-fields",
    "CheckerAccessDialog": "checker-access",
    "CheckerScreen": "checker",
    "CheckerDecisionDialog": "checker-reject",
    "SaveAnywayDialog": "save-anyway",
}


def test_every_binding_has_a_scene_to_try_it_in() -> None:
    owners = {owner.__name__ for owner, _ in tillui_bindings().values()}
    assert owners <= set(WHERE), f"add a scene for {sorted(owners - set(WHERE))}"


@pytest.mark.parametrize("scene", sorted(set(WHERE.values())))
async def test_remapping_moves_each_binding_and_only_it(scene: str) -> None:
    bindings = [
        (owner, binding)
        for owner, binding in tillui_bindings().values()
        if WHERE.get(owner.__name__) == scene
    ]
    assert bindings
    ours = [_aim(binding.action, owner) for owner, binding in tillui_bindings().values()]
    app = build_app(DEMO_OF.get(scene, scene))
    run_action = app.run_action
    fired: list[tuple[type, str]] = []

    async def record(action: str, default_namespace: DOMNode | None = None) -> bool:
        aim = _aim(action, type(default_namespace))
        target = default_namespace if default_namespace is not None else app
        if not target.check_action(action.split("(")[0].rsplit(".", 1)[-1], ()):
            return False  # disabled here: Textual's run_action would not fire it either
        fired.append(aim)
        if any(_same(aim, one) for one in ours):
            return True  # tillui's own: recorded, not run, so the screen stays put
        return await run_action(action, default_namespace)  # Textual's: may pass the key on

    async with app.run_test(size=SIZE) as pilot:
        await SCENE_OF[scene](pilot)
        app.run_action = record  # type: ignore[method-assign]

        async def fires(owner: type, binding: Binding, key: str) -> bool:
            fired.clear()
            await pilot.press(key)
            return any(_same(aim, _aim(binding.action, owner)) for aim in fired)

        for owner, binding in bindings:
            old_keys = [key.strip() for key in binding.key.split(",")]
            for key in old_keys:
                assert await fires(owner, binding, key), f"{binding.id}: {key} does not fire it"
            app.set_keymap({binding.id: NEW_KEY})
            await pilot.pause()
            for key in old_keys:
                assert not await fires(owner, binding, key), f"{binding.id}: {key} still fires"
            assert await fires(owner, binding, NEW_KEY), f"{binding.id}: {NEW_KEY} does not fire"
            app.set_keymap({})
            await pilot.pause()


async def test_home_footer_shows_the_apps_quit_and_settings_and_deeper_footers_do_not() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await SCENES["lookup"](pilot)
        shown = {str(key.description) for key in app.screen.query("FooterKey")}
        assert {"Settings", "Quit", "Help"} <= shown
        await SCENES["customer"](pilot)
        shown = {str(key.description) for key in app.screen.query("FooterKey")}
        assert "Help" in shown and not {"Settings", "Quit"} & shown


async def test_the_command_palette_has_one_help_entry() -> None:
    app = build_app()
    async with app.run_test(size=SIZE) as pilot:
        await SCENES["lookup"](pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Help") == 1 and "Keys" not in titles
        assert "Screenshot" not in titles  # it would save the customer's details to a file
        assert len(titles) == len(set(titles))
