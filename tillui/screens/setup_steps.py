"""The first-run setup's steps and fields, and what makes a typed value unusable (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FieldKind = Literal["id", "url", "text", "secret", "path", "count"]


@dataclass(frozen=True)
class SetupField:
    name: str
    """The write_initial_config argument (or Secrets field) it fills."""
    label: str
    kind: FieldKind
    placeholder: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Step:
    title: str
    fields: tuple[SetupField, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "This till",
        (
            SetupField("till_id", "Till ID", "id", "e.g. 50682289"),
            SetupField("store_id", "Store ID", "id", "e.g. 50682288"),
            SetupField("zone_id", "Zone ID", "id", "e.g. 50682286"),
            SetupField("concept_id", "Concept ID", "id", "e.g. 50678331"),
        ),
    ),
    Step(
        "Intouch cluster",
        (
            SetupField(
                "api_base_url", "API base URL", "url", "https://<cluster>.api.capillarytech.com"
            ),
            SetupField(
                "workflow_base_url",
                "Workflow URL",
                "url",
                "https://<cluster>crm.cc.capillarytech.com",
            ),
            SetupField("org_id", "Org ID", "id", "e.g. 50672"),
        ),
    ),
    Step(
        "Sign-in",
        (
            SetupField("username", "Till username", "text", "e.g. store.server"),
            SetupField("password", "Password", "secret"),
            SetupField("workflow_token", "Workflow token", "secret", "JWT that sends claims"),
        ),
    ),
    Step(
        "Claims",
        (
            SetupField(
                "bills_journal",
                "Bills journal",
                "path",
                "optional: the POS's recent-bills file",
                optional=True,
            ),
            SetupField("retro_max_age_days", "Max bill age", "count", "days"),
            SetupField("retro_delay_hours", "Delay (hours)", "count", "before registration"),
        ),
    ),
    Step("Check and save", ()),
)
FIELDS: tuple[SetupField, ...] = tuple(field for step in STEPS for field in step.fields)
SECRET_FIELDS = ("password", "workflow_token")
INT_FIELDS = ("retro_max_age_days", "retro_delay_hours")


def field_error(kind: FieldKind, value: str, *, optional: bool = False) -> str | None:
    """Why a typed value cannot be used (a few words for the note beside the field), or None."""
    value = value.strip()
    if not value:
        return None if optional else "needed"
    if kind == "id" and any(char.isspace() or not char.isprintable() for char in value):
        return "no spaces"
    if kind == "url":
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "a URL: https://host"
        if parts.query or parts.fragment:
            return "no ?query or #part"
    if kind == "count" and (not value.isdigit() or len(value) > 6):
        return "a whole number"
    if kind == "path" and not Path(value).expanduser().is_absolute():
        return "a full path: /…"
    return None
