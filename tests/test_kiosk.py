"""Kiosk mode, rule by rule, through Pilot on the demo sandbox (80x24)."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pytest
from pydantic import SecretStr
from textual.command import CommandPalette
from textual.widgets import Input, OptionList

from tests.conftest import services_ready, until
from tillui.commands.screenshots import look_up
from tillui.config.kiosk import hash_pin, is_pin_hash, kiosk_from_env, pin_problem, verify_pin
from tillui.screens.customer import CustomerScreen
from tillui.screens.dialogs.pin import PinDialog
from tillui.screens.lookup import LookupScreen

SIZE = (80, 24)
PIN = "2468"
KIOSK = {"kiosk": True}


def with_pin(app, pin: str | None = PIN) -> None:
    services = app.services_now
    services.secrets = services.secrets.model_copy(
        update={"kiosk_pin_hash": SecretStr(hash_pin(pin)) if pin else None}
    )


def toasts(app) -> str:
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def press_quit(pilot) -> None:
    await pilot.press("ctrl+q")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# -- the PIN -------------------------------------------------------------------------------


def test_pin_hash_is_salted_and_verifies() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first != second and PIN not in first  # a fresh salt each time, never the PIN
    assert is_pin_hash(first) and verify_pin(PIN, first) and verify_pin(PIN, second)
    assert not verify_pin("2469", first)
    assert not verify_pin(PIN, "2468")  # a PIN pasted where its hash belongs never matches
    assert pin_problem("12a4") and pin_problem("123") and pin_problem("1111")
    assert pin_problem(PIN) is None


def test_tillui_kiosk_env_fails_safe() -> None:
    assert not kiosk_from_env({}) and not kiosk_from_env({"TILLUI_KIOSK": "false"})
    assert kiosk_from_env({"TILLUI_KIOSK": "1"}) and kiosk_from_env({"TILLUI_KIOSK": "maybe"})


# -- quitting --------------------------------------------------------------------------------


async def test_quit_asks_for_the_pin_and_only_the_right_pin_quits(make_app) -> None:
    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        with_pin(app)
        await press_quit(pilot)
        assert isinstance(app.screen, PinDialog)
        await pilot.press(*"1357", "enter")
        await until(pilot, lambda: "Wrong PIN" in str(app.screen.query_one("#pin-error").render()))
        assert app.return_code is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.return_code is None
        await press_quit(pilot)
        await pilot.press(*PIN, "enter")
        await until(pilot, lambda: app.return_code == 0)


async def test_three_wrong_pins_lock_quitting_out(make_app) -> None:
    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        with_pin(app)
        await press_quit(pilot)
        for _ in range(3):
            await pilot.press(*"9999", "enter")
            await pilot.pause(0.1)
        await until(pilot, lambda: isinstance(app.screen, LookupScreen))
        assert "Try again in 30 s" in toasts(app)
        await press_quit(pilot)  # even the right PIN is not asked for during the lockout
        assert not isinstance(app.screen, PinDialog) and app.return_code is None
        await until(pilot, lambda: "Too many wrong PINs" in toasts(app))


def test_pin_guard_lockouts_double_and_a_right_pin_resets_them() -> None:
    from tillui.config.kiosk import PinGuard

    now = [0.0]
    guard = PinGuard(clock=lambda: now[0])
    stored = hash_pin(PIN)
    for _ in range(3):
        assert not guard.check("1357", stored)
    assert guard.locked_for() == 30
    assert not guard.check(PIN, stored)  # locked out: not even checked
    now[0] += 30
    for _ in range(3):
        guard.check("1357", stored)
    assert guard.locked_for() == 60
    now[0] += 60
    assert guard.check(PIN, stored) and guard.locked_for() == 0


async def test_without_a_pin_quitting_is_disabled(make_app) -> None:
    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        with_pin(app, None)
        await press_quit(pilot)
        assert not isinstance(app.screen, PinDialog) and app.return_code is None
        await until(pilot, lambda: "Quitting is disabled" in toasts(app))


async def test_an_unconfirmed_claim_refuses_quitting_pin_or_not(make_app, monkeypatch) -> None:
    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        services = await app.services()
        with_pin(app)

        async def one_unconfirmed() -> int:
            return 1

        monkeypatch.setattr(services.claims, "unresolved_count", one_unconfirmed)
        await press_quit(pilot)
        assert not isinstance(app.screen, PinDialog) and app.return_code is None
        await until(pilot, lambda: "1 claim is not yet confirmed" in toasts(app))


async def test_a_claim_in_flight_refuses_quitting(make_app) -> None:
    from tillui.screens.claim import ClaimScreen

    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await look_up(pilot, "919800000001")
        with_pin(app)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ClaimScreen))
        app.screen._claiming = True  # what the screen sets while the claim is being sent
        await press_quit(pilot)
        assert app.return_code is None and isinstance(app.screen, ClaimScreen)
        await until(pilot, lambda: "A claim is being sent" in toasts(app))


async def test_outside_kiosk_mode_ctrl_q_quits_at_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.return_code == 0)


async def test_kiosk_from_the_command_line_holds_before_the_config_is_loaded(clock) -> None:
    from tillui.app import TillApp
    from tillui.services import FirstRunNeeded

    def no_config():
        raise FirstRunNeeded(Path("/nowhere/config.toml"))

    app = TillApp(no_config, clock=clock, kiosk=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.startup_error is not None)
        # No setup screen on a kiosk (it would let anyone configure the till), and no quit.
        assert isinstance(app.screen, LookupScreen)
        assert "does not open the setup" in app.startup_error
        await press_quit(pilot)
        assert app.return_code is None


async def test_the_configs_kiosk_key_turns_kiosk_mode_on(tmp_path, clock, monkeypatch) -> None:
    from tillui.app import TillApp
    from tillui.wiring import configured

    monkeypatch.setattr(configured, "claims_outbox_path", lambda till: tmp_path / "claims.sqlite3")
    config = tmp_path / "config.toml"
    config.write_text(
        'default_till = "T1"\n[store.S1]\nkiosk = true\n'
        '[till.T1]\nstore = "S1"\nzone = "Z1"\nconcept = "C1"\n'
        'username = "t"\n',
        encoding="utf-8",
    )
    factory = partial(configured.configured_services, config_path=config, env={})
    app = TillApp(factory, clock=clock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        assert app.kiosk and app.services_now.origins["kiosk"] == "store.S1"
        await press_quit(pilot)
        assert app.return_code is None
        await until(pilot, lambda: "Quitting is disabled" in toasts(app))


# -- identifiers, settings, palette ---------------------------------------------------------


async def test_identifiers_stay_masked_and_there_is_no_reveal_key(make_app) -> None:
    app = make_app(flags={**KIOSK, "mask_identifiers": False})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await look_up(pilot, "919800000001")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen))
        shown = str(app.screen.query_one("#customer-identifiers").render())
        assert "919800000001" not in shown and "*" in shown
        await pilot.press("m")
        await pilot.pause()
        assert "919800000001" not in str(app.screen.query_one("#customer-identifiers").render())
        assert not app.session.reveal_identifiers
        footer_keys = {binding.action for _, binding, *_ in app.screen.active_bindings.values()}
        assert "toggle_mask" not in {a for a in footer_keys if app.screen.check_action(a, ())}


async def test_settings_are_not_reachable(make_app) -> None:
    from tillui.screens.settings import SettingsScreen

    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await pilot.press("ctrl+t")
        await pilot.press("f2")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
        footer = " ".join(str(w.render()) for w in app.screen.query("FooterKey"))
        assert "Settings" not in footer and "Quit" in footer


# The till's own claims and the manager's checker view (which asks for a checker token or the
# manager PIN) are till actions too; nothing that leaves the kiosk or changes it is offered.
PALETTE_TILL_ACTIONS = {
    "New customer",
    "Help",
    "Check unsent claims",
    "Till claims",
    "Approve or reject claims (manager)",
}


async def palette_titles(pilot) -> set[str]:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: CommandPalette.is_open(pilot.app))
    options = pilot.app.screen.query_one(OptionList)
    await until(pilot, lambda: options.option_count > 0)
    return {
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    }


async def test_the_palette_offers_only_till_actions(make_app) -> None:
    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        titles = await palette_titles(pilot)
        assert titles == PALETTE_TILL_ACTIONS, titles


async def test_outside_kiosk_the_palette_has_settings_and_textuals_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        titles = await palette_titles(pilot)
        assert {"Settings", "Quit", "Theme"} <= titles
        assert "Screenshot" not in titles  # never: it would save the customer's details


# -- the idle reset --------------------------------------------------------------------------


async def test_idle_reset_clears_every_field_dialog_search_and_toast(make_app) -> None:
    app = make_app(flags={**KIOSK, "idle_timeout_seconds": 30})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await look_up(pilot, "919800000001")
        await pilot.press("c")
        await until(pilot, lambda: app.screen.query("#receipt"))
        await pilot.press(*"B-10")  # a half-typed receipt search
        app.notify("Claim of bill B-1001 sent", title="Asha Rao")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: CommandPalette.is_open(app))
        await pilot.press(*"cla")  # and a half-typed palette search
        app._last_activity -= 60
        app._reset_if_idle()
        await pilot.pause()
        assert len(app.screen_stack) == 1 and isinstance(app.screen, LookupScreen)
        assert app.session.lookup is None and app.session.identifiers == ()
        assert not app.session.claimed_transaction_ids
        assert all(field.value == "" for field in app.screen.query(Input))
        await until(pilot, lambda: not app.screen.query("Toast"))


async def test_idle_reset_clears_a_half_typed_mobile_on_the_lookup_screen(make_app) -> None:
    app = make_app(flags={**KIOSK, "idle_timeout_seconds": 30})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await pilot.press(*"98000")
        await pilot.press("tab", *"asha@")
        app._last_activity -= 60
        app._reset_if_idle()
        await pilot.pause()
        assert all(field.value == "" for field in app.screen.query(Input))
        assert app.screen.focused is app.screen.query_one("#field-mobile")


async def test_idle_reset_closes_the_pin_dialog(make_app) -> None:
    app = make_app(flags={**KIOSK, "idle_timeout_seconds": 30})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        with_pin(app)
        await press_quit(pilot)
        await pilot.press(*"24")
        assert isinstance(app.screen, PinDialog)
        app._last_activity -= 60
        app._reset_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen) and app.return_code is None


@pytest.mark.parametrize("till", [None, "T1"])
def test_set_pin_stores_only_a_salted_hash(tmp_path, monkeypatch, capsys, till) -> None:
    import io
    import stat

    from tillui.commands.config import main
    from tillui.config.secrets import read_secrets_file

    monkeypatch.delenv("TILLUI_SECRETS", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    config = tmp_path / "config.toml"
    argv = ["set-pin", "--config", str(config), *(["--till", till] if till else [])]
    assert main(argv) == 0
    secrets_file = tmp_path / "secrets.toml"
    text = secrets_file.read_text(encoding="utf-8")
    assert PIN not in text and PIN not in capsys.readouterr().out
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    section = read_secrets_file(secrets_file)[f"till.{till}" if till else "defaults"]
    assert verify_pin(PIN, section["kiosk_pin_hash"])
    assert main([*argv, "--remove"]) == 0
    assert "kiosk_pin_hash" not in read_secrets_file(secrets_file).get(
        f"till.{till}" if till else "defaults", {}
    )


def test_set_pin_refuses_a_weak_pin(tmp_path, monkeypatch, capsys) -> None:
    import io

    from tillui.commands.config import main

    monkeypatch.setattr("sys.stdin", io.StringIO("0000\n"))
    assert main(["set-pin", "--config", str(tmp_path / "config.toml")]) == 2
    assert "one digit repeated" in capsys.readouterr().err
    assert not (tmp_path / "secrets.toml").exists()


async def test_help_lists_no_settings_setup_or_reveal_key_in_kiosk_mode(make_app) -> None:
    from tillui.screens.help import HelpScreen

    app = make_app(flags=KIOSK)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await services_ready(app)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        from rich.console import Console
        from textual.widgets import Static

        table = app.screen.query_one("#help-table", Static).content
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(table)
        text = console.export_text()
        assert "Claim" in text and "Quit" in text
        assert "Settings" not in text and "First-run setup" not in text and "IDs" not in text


def test_serve_runs_each_session_with_the_till_and_kiosk_options() -> None:
    from tillui.commands.serve import DEFAULT_PORT, app_command, build_parser

    args = build_parser().parse_args(["--till", "T 7", "--kiosk", "--demo"])
    assert args.host == "127.0.0.1" and args.port == DEFAULT_PORT  # loopback unless told
    command = app_command(args)
    assert command.endswith("-m tillui --demo --kiosk --till 'T 7'")
