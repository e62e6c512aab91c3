"""The settings as rows a person reads: `tillui config show` and the settings screen share them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tillui.config.keys import field_docs
from tillui.config.settings import Secrets, Settings


@dataclass(frozen=True)
class SettingRow:
    """One line of `config show` and of the settings screen. A secret's value is only ever
    "set (hidden)" or "unset"."""

    key: str
    value: str
    origin: str
    help: str
    secret: bool = False


def setting_rows(
    settings: Settings, secrets: Secrets, origins: Mapping[str, str], *, unknown_origin: str = "-"
) -> list[SettingRow]:
    """Every setting (one row per keymap entry), then every secret, with where it came from
    and its documentation. `unknown_origin` stands in where `origins` has no entry."""
    settings_help = field_docs(Settings)
    rows: list[SettingRow] = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name == "keymap" and value:
            rows.extend(
                SettingRow(
                    f"keymap.{binding}",
                    keys,
                    origins.get(f"keymap.{binding}", unknown_origin),
                    f"Keys of the binding {binding} ({settings_help[name]})",
                )
                for binding, keys in value.items()
            )
        else:
            rows.append(
                SettingRow(
                    name,
                    _shown(value),
                    origins.get(name, unknown_origin),
                    settings_help.get(name, ""),
                )
            )
    secrets_help = field_docs(Secrets)
    for name in Secrets.model_fields:
        is_set = getattr(secrets, name) is not None
        rows.append(
            SettingRow(
                name,
                "set (hidden)" if is_set else "unset",
                origins.get(name, unknown_origin) if is_set else "-",
                secrets_help.get(name, ""),
                secret=True,
            )
        )
    return rows


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == {}:
        return "{}"
    text = str(value)
    return text if text and text.isprintable() else repr(text)
