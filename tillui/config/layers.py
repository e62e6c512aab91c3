"""The layered TOML configuration: where it lives, how a till's effective settings are resolved.

One file (`config.toml`) holds `[defaults]`, `[concept.<id>]`, `[zone.<id>]`, `[store.<id>]` and
`[till.<id>]` sections plus a top-level `default_till`. A till's settings are resolved
most-specific-wins: defaults < concept < zone < store < till < `TILLUI_*` env < command-line flags,
and every effective value remembers where it came from (`ResolvedConfig.origins`).

Reading uses the stdlib `tomllib`; writing (`set_value`, `write_initial_config`) lives in
`tillui.config.writing`, which alone imports the slower, comment-preserving `tomlkit`. Secrets live
elsewhere: see `tillui.config.secrets`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from tillui.config.files import (
    ConfigError,
    did_you_mean,
    error_at,
    first_error,
    parse_scalar,
    parse_toml,
    read_config_text,
)
from tillui.config.settings import ENV_PREFIX, SECRET_FIELDS, Secrets, Settings

Entry = tuple[str, Any, str]
"""One value of one layer: (field, raw value, origin)."""

CONFIG_ENV = "TILLUI_CONFIG"
TILL_ENV = "TILLUI_TILL"

ENTITY_KINDS = ("concept", "zone", "store", "till")
"""Entity section kinds, least to most specific."""
ENTITY_ID_FIELDS = {
    "concept": "concept_id",
    "zone": "zone_id",
    "store": "store_id",
    "till": "till_id",
}
PARENT_LINKS = {
    "till": ("store", "zone", "concept"),
    "store": ("zone", "concept"),
    "zone": ("concept",),
    "concept": (),
}
"""Which parent entities a section of each kind may name (`store = "S1"` in a till section)."""
OVERRIDABLE_FIELDS = tuple(f for f in Settings.model_fields if f not in ENTITY_ID_FIELDS.values())
"""Fields a section, an env variable or a flag may set; the entity IDs come from section IDs."""


@dataclass(frozen=True)
class ResolvedConfig:
    """The effective settings and secrets of one till, and where each value came from."""

    settings: Settings
    secrets: Secrets
    till: str
    path: Path
    origins: dict[str, str]
    """Field name -> origin ("default", "defaults", "till.T1", "env TILLUI_X", "flag --x", ...).
    Also "keymap.<binding>" per keymap entry, set secrets ("env TILLUI_PASSWORD",
    "secrets till.T1", "keyring") and "till" (how the till was chosen)."""


@dataclass(frozen=True)
class Section:
    """One validated layer of the file: its Settings values and the parents it names."""

    name: str
    values: dict[str, Any]
    links: dict[str, str]


@dataclass(frozen=True)
class ConfigDocument:
    """A parsed and validated config file (structure only; no till chosen yet)."""

    path: Path
    default_till: str | None
    defaults: Section
    entities: dict[str, dict[str, Section]]


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """`TILLUI_CONFIG` if set, else `config.toml` in the platform's user config dir."""
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    import platformdirs  # ~25 ms: only when no explicit path is given

    return Path(platformdirs.user_config_dir("tillui")) / "config.toml"


def config_exists(path: Path | None = None, env: Mapping[str, str] | None = None) -> bool:
    return (path or default_config_path(env)).is_file()


def load_config(
    *,
    path: Path | None = None,
    till: str | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, object] | None = None,
) -> ResolvedConfig:
    """Resolve the settings and secrets of one till. Raises ConfigError, never anything else."""
    from tillui.config.secrets import load_secrets, secrets_path_for

    env = os.environ if env is None else env
    resolved = load_settings(path=path, till=till, env=env, flags=flags)
    secrets, secret_origins = load_secrets(
        resolved.till, path=secrets_path_for(resolved.path, env), env=env
    )
    return replace(resolved, secrets=secrets, origins={**resolved.origins, **secret_origins})


