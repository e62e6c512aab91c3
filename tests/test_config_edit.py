"""Writing the config: `set_value` keeps comments and order and refuses bad results; first-run."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from tillui.config.layers import ConfigError, load_config
from tillui.config.settings import Secrets
from tillui.config.writing import set_value, write_initial_config

ORIGINAL = """\
# Till configuration for the Main Street store.
default_till = "T1"

[defaults]
api_base_url = "https://eu.api.capillarytech.com"  # EU cluster
theme = "textual-dark"

# The front till.
[till.T1]
store = "S1"  # Main Street
zone = "Z1"
concept = "C1"
retro_max_age_days = 30  # brand limit
"""


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return path


def test_set_round_trip_keeps_comments_and_order(config: Path) -> None:
    set_value(config, "till.T1.retro_max_age_days", "14")
    set_value(config, "defaults.api_base_url", "https://apac.api.capillarytech.com")
    expected = ORIGINAL.replace("retro_max_age_days = 30", "retro_max_age_days = 14").replace(
        '"https://eu.api.capillarytech.com"', '"https://apac.api.capillarytech.com"'
    )
    assert config.read_text() == expected
    resolved = load_config(path=config, env={})
    assert resolved.settings.retro_max_age_days == 14
    assert resolved.origins["retro_max_age_days"] == "till.T1"


def test_set_parses_toml_scalars_and_falls_back_to_text(config: Path) -> None:
    set_value(config, "defaults.all_programs", "true")
    set_value(config, "defaults.connect_timeout", "2.5")
    set_value(config, "defaults.client_signature", '"pos one"')
    set_value(config, "defaults.theme", "textual-light")  # not TOML: taken as text
    set_value(config, "defaults.org_id", "50672")  # a text setting keeps numbers as text
    settings = load_config(path=config, env={}).settings
    assert settings.all_programs is True and settings.connect_timeout == 2.5
    assert settings.client_signature == "pos one" and settings.theme == "textual-light"
    assert settings.org_id == "50672" and 'org_id = "50672"' in config.read_text()


def test_set_adds_new_sections_and_keymap_entries(config: Path) -> None:
    set_value(config, "till.T2.store", "S2")
    set_value(config, "till.T2.keymap.quit", "ctrl+q")
    set_value(config, "store.S2.zone", "Z1")
    set_value(config, "zone.Z1.concept", "C1")
    resolved = load_config(path=config, till="T2", env={})
    assert (resolved.settings.store_id, resolved.settings.zone_id) == ("S2", "Z1")
    assert resolved.settings.keymap == {"quit": "ctrl+q"}
    assert "[till.T2.keymap]" in config.read_text() and "[till]\n" not in config.read_text()


def test_set_creates_the_file_when_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    set_value(path, "defaults.theme", "textual-ansi")
    assert 'theme = "textual-ansi"' in path.read_text()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("till.T1.retro_max_age_days", "two weeks", "[till.T1] retro_max_age_days"),
        ("till.T1.retro_max_age_days", "-3", "greater than or equal to 0"),
        ("defaults.retro_max_age", "3", "[defaults] retro_max_age: unknown key"),
        ("till.T1.password", "hunter2", "[till.T1] password: is a secret"),
        ("defaults.auth_mode", "ldap", "[defaults] auth_mode"),
        ("default_till", "T9", "default_till: names till 'T9'"),
        ("till.T1.store_id", "S2", "comes from the section ID"),
        ("till.T1.store.x", "S2", "is a value, not a section"),
        ("till..x", "1", "not a key"),
    ],
)
def test_set_refuses_a_bad_key_or_type_and_leaves_the_file_unchanged(
    config: Path, key: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        set_value(config, key, value)
    assert expected in str(caught.value)
    assert "hunter2" not in str(caught.value)
    assert config.read_text() == ORIGINAL


def test_set_on_a_broken_file_reports_the_syntax_error(config: Path) -> None:
    config.write_text(ORIGINAL + "oops\n")
    with pytest.raises(ConfigError, match=r"config.toml:\d+: TOML syntax error"):
        set_value(config, "defaults.theme", "x")


def test_write_initial_config_then_load(tmp_path: Path) -> None:
    config = tmp_path / "tillui" / "config.toml"
    write_initial_config(
        config,
        till_id="50682289",
        store_id="50682288",
        zone_id="50682286",
        concept_id="50678331",
        api_base_url="https://eu.api.capillarytech.com",
        workflow_base_url="https://eucrm.cc.capillarytech.com",
        org_id="50672",
        username="store.server",
        secrets=Secrets(password="server123", workflow_token="jwt"),
        secrets_path=tmp_path / "tillui" / "secrets.toml",
    )
    assert "server123" not in config.read_text() and "jwt" not in config.read_text()
    if os.name != "nt":
        assert stat.S_IMODE((tmp_path / "tillui" / "secrets.toml").stat().st_mode) == 0o600
    resolved = load_config(path=config, env={})
    s = resolved.settings
    assert resolved.till == "50682289" and resolved.origins["till"] == "default_till"
    assert (s.store_id, s.zone_id, s.concept_id, s.org_id) == (
        "50682288",
        "50682286",
        "50678331",
        "50672",
    )
    assert s.username == "store.server"
    assert resolved.secrets.password.get_secret_value() == "server123"  # type: ignore[union-attr]
    assert resolved.origins["password"] == "secrets till.50682289"


@pytest.mark.parametrize(
    ("till_id", "store_id", "expected"),
    [
        ("", "S1", "a till ID is needed"),
        ("T1", "", "[till.T1] store: missing"),
    ],
)
def test_write_initial_config_refuses_incomplete_answers(
    tmp_path: Path, till_id: str, store_id: str, expected: str
) -> None:
    config = tmp_path / "config.toml"
    with pytest.raises(ConfigError) as caught:
        write_initial_config(
            config,
            till_id=till_id,
            store_id=store_id,
            zone_id="Z",
            concept_id="C",
            api_base_url="",
            workflow_base_url="",
            org_id="",
            username="",
            secrets=Secrets(password="pw"),
            secrets_path=tmp_path / "secrets.toml",
        )
    assert expected in str(caught.value)
    assert not config.exists() and not (tmp_path / "secrets.toml").exists()


@pytest.mark.parametrize(
    ("key", "value", "written"),
    [
        ("till.T1.kiosk", "yes", "kiosk = true"),
        ("till.T1.kiosk", "Off", "kiosk = false"),
        ("till.T1.mask_identifiers", "1", "mask_identifiers = true"),
        ("defaults.retro_delay_hours", " 6 ", "retro_delay_hours = 6"),
        ("defaults.read_timeout", "12", "read_timeout = 12.0"),
        ("defaults.auth_mode", "oauth", 'auth_mode = "oauth"'),
        ("defaults.program_id", "7", "program_id = 7"),
        ("till.T1.bills_journal", "/var/pos/bills.jsonl", 'bills_journal = "/var/pos/bills.jsonl"'),
    ],
)
def test_set_converts_to_the_settings_type(
    config: Path, key: str, value: str, written: str
) -> None:
    set_value(config, key, value)
    assert written in config.read_text()
    load_config(path=config, env={})  # and the result loads


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "till.T1.kiosk",
            "maybe",
            "'maybe': must be true or false (yes/no, on/off, 1/0 also work)",
        ),
        ("defaults.auth_mode", "ldap", "'ldap': must be one of basic, oauth"),
        ("defaults.read_timeout", "inf", "must be a finite number"),
        ("defaults.program_id", "seven", "'seven': must be a whole number (or none to clear it)"),
        ("kiosk", "yes", "needs a section: e.g. defaults.kiosk or till.<id>.kiosk"),
    ],
)
def test_set_refuses_a_value_that_does_not_parse_naming_the_allowed_values(
    config: Path, key: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        set_value(config, key, value)
    assert expected in str(caught.value)
    assert config.read_text() == ORIGINAL


def test_set_none_clears_an_optional_setting(config: Path) -> None:
    set_value(config, "defaults.program_id", "7")
    set_value(config, "defaults.program_id", "none")
    assert "program_id" not in config.read_text()
    assert load_config(path=config, env={}).settings.program_id is None


def test_keys_lists_every_key_with_type_default_and_layer() -> None:
    from tillui.config.keys import key_infos, keys_table
    from tillui.config.settings import Settings

    infos = {info.key: info for info in key_infos()}
    assert set(Settings.model_fields) | set(Secrets.model_fields) | {"default_till"} == set(infos)
    assert (infos["kiosk"].type, infos["kiosk"].default) == ("true/false", "false")
    assert infos["auth_mode"].type == "basic|oauth"
    assert infos["retro_max_age_days"].type == "whole number"
    assert infos["bills_journal"].type == "path or none"
    assert infos["theme"].where == "any section, TILLUI_THEME"
    assert infos["password"].where == "secrets.toml, TILLUI_PASSWORD"
    table = keys_table().splitlines()
    assert table[0].split() == ["KEY", "TYPE", "DEFAULT", "SET", "IN"]
    assert len(table) == len(infos) + 1
