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

from tillui.config.files import (
    ConfigError,
    atomic_write,
    parse_scalar,
    parse_toml,
    read_config_text,
)
from tillui.config.layers import (
    ENTITY_KINDS,
    OVERRIDABLE_FIELDS,
    parse_document,
    path_fields,
    till_entries,
)
from tillui.config.settings import Secrets, Settings


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

    Comments and order are kept. `value` is taken as a TOML scalar when it is one, else as
    text; a text setting always gets text. The file is left unchanged if the result is invalid.
    """
    try:
        parts = _key_parts_checked(dotted_key)
    except tomllib.TOMLDecodeError:
        raise ConfigError(
            f"not a key: {dotted_key!r} (expected e.g. till.T1.theme)", path=path
        ) from None
    parsed = parse_scalar(value)
    leaf = parts[-1]
    text_valued = "keymap" in parts[:-1] or leaf == "default_till" or leaf in ENTITY_KINDS
    if leaf in OVERRIDABLE_FIELDS:
        annotation = Settings.model_fields[leaf].annotation
        text_valued = annotation is str or leaf in path_fields()
    if isinstance(parsed, dict) or (text_valued and not isinstance(parsed, str)):
        parsed = value
    document = _load_for_edit(path)
    _table_at(document, parts[:-1], path)[leaf] = parsed
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
) -> None:
    """Write the first-run answers: the till (naming its store, zone and concept) becomes
    `default_till`; hosts and org go to `[defaults]`; the secrets go to the 0600 secrets file
    (`secrets_path`, by default where `load_config` will look for it)."""
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
    ):
        if value:
            defaults[key] = value
    till = _table_at(document, ("till", till_id), path)
    for key, value in (
        ("store", store_id),
        ("zone", zone_id),
        ("concept", concept_id),
        ("username", username),
    ):
        if value:
            till[key] = value
    text = document.as_string()
    till_entries(parse_document(text, path), till_id)  # refuse before writing anything
    write_secrets(secrets_path or secrets_path_for(path, os.environ), till_id, secrets)
    write_config(path, text)