def load_settings(
    *,
    path: Path | None = None,
    till: str | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, object] | None = None,
) -> ResolvedConfig:
    """`load_config` without reading any secret (its `secrets` are empty): lets `config check`
    judge the config file and the secrets file separately."""
    env = os.environ if env is None else env
    path = (path or default_config_path(env)).expanduser().absolute()
    doc = parse_document(read_config_text(path), path)
    till_id, till_origin = _choose_till(doc, till, env)
    entries = [*till_entries(doc, till_id), *_env_layer(env), *_flag_layer(flags or {})]

    merged: dict[str, Any] = {}
    origins = dict.fromkeys(Settings.model_fields, "default")
    keymap: dict[str, str] = {}
    for key, value, origin in entries:  # least specific first: later entries win
        if key == "keymap":
            keymap.update(value)
            origins.update({f"keymap.{binding}": origin for binding in value})
        else:
            merged[key] = value
        origins[key] = origin
    try:
        settings = Settings.model_validate({**merged, "keymap": keymap})
    except ValidationError as exc:  # every layer was validated alone; this is a safety net
        raise ConfigError(first_error(exc)[1], path=path) from None
    origins["till"] = till_origin
    return ResolvedConfig(settings, Secrets(), till_id, path, origins)


def parse_document(text: str, path: Path) -> ConfigDocument:
    """Parse and validate every section of a config file (even those of other tills)."""
    data = parse_toml(text, path)
    default_till: str | None = None
    defaults = Section("defaults", {}, {})
    entities: dict[str, dict[str, Section]] = {kind: {} for kind in ENTITY_KINDS}
    for key, value in data.items():
        if key == "default_till":
            if not isinstance(value, str) or not value.strip():
                raise error_at(text, path, (), ("default_till",), "must be a till ID in quotes")
            default_till = value.strip()
        elif key == "defaults" and isinstance(value, dict):
            defaults = _parse_section(text, path, ("defaults",), value, links=())
        elif key in ENTITY_KINDS and isinstance(value, dict):
            for ident, table in value.items():
                if not isinstance(table, dict) or not ident.strip():
                    raise error_at(
                        text,
                        path,
                        (key,),
                        (ident,),
                        f"expected a section [{key}.<id>], e.g. [{key}.1234]",
                    )
                entities[key][ident] = _parse_section(
                    text, path, (key, ident), table, links=PARENT_LINKS[key]
                )
        else:
            allowed = ["default_till", "defaults", *ENTITY_KINDS]
            raise error_at(
                text,
                path,
                (),
                (key,),
                "unknown top-level key or section"
                + did_you_mean(key, allowed)
                + "; keymap tables go inside a section, e.g. [defaults.keymap]",
            )
    if default_till is not None and default_till not in entities["till"]:
        raise error_at(
            text,
            path,
            (),
            ("default_till",),
            f"names till {default_till!r}, which has no [till.{default_till}] section",
        )
    return ConfigDocument(path, default_till, defaults, entities)


def _parse_section(
    text: str,
    path: Path,
    table_path: tuple[str, ...],
    table: dict[str, Any],
    links: tuple[str, ...],
) -> Section:
    name = ".".join(table_path)
    kind = table_path[0]
    values: dict[str, Any] = {}
    found_links: dict[str, str] = {}
    for key, value in table.items():

        def fail(reason: str, key: str = key) -> ConfigError:
            return error_at(text, path, table_path, (key,), reason)

        if key in SECRET_FIELDS:
            raise fail(
                f"is a secret and must not be in the config file: move it to secrets.toml "
                f"(beside this file, mode 0600) or the {ENV_PREFIX}{key.upper()} "
                "environment variable"
            )
        if key in links:
            if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value):
                raise fail(f'must be the {key} ID, e.g. {key} = "1234"')
            found_links[key] = str(value)
        elif key in ENTITY_ID_FIELDS.values():
            raise fail(f"comes from the section ID ([{key.removesuffix('_id')}.<id>]); remove it")
        elif key in ENTITY_KINDS:
            raise fail(f"a {kind} section cannot name a {key}")
        elif key in OVERRIDABLE_FIELDS:
            values[key] = _coerce_for_field(key, value)
        else:
            raise fail("unknown key" + did_you_mean(key, [*OVERRIDABLE_FIELDS, *links]))
    try:
        Settings.model_validate(values)
    except ValidationError as exc:
        key_path, reason = first_error(exc)
        raise error_at(text, path, table_path, key_path, reason) from None
    base = path.parent
    for key in path_fields():
        if isinstance(values.get(key), str):
            values[key] = str(base / Path(values[key]).expanduser())
    return Section(name, values, found_links)


def _coerce_for_field(key: str, value: Any) -> Any:
    """Accept an unquoted number for a text field (`org_id = 50672`): IDs look numeric."""
    annotation = Settings.model_fields[key].annotation
    if annotation is str and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def path_fields() -> list[str]:
    return [
        name
        for name, info in Settings.model_fields.items()
        if info.annotation is Path or Path in get_args(info.annotation)
    ]


