"""Layered resolution of config.toml: layers, origins, till choice and every bad-config case."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tillui.config.layers import ConfigError, config_exists, default_config_path, load_config

FULL = """\
default_till = "T1"

[defaults]
api_base_url = "https://defaults.example"
workflow_base_url = "https://defaults.example"
theme = "defaults-theme"
retro_max_age_days = 1
retro_delay_hours = 1
idle_timeout_seconds = 1
read_timeout = 1.0
org_id = 50672

[defaults.keymap]
quit = "ctrl+q"
help = "f1"

[concept.C1]
theme = "concept-theme"
retro_max_age_days = 2
retro_delay_hours = 2
idle_timeout_seconds = 2
read_timeout = 2.0

[zone.Z1]
concept = "C1"
retro_max_age_days = 3
retro_delay_hours = 3
idle_timeout_seconds = 3
read_timeout = 3.0

[store.S1]
zone = "Z1"
retro_max_age_days = 4
retro_delay_hours = 4
idle_timeout_seconds = 4
bills_journal = "journal/bills.jsonl"

[till.T1]
store = "S1"
retro_max_age_days = 5
retro_delay_hours = 5
username = "till.one"

[till.T1.keymap]
help = "question_mark"

[till.T2]
store = "S2"
zone = "Z2"
concept = "C2"
"""


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # a developer's real keyring must not leak in


def line_of(text: str, line: str, after: str = "") -> int:
    lines = text.splitlines()
    start = lines.index(after) if after else 0
    return lines.index(line, start) + 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path=path, env=kwargs.pop("env", {}), **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_each_layer_wins_over_the_one_below(tmp_path: Path) -> None:
    resolved = load_config(
        path=write(tmp_path, FULL),
        env={"TILLUI_RETRO_MAX_AGE_DAYS": "6", "TILLUI_RETRO_DELAY_HOURS": "6"},
        flags={"retro_max_age_days": 7, "kiosk": None},
    )
    s, o = resolved.settings, resolved.origins
    # One field per depth: the deepest layer that sets it wins, and says so.
    assert (s.api_base_url, o["api_base_url"]) == ("https://defaults.example", "defaults")
    assert (s.theme, o["theme"]) == ("concept-theme", "concept.C1")
    assert (s.read_timeout, o["read_timeout"]) == (3.0, "zone.Z1")
    assert (s.idle_timeout_seconds, o["idle_timeout_seconds"]) == (4, "store.S1")
    assert (s.username, o["username"]) == ("till.one", "till.T1")
    assert (s.retro_delay_hours, o["retro_delay_hours"]) == (6, "env TILLUI_RETRO_DELAY_HOURS")
    assert (s.retro_max_age_days, o["retro_max_age_days"]) == (7, "flag --retro-max-age-days")
    assert (s.kiosk, o["kiosk"]) == (False, "default")  # a None flag is "not given"


def test_entity_ids_come_from_sections_and_the_chain_of_parents(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), env={})
    s, o = resolved.settings, resolved.origins
    assert (s.till_id, s.store_id, s.zone_id, s.concept_id) == ("T1", "S1", "Z1", "C1")
    assert (o["till_id"], o["store_id"], o["zone_id"], o["concept_id"]) == (
        "till.T1",
        "till.T1",
        "store.S1",
        "zone.Z1",
    )


def test_a_till_naming_all_three_parents_needs_no_parent_sections(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), till="T2", env={})
    s = resolved.settings
    assert (s.till_id, s.store_id, s.zone_id, s.concept_id) == ("T2", "S2", "Z2", "C2")
    assert s.retro_max_age_days == 1  # only [defaults] applies


def test_the_tills_own_naming_wins_over_its_stores(tmp_path: Path) -> None:
    text = FULL.replace('[till.T1]\nstore = "S1"', '[till.T1]\nstore = "S1"\nzone = "Z9"')
    text += '[zone.Z9]\nconcept = "C9"\nread_timeout = 9.0\n'
    resolved = load_config(path=write(tmp_path, text), env={})
    s, o = resolved.settings, resolved.origins
    assert (s.zone_id, o["zone_id"]) == ("Z9", "till.T1")
    assert (s.concept_id, o["concept_id"]) == ("C9", "zone.Z9")  # the store's zone Z1 is out
    assert (s.read_timeout, o["read_timeout"]) == (9.0, "zone.Z9")
    assert s.theme == "defaults-theme"  # concept C1's section no longer applies


def test_a_parent_named_nowhere_in_the_chain_is_missing(tmp_path: Path) -> None:
    text = FULL.replace('[till.T1]\nstore = "S1"', '[till.T1]\nstore = "S1"\nzone = "Z9"')
    message = error_of(write(tmp_path, text))
    assert (
        "[till.T1] concept: missing: name the till's concept: "
        'add concept = "<id>" to [till.T1] or [store.S1]; '
        "the config has no [zone.Z9] section (add it, naming the concept there)"
    ) in message


def test_a_store_without_a_section_is_named_as_missing(tmp_path: Path) -> None:
    path = write(tmp_path, '[till.T1]\nstore = "S404"\n')
    message = error_of(path)
    assert message.startswith(f"{path} [till.T1] zone: missing: name the till's zone")
    assert 'add zone = "<id>" to [till.T1]' in message
    assert "the config has no [store.S404] section" in message


def test_keymap_merges_per_binding_with_origins(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), env={})
    assert resolved.settings.keymap == {"quit": "ctrl+q", "help": "question_mark"}
    assert resolved.origins["keymap.quit"] == "defaults"
    assert resolved.origins["keymap.help"] == "till.T1"


def test_values_are_typed_and_relative_paths_follow_the_config_file(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), env={"TILLUI_ALL_PROGRAMS": "true"})
    assert resolved.settings.org_id == "50672"  # an unquoted numeric ID is accepted as text
    assert resolved.settings.all_programs is True
    assert resolved.settings.bills_journal == tmp_path / "journal" / "bills.jsonl"
    assert resolved.path == tmp_path / "config.toml"


def test_every_field_has_an_origin(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), env={})
    assert set(type(resolved.settings).model_fields) <= set(resolved.origins)
    assert resolved.origins["source"] == "default"


def test_till_choice_order(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    assert load_config(path=path, till="T2", env={"TILLUI_TILL": "T1"}).till == "T2"
    env_choice = load_config(path=path, env={"TILLUI_TILL": "T2"})
    assert (env_choice.till, env_choice.origins["till"]) == ("T2", "env TILLUI_TILL")
    assert load_config(path=path, env={}).origins["till"] == "default_till"
    only = write(
        tmp_path,
        'default_till = "T1"\n[till.T1]\nstore="S"\nzone="Z"\nconcept="C"\n'.replace(
            'default_till = "T1"\n', ""
        ),
    )
    assert load_config(path=only, env={}).origins["till"] == "only till"


def test_an_unknown_till_lists_the_configured_ones(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL), till="T9")
    assert "'T9'" in message and "T1, T2" in message and "config.toml" in message


def test_several_tills_and_no_default_asks_to_choose(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL.replace('default_till = "T1"\n', "")))
    assert "--till" in message and "T1, T2" in message


def test_no_till_section_at_all(tmp_path: Path) -> None:
    assert "no till configured" in error_of(write(tmp_path, "[defaults]\ntheme = 'x'\n"))


def test_default_till_must_name_a_till_section(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL.replace('default_till = "T1"', 'default_till = "T7"')))
    assert "config.toml:1 default_till" in message and "T7" in message


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "[defaults]\ntheme = 'x'\nretro_max_age_days = \n"))
    assert message.startswith(f"{tmp_path / 'config.toml'}:3: TOML syntax error")


def test_unknown_key_names_section_key_line_and_suggests(tmp_path: Path) -> None:
    text = FULL.replace("retro_max_age_days = 4\n", "retro_max_age = 4\n")
    message = error_of(write(tmp_path, text))
    line = line_of(text, "retro_max_age = 4")
    assert f"config.toml:{line} [store.S1] retro_max_age: unknown key" in message
    assert "did you mean 'retro_max_age_days'" in message


def test_wrong_type_names_section_key_and_value(tmp_path: Path) -> None:
    text = FULL.replace("idle_timeout_seconds = 3\n", 'idle_timeout_seconds = "soon"\n')
    message = error_of(write(tmp_path, text))
    assert "[zone.Z1] idle_timeout_seconds" in message and "'soon'" in message
    line = line_of(text, 'idle_timeout_seconds = "soon"')
    assert f"config.toml:{line} [zone.Z1]" in message


def test_wrong_type_in_a_keymap_table(tmp_path: Path) -> None:
    text = FULL.replace('help = "question_mark"', "help = 3")
    message = error_of(write(tmp_path, text))
    assert f"config.toml:{line_of(text, 'help = 3')} [till.T1] keymap.help" in message


def test_a_negative_limit_is_refused(tmp_path: Path) -> None:
    message = error_of(
        write(tmp_path, FULL.replace("retro_delay_hours = 5", "retro_delay_hours = -1"))
    )
    assert "[till.T1] retro_delay_hours" in message and "greater than or equal to 0" in message


def test_a_till_with_no_store_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL.replace('store = "S1"\n', "")))
    assert "[till.T1] store: missing" in message


def test_a_missing_zone_is_reported_on_the_till(tmp_path: Path) -> None:
    text = FULL.replace('[till.T2]\nstore = "S2"\nzone = "Z2"', '[till.T2]\nstore = "S2"')
    message = error_of(write(tmp_path, text), till="T2")
    assert "[till.T2] zone: missing" in message


def test_entity_ids_are_not_keys(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL.replace('username = "till.one"', 'till_id = "T1"')))
    assert "[till.T1] till_id: comes from the section ID" in message


def test_a_zone_cannot_name_a_store(tmp_path: Path) -> None:
    message = error_of(
        write(tmp_path, FULL.replace('concept = "C1"\n', 'concept = "C1"\nstore = "S"\n'))
    )
    assert "[zone.Z1] store: a zone section cannot name a store" in message


def test_a_secret_in_the_config_file_must_be_moved(tmp_path: Path) -> None:
    text = FULL.replace('username = "till.one"', 'username = "till.one"\npassword = "hunter2"')
    message = error_of(write(tmp_path, text))
    assert "[till.T1] password: is a secret" in message and "secrets.toml" in message
    assert "hunter2" not in message


def test_unknown_top_level_section(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL + "\n[tills.T3]\nstore = 'S'\n"))
    assert "tills: unknown top-level key or section (did you mean 'till'?)" in message


def test_bad_env_value_names_the_variable(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, FULL), env={"TILLUI_CONNECT_TIMEOUT": "fast"})
    assert message.startswith("env TILLUI_CONNECT_TIMEOUT: ")


def test_env_variables_that_are_empty_or_not_settings_are_ignored(tmp_path: Path) -> None:
    resolved = load_config(
        path=write(tmp_path, FULL), env={"TILLUI_THEME": "", "TILLUI_SOMETHING_ELSE": "x"}
    )
    assert resolved.origins["theme"] == "concept.C1"


def test_env_keymap_is_an_inline_table(tmp_path: Path) -> None:
    resolved = load_config(path=write(tmp_path, FULL), env={"TILLUI_KEYMAP": '{quit = "q"}'})
    assert resolved.settings.keymap["quit"] == "q"
    assert resolved.origins["keymap.quit"] == "env TILLUI_KEYMAP"


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    assert "no config file" in error_of(tmp_path / "absent.toml")
    assert not config_exists(tmp_path / "absent.toml")
    assert config_exists(write(tmp_path, FULL))


def test_default_path_honours_tillui_config_then_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert default_config_path({"TILLUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TILLUI_CONFIG", raising=False)
    if sys.platform.startswith("linux"):
        assert default_config_path({}) == tmp_path / "xdg" / "tillui" / "config.toml"
    assert load_config(env={"TILLUI_CONFIG": str(write(tmp_path, FULL))}).till == "T1"
