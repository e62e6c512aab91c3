"""First run: ask for the essentials, test the connection, write config.toml + secrets.toml.

Opened by the app when no config file exists (outside --demo). Saving writes through
`tillui.config.writing.write_initial_config` (secrets to the 0600 file) and dismisses the screen,
after which the app loads its services from the new files. Leaving any other way quits the app
with a note on what to do, since nothing can work without a configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from tillui.display.formatting import INVALID_MARK, invalid_text
from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from tillui.config.settings import Secrets, Settings

FieldKind = Literal["id", "url", "text", "secret", "optional_secret"]

QUIT_NOTE = (
    "tillui is not set up yet, so it closed. Run `tillui` again to set up this till, "
    "`tillui --demo` to try it on demo data, or `tillui config path` to see where the "
    "configuration goes (TILLUI_CONFIG or --config choose another file)."
)


@dataclass(frozen=True)
class SetupField:
    name: str
    """The write_initial_config argument (or Secrets field) it fills."""
    label: str
    kind: FieldKind
    placeholder: str = ""


SECTIONS: tuple[tuple[str, tuple[SetupField, ...]], ...] = (
    (
        "This till",
        (
            SetupField("till_id", "Till ID", "id", "e.g. 50682289"),
            SetupField("store_id", "Store ID", "id", "e.g. 50682288"),
            SetupField("zone_id", "Zone ID", "id", "e.g. 50682286"),
            SetupField("concept_id", "Concept ID", "id", "e.g. 50678331"),
        ),
    ),
    (
        "Intouch",
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
    (
        "Sign-in",
        (
            SetupField("username", "Till username", "text", "e.g. store.server"),
            SetupField("password", "Password", "secret"),
            SetupField(
                "workflow_token",
                "Workflow token",
                "optional_secret",
                "optional; needed to send claims",
            ),
        ),
    ),
)
FIELDS: tuple[SetupField, ...] = tuple(field for _, fields in SECTIONS for field in fields)
CONNECTION_FIELDS = ("api_base_url", "username", "password")
"""What the connection test needs (it signs in and makes one lookup)."""


def field_error(kind: FieldKind, value: str) -> str | None:
    """Why a typed value cannot be used (a few words for the note beside the field), or None."""
    value = value.strip()
    if not value:
        return None if kind == "optional_secret" else "needed"
    if kind == "id" and any(char.isspace() or not char.isprintable() for char in value):
        return "no spaces"
    if kind == "url":
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "a URL: https://host"
        if parts.query or parts.fragment:
            return "no ?query or #part"
    return None


class SetupScreen(TillScreen[bool]):
    """Dismissed with True once the configuration is written."""

    CSS_PATH = stylesheet("setup.tcss")
    AUTO_FOCUS = "#setup-till_id"
    BINDINGS = [
        Binding("escape", "quit_setup", "Quit setup", id="setup.quit"),
        Binding(
            "ctrl+r,f5",
            "test_connection",
            "Test",
            id="setup.test",
            tooltip="Sign in with these answers and make one lookup",
        ),
        Binding(
            "ctrl+o,f9",
            "save",
            "Save",
            id="setup.save",
            tooltip="Write config.toml and secrets.toml, then start",
        ),
        Binding("down", "app.focus_next", "Next field", id="setup.next", show=False),
        Binding("up", "app.focus_previous", "Previous field", id="setup.previous", show=False),
    ]
    settings_ready = False  # the settings screen would have nothing to show yet

    def __init__(self, config_path: Path) -> None:
        super().__init__()
        self.config_path = config_path
        self._finished = False

    def compose(self) -> ComposeResult:
        from tillui.config.settings import Settings

        # The EU cluster's URLs, there from the first frame (edit for other clusters).
        defaults = {
            name: str(Settings.model_fields[name].default)
            for name in ("api_base_url", "workflow_base_url")
        }
        yield Static("Set up this till", classes="screen-title", id="setup-title")
        yield Static(self._intro(), id="setup-intro")
        with Vertical(id="setup-form"):
            for title, fields in SECTIONS:
                yield Static(title, classes="setup-section")
                for field in fields:
                    with Horizontal(classes="setup-row", id=f"row-{field.name}"):
                        yield Label(field.label, classes="setup-label")
                        yield Input(
                            defaults.get(field.name, ""),
                            placeholder=field.placeholder,
                            id=f"setup-{field.name}",
                            password=field.kind in ("secret", "optional_secret"),
                        )
                        yield Static("", classes="setup-note", id=f"note-{field.name}")
        with Horizontal(id="setup-test"):
            yield Spinner(id="setup-testing")
            yield Static(
                "Ctrl+R (F5) tests the connection; Ctrl+O (F9) saves and starts.",
                id="setup-verdict",
            )
        yield ErrorPanel(id="setup-error")
        yield Footer(compact=True)

    def _intro(self) -> Text:
        from tillui.config.secrets import secrets_path_for

        secrets_path = secrets_path_for(self.config_path)
        beside = secrets_path.parent == self.config_path.parent
        text = Text("Writes ", style="dim")
        text.append(str(self.config_path))
        text.append("; the password and token go to ", style="dim")
        text.append(f"{secrets_path.name} beside it" if beside else str(secrets_path))
        text.append(" (owner-only).", style="dim")
        return text

    # -- inline validation ---------------------------------------------------------------------

    def _input(self, name: str) -> Input:
        return self.query_one(f"#setup-{name}", Input)

    def _value(self, name: str) -> str:
        return self._input(name).value.strip()

    def _mark(self, field: SetupField, *, report_empty: bool) -> bool:
        """Show the field's problem beside it; True when it is usable."""
        value = self._input(field.name).value
        error = field_error(field.kind, value)
        shown = error if (value.strip() or report_empty) else None
        note = self.query_one(f"#note-{field.name}", Static)
        row = self.query_one(f"#row-{field.name}")
        note.update(invalid_text(shown) if shown else "")
        row.set_class(shown is not None, "-invalid")
        return error is None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        field = _field_of(event.input)
        if field is not None:
            self._mark(field, report_empty=False)

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        field = _field_of(event.input)
        if field is not None:
            self._mark(field, report_empty=True)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _check(self, names: tuple[str, ...]) -> bool:
        """Mark every named field; focus the first bad one. True when all are usable."""
        first_bad: Input | None = None
        for field in FIELDS:
            if field.name in names and not self._mark(field, report_empty=True):
                first_bad = first_bad or self._input(field.name)
        if first_bad is not None:
            first_bad.focus()
        return first_bad is None

    # -- answers -> settings -------------------------------------------------------------------

    def _answers(self) -> tuple[Settings, Secrets]:
        from pydantic import SecretStr

        from tillui.config.settings import Secrets, Settings

        values = {field.name: self._value(field.name) for field in FIELDS}
        password, token = values.pop("password"), values.pop("workflow_token")
        secrets = Secrets(
            password=SecretStr(password) if password else None,
            workflow_token=SecretStr(token) if token else None,
        )
        for name in ("api_base_url", "workflow_base_url"):
            if not values[name]:
                del values[name]  # the model's default, not an empty URL (test before filling all)
        return Settings.model_validate(values), secrets

    # -- actions -------------------------------------------------------------------------------

    def action_test_connection(self) -> None:
        if self._check(CONNECTION_FIELDS):
            self._test_connection()
        else:
            self._verdict(
                f"Fill in the fields marked {INVALID_MARK} to test the connection.", ok=False
            )

    @work(exclusive=True, group="setup-test", exit_on_error=False)
    async def _test_connection(self) -> None:
        from tillui.config.command import check_connection

        testing = self.query_one("#setup-testing")
        self._verdict("Testing the connection…", ok=None)
        testing.display = True
        try:
            settings, secrets = self._answers()
            ok, line = await check_connection(settings, secrets)
        except Exception as error:  # noqa: BLE001 - a verdict, never a traceback
            ok, line = False, f"FAILED: {error}"
        finally:
            testing.display = False
        self._verdict(line, ok=ok)

    def _verdict(self, line: str, *, ok: bool | None) -> None:
        verdict = self.query_one("#setup-verdict", Static)
        verdict.update(Text(line))
        verdict.set_class(ok is True, "-ok")
        verdict.set_class(ok is False, "-failed")

    def action_save(self) -> None:
        panel = self.query_one(ErrorPanel)
        if not self._check(tuple(field.name for field in FIELDS)):
            panel.show_message(f"Fix the fields marked {INVALID_MARK}", "Nothing was saved.")
            return
        panel.clear()
        self._save()

    @work(exclusive=True, group="setup-save", exit_on_error=False)
    async def _save(self) -> None:
        import asyncio

        from tillui.config.writing import write_initial_config

        settings, secrets = self._answers()
        try:
            await asyncio.to_thread(
                write_initial_config,
                self.config_path,
                till_id=settings.till_id,
                store_id=settings.store_id,
                zone_id=settings.zone_id,
                concept_id=settings.concept_id,
                api_base_url=settings.api_base_url,
                workflow_base_url=settings.workflow_base_url,
                org_id=settings.org_id,
                username=settings.username,
                secrets=secrets,
            )
        except Exception as error:  # noqa: BLE001 - ConfigError and OS errors alike: shown
            self.query_one(ErrorPanel).show_message(
                "The configuration could not be saved", str(error)
            )
            return
        self._finished = True
        self.app.notify(f"Saved {self.config_path}", title="Set up")
        self.dismiss(True)

    def action_quit_setup(self) -> None:
        self._finished = True
        self.app.exit(return_code=2, message=QUIT_NOTE)

    def on_unmount(self) -> None:
        # Removed without saving while the app runs on ("New customer" from the palette pops
        # every screen): it would wait forever for services that cannot load, so quit with the
        # note instead. (An app already shutting down is not running, and is left alone.)
        if not self._finished and self.app.is_running:
            self.app.exit(return_code=2, message=QUIT_NOTE)


def _field_of(widget: Input) -> SetupField | None:
    name = (widget.id or "").removeprefix("setup-")
    return next((field for field in FIELDS if field.name == name), None)