def _choose_till(doc: ConfigDocument, till: str | None, env: Mapping[str, str]) -> tuple[str, str]:
    tills = doc.entities["till"]
    configured = ", ".join(sorted(tills)) or "none"
    if till:
        chosen, how = till, "flag --till"
    elif env.get(TILL_ENV):
        chosen, how = env[TILL_ENV], f"env {TILL_ENV}"
    elif doc.default_till:
        chosen, how = doc.default_till, "default_till"
    elif len(tills) == 1:
        chosen, how = next(iter(tills)), "only till"
    elif not tills:
        raise ConfigError(
            "no till configured: add a [till.<id>] section naming its store", path=doc.path
        )
    else:
        raise ConfigError(
            f"several tills configured ({configured}): choose one with --till, "
            f"{TILL_ENV} or default_till",
            path=doc.path,
        )
    if chosen not in tills:
        raise ConfigError(
            f"till {chosen!r} (from {how}) is not configured; configured tills: {configured}",
            path=doc.path,
        )
    return chosen, how


def till_entries(doc: ConfigDocument, till_id: str) -> list[Entry]:
    """The file's values for a till, least specific layer first, led by its four entity IDs.

    A parent is named by the till itself or, failing that, by the nearest section that names it
    (the store names its zone, the zone its concept): the till's own naming wins.
    """
    chain: list[Section] = [doc.entities["till"][till_id]]
    entries: list[Entry] = [("till_id", till_id, chain[0].name)]
    ids = {"till": till_id}
    sectionless: list[str] = []  # parents named without a section of their own
    for kind in ("store", "zone", "concept"):
        namer = next((s for s in chain if kind in s.links), None)
        if namer is None:
            raise _missing_link(doc, chain, kind, sectionless)
        ids[kind] = namer.links[kind]
        entries.append((ENTITY_ID_FIELDS[kind], ids[kind], namer.name))
        if ids[kind] in doc.entities[kind]:
            chain.append(doc.entities[kind][ids[kind]])
        else:
            sectionless.append(f"{kind}.{ids[kind]}")
    layers = [doc.defaults, *(doc.entities[kind].get(ids[kind]) for kind in ENTITY_KINDS)]
    for section in layers:
        if section is not None:
            entries.extend((key, value, section.name) for key, value in section.values.items())
    return entries


def _missing_link(
    doc: ConfigDocument, chain: list[Section], kind: str, sectionless: list[str]
) -> ConfigError:
    """The till's `kind` (zone, concept) is named nowhere: say where it could be named, and
    which named parent has no section at all (a typo in `store = "S1"`, a forgotten section)."""
    named_by = " or ".join(f"[{s.name}]" for s in chain)
    reason = f'missing: name the till\'s {kind}: add {kind} = "<id>" to {named_by}'
    if sectionless:
        missing = ", ".join(f"[{name}]" for name in sectionless)
        reason += f"; the config has no {missing} section (add it, naming the {kind} there)"
    return ConfigError(reason, path=doc.path, section=chain[0].name, key=kind)


def _env_layer(env: Mapping[str, str]) -> list[Entry]:
    """`TILLUI_<FIELD>` variables; an empty variable counts as unset."""
    values: dict[str, Any] = {}
    for field in OVERRIDABLE_FIELDS:
        raw = env.get(ENV_PREFIX + field.upper())
        if raw:
            values[field] = parse_scalar(raw) if field == "keymap" else raw
    return _validated_entries(values, lambda field: f"env {ENV_PREFIX}{field.upper()}")


def _flag_layer(flags: Mapping[str, object]) -> list[Entry]:
    values = {key: value for key, value in flags.items() if value is not None}
    for key in values:
        if key not in OVERRIDABLE_FIELDS:
            raise ConfigError(f"flag --{key.replace('_', '-')}: not a setting that can be set")
    return _validated_entries(values, lambda field: f"flag --{field.replace('_', '-')}")


def _validated_entries(values: dict[str, Any], origin_of: Callable[[str], str]) -> list[Entry]:
    try:
        Settings.model_validate(values)
    except ValidationError as exc:
        key_path, reason = first_error(exc)
        raise ConfigError(f"{origin_of(key_path[0])}: {reason}") from None
    return [(key, value, origin_of(key)) for key, value in values.items()]
