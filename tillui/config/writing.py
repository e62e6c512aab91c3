"""Writing the configuration: `tillui config set`, the first-run answers, atomic file writes.

Split from `tillui.config.layers` so that reading a config never pays for `tomlkit` (comment-preserving,
~30 ms to import), which is imported here only inside the functions that edit a document.
Every write is validated as a whole with the reader's own rules before the file is touched.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from tillui.config.files import ConfigError, atomic_write, parse_toml, read_config_text
from tillui.config.layers import ENTITY_KINDS, parse_document, till_entries
from tillui.config.settings import Secrets


def write_config(path: Path, text: str) -> None:
    """Write an already validated config text, keeping an existing file's mode."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    try:
        atomic_write(path, text, mode)
    except OSError as exc:
        raise ConfigError(f"cannot write: {exc}", path=path) from None


def _load_for_edit(path: Path) -> Any:
    import tomlkit

    if not path.exists():
        document = tomlkit.document()
        document.add(tomlkit.comment("tillui configuration; see `tillui config show`."))
        return document
    text = read_config_text(path)
    parse_toml(text, path)  # report syntax errors the same way as when loading
    return tomlkit.parse(text)


def _table_at(document: Any, parts: tuple[str, ...], path: Path) -> Any:
    import tomlkit

    container = document
    for depth, part in enumerate(parts):
        if part not in container:
            container[part] = tomlkit.table(is_super_table=depth == 0 and part in ENTITY_KINDS)
        container = container[part]
        if not isinstance(container, dict):
            raise ConfigError("is a value, not a section", path=path, key=".".join(parts))
    return container


def set_value(path: Path, dotted_key: str, value: str) -> None:
    """Set one key (`till.T1.retro_max_age_days`, `defaults.api_base_url`, `default_till`).

    Comments and order are kept. `value` is converted to the setting's type (`yes` -> true for
    a true/false setting, `14` -> 14 for a number; see `tillui.config.keys`) and refused, naming
    the allowed values, when it does not parse; an empty value (or `none`) for a setting that may
    be empty removes the key. The file is left unchanged if the result is invalid.
    """
    from tillui.config.keys import UNSET, convert_value

    try:
        parts = _key_parts_checked(dotted_key)
    except tomllib.TOMLDecodeError:
        raise ConfigError(
            f"not a key: {dotted_key!r} (expected e.g. till.T1.theme; see `tillui config keys`)",
            path=path,
        ) from None
    leaf = parts[-1]
    if len(parts) == 1 and leaf != "default_till":
        raise ConfigError(
            f"{leaf!r} needs a section: e.g. defaults.{leaf} or till.<id>.{leaf}",
            path=path,
        )
    try:
        converted = convert_value(dotted_key, leaf, value, under_keymap="keymap" in parts[:-1])
    except ConfigError as error:
        section = ".".join(parts[:-1]) or None
        raise ConfigError(error.reason, path=path, section=section, key=leaf) from None
    document = _load_for_edit(path)
    table = _table_at(document, parts[:-1], path)
    if converted is UNSET:
        table.pop(leaf, None)
    else:
        table[leaf] = converted
    text = document.as_string()
    parse_document(text, path)  # refuse a bad result before touching the file
    write_config(path, text)


def _key_parts_checked(dotted_key: str) -> tuple[str, ...]:
    """Split a dotted TOML key the way TOML does (quoted parts may hold dots)."""
    node: Any = tomllib.loads(f"{dotted_key} = 0")
    parts: list[str] = []
    while isinstance(node, dict):
        ((part, node),) = node.items()
        parts.append(part)
    return tuple(parts)


def write_initial_config(
    path: Path,
    *,
    till_id: str,
    store_id: str,
    zone_id: str,
    concept_id: str,
    api_base_url: str,
    workflow_base_url: str,
    org_id: str,
    username: str,
    secrets: Secrets,
    secrets_path: Path | None = None,
    bills_journal: str = "",
    retro_max_age_days: int | None = None,
    retro_delay_hours: int | None = None,
) -> None:
    """Write the first-run answers: the till (naming its store, zone and concept, its user and
    journal) becomes `default_till`; hosts, org and the brand's retro limits go to
    `[defaults]`; the secrets go to the 0600 secrets file (`secrets_path`, by default where
    `load_config` will look for it)."""
    from tillui.config.secrets import secrets_path_for, write_secrets

    if not till_id.strip():
        raise ConfigError("a till ID is needed", path=path, section="till", key="till_id")
    document = _load_for_edit(path)
    document["default_till"] = till_id
    defaults = _table_at(document, ("defaults",), path)
    for key, value in (
        ("api_base_url", api_base_url),
        ("workflow_base_url", workflow_base_url),
        ("org_id", org_id),
        ("retro_max_age_days", retro_max_age_days),
        ("retro_delay_hours", retro_delay_hours),
    ):
        if value not in ("", None):
            defaults[key] = value
    till = _table_at(document, ("till", till_id), path)
    for key, value in (
        ("store", store_id),
        ("zone", zone_id),
        ("concept", concept_id),
        ("username", username),
        ("bills_journal", bills_journal),
    ):
        if value:
            till[key] = value
    text = document.as_string()
    till_entries(parse_document(text, path), till_id)  # refuse before writing anything
    write_secrets(secrets_path or secrets_path_for(path, os.environ), till_id, secrets)
    write_config(path, text)
