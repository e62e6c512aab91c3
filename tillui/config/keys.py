"""Every key the configuration knows, with its type, default and where it may be set; and the
conversion of a typed value (`tillui config set KEY VALUE`) to that type.

Driven by the `Settings` and `Secrets` models, so a new setting is listed and converted without
an edit here. Builds on `layers` (which keys each section may hold); imports no tomlkit.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from pydantic_core import PydanticUndefined

from tillui.config.files import ConfigError, parse_scalar
from tillui.config.layers import ENTITY_ID_FIELDS, ENTITY_KINDS, OVERRIDABLE_FIELDS
from tillui.config.settings import ENV_PREFIX, SECRET_FIELDS, Secrets, Settings

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")
if TYPE_CHECKING:
    from pydantic import BaseModel

UNSET_WORDS = ("", "none")
"""Given for a setting that may be empty (`program_id`, `bills_journal`), these clear it."""


@dataclass(frozen=True)
class KeyInfo:
    """One row of `tillui config keys`."""

    key: str
    type: str
    default: str
    where: str
    help: str


def key_infos() -> list[KeyInfo]:
    """Every key: the top-level one, the entity IDs, the settings, then the secrets."""
    settings_help, secrets_help = field_docs(Settings), field_docs(Secrets)
    infos = [
        KeyInfo(
            "default_till",
            "text",
            "(none)",
            "top level",
            "The till run when neither --till nor TILLUI_TILL chooses one.",
        )
    ]
    for kind, id_field in ENTITY_ID_FIELDS.items():
        where = (
            "section name [till.<id>]"
            if kind == "till"
            else f'{kind} = "<id>" in [till.<id>] or a parent'
        )
        infos.append(KeyInfo(id_field, "text", "", where, settings_help.get(id_field, "")))
    for name in OVERRIDABLE_FIELDS:
        field = Settings.model_fields[name]
        default = field.get_default(call_default_factory=True)
        infos.append(
            KeyInfo(
                name,
                type_text(field.annotation),
                _shown_default(default),
                f"any section, {ENV_PREFIX}{name.upper()}",
                settings_help.get(name, ""),
            )
        )
    for name in SECRET_FIELDS:
        infos.append(
            KeyInfo(
                name,
                "secret text",
                "(unset)",
                f"secrets.toml, {ENV_PREFIX}{name.upper()}",
                secrets_help.get(name, ""),
            )
        )
    return infos


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> its attribute docstring on one line (pydantic keeps them as descriptions,
    `use_attribute_docstrings`). These docstrings are the user-facing documentation of each key."""
    return {
        name: " ".join(field.description.split())
        for name, field in model.model_fields.items()
        if field.description
    }


def keys_table() -> str:
    rows = [("KEY", "TYPE", "DEFAULT", "SET IN")] + [
        (info.key, info.type, info.default, info.where) for info in key_infos()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        f"{key:<{widths[0]}}  {kind:<{widths[1]}}  {default:<{widths[2]}}  {where}".rstrip()
        for key, kind, default, where in rows
    )


def _shown_default(value: Any) -> str:
    if value is None or value is PydanticUndefined:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == "" or value == {} or value == []:
        return '""' if value == "" else str(value)
    return str(value)


def type_text(annotation: Any) -> str:
    """A type in the words of `config keys`: `whole number`, `true/false`, `basic|oauth`…"""
    optional, inner = _unwrap_optional(annotation)
    if get_origin(inner) is Literal:
        text = "|".join(str(choice) for choice in get_args(inner))
    elif inner is bool:
        text = "true/false"
    elif inner is int:
        text = "whole number"
    elif inner is float:
        text = "number"
    elif inner is Path:
        text = "path"
    elif inner is str:
        text = "text"
    elif get_origin(inner) is dict:
        text = "table"
    elif get_origin(inner) in (list, tuple):
        text = "list"
    else:
        text = getattr(inner, "__name__", str(inner))
    return f"{text} or none" if optional else text


def _unwrap_optional(annotation: Any) -> tuple[bool, Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(annotation)):
            return True, args[0]
    return False, annotation


UNSET = object()
"""`convert_value`'s answer for "remove the key" (an empty value for an optional setting)."""


def convert_value(key: str, leaf: str, raw: str, *, under_keymap: bool) -> Any:
    """The TOML value to write for `raw` typed as the value of setting `leaf` (in `key`), or
    UNSET. Raises ConfigError naming the allowed values when `raw` does not parse."""
    if under_keymap or leaf == "default_till" or leaf in ENTITY_KINDS:
        return _unquoted(raw)
    if leaf in SECRET_FIELDS:
        raise ConfigError(
            "is a secret and never goes in config.toml: put it in secrets.toml "
            f"(`tillui config path` shows where; mode 0600) or {ENV_PREFIX}{leaf.upper()}",
            key=key,
        )
    if leaf not in OVERRIDABLE_FIELDS:
        return parse_scalar(raw)  # unknown keys are refused, with a suggestion, by validation
    optional, inner = _unwrap_optional(Settings.model_fields[leaf].annotation)
    if optional and raw.strip().lower() in UNSET_WORDS:
        return UNSET
    try:
        return _converted(inner, raw.strip())
    except ValueError as error:
        unset = " (or none to clear it)" if optional else ""
        raise ConfigError(f"{raw!r}: {error}{unset}", key=key) from None


def _converted(annotation: Any, raw: str) -> Any:
    if get_origin(annotation) is Literal:
        choices = [str(choice) for choice in get_args(annotation)]
        if raw not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return raw
    if annotation is bool:
        word = raw.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError("must be true or false (yes/no, on/off, 1/0 also work)")
    if annotation is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError("must be a whole number") from None
    if annotation is float:
        try:
            number = float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(number):
            raise ValueError("must be a finite number")
        return number
    if get_origin(annotation) is dict:
        value = parse_scalar(raw)
        if not isinstance(value, dict):
            raise ValueError('must be a TOML inline table, e.g. {quit = "ctrl+q"}')
        return value
    if get_origin(annotation) in (list, tuple):
        value = _toml_array(raw)
        return value if value is not None else [part.strip() for part in raw.split(",") if part]
    return _unquoted(raw)  # text and paths are taken as typed


def _unquoted(raw: str) -> str:
    """`"pos one"` (a TOML string, quotes and all) -> `pos one`; anything else as typed."""
    value = parse_scalar(raw) if raw[:1] in ('"', "'") else raw
    return value if isinstance(value, str) else raw


def _toml_array(raw: str) -> list[Any] | None:
    import tomllib

    try:
        value = tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, list) else None
