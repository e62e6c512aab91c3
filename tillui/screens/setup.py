"""First run: ask for everything a claim needs, check it, write config.toml + secrets.toml.

Opened by the app when no config file exists (outside --demo). Five steps at 80x24: the till's
IDs, the Intouch hosts and org, the sign-in, the claims (journal, retro limits), then the check
and save. Enter moves on (checking the step's fields), Esc goes back a step and never quits;
Ctrl+Q leaves with a note on what to do. The check is `tillui config check`'s own (API, OAuth,
gateway, journal); a configuration whose check failed is saved only when "Save anyway" is
chosen in a dialog. Saving writes through `tillui.config.writing.write_initial_config` (secrets
to the 0600 file) and dismisses the screen, after which the app loads its services.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, Static

from tillui.display.formatting import INVALID_MARK, invalid_text
from tillui.screens.base import TillScreen
from tillui.screens.setup_steps import (
    FIELDS,
    INT_FIELDS,
    SECRET_FIELDS,
    STEPS,
    SetupField,
    field_error,
)
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner
from tillui.widgets.verdicts import VerdictList

if TYPE_CHECKING:
    from tillui.checks.till_setup import Verdict
    from tillui.config.settings import Secrets, Settings

QUIT_NOTE = (
    "tillui is not set up yet, so it closed. Run `tillui` again to set up this till, "
    "`tillui --demo` to try it on demo data, or `tillui config path` to see where the "
    "configuration goes (TILLUI_CONFIG or --config choose another file)."
)
NOT_CHECKED = "Not checked yet: Ctrl+R (F5) checks the API, the workflow gateway and the journal."


class SetupScreen(TillScreen[bool]):
    """Dismissed with True once the configuration is written."""

    CSS_PATH = stylesheet("setup.tcss")
    AUTO_FOCUS = "#setup-till_id"
    QUITS_ITSELF: ClassVar[bool] = True  # Ctrl+Q here quits with what to do next
    BINDINGS = [
        Binding("escape", "back", "Back", id="setup.back"),
        # Priority: the focus moves before the next key is delivered, so a fast Tab-then-type
        # cannot put the first letter in the field being left.
        Binding("tab,down", "next_field", "Next field", id="setup.next", show=False, priority=True),
        Binding(
            "shift+tab,up",
            "previous_field",
            "Previous field",
            id="setup.previous",
            show=False,
            priority=True,
        ),
        Binding("enter", "enter", "Next", id="setup.enter", priority=True),
        Binding(
            "ctrl+r,f5",
            "check",
            "Check",
            id="setup.test",
            tooltip="Sign in, read the workflow gateway and the journal with these answers",
        ),
        Binding(
            "ctrl+o,f9",
            "save",
            "Save",
            id="setup.save",
            tooltip="Write config.toml and secrets.toml, then start",
        ),
        Binding("ctrl+q", "quit_setup", "Quit", id="setup.quit"),
    ]
    settings_ready = False  # the settings screen would have nothing to show yet

    def __init__(self, config_path: Path) -> None:
        super().__init__()
        self.config_path = config_path
        self.step = 0
        self._finished = False
        self._checked: tuple[tuple[str, ...], bool] | None = None
        """(the answers checked, whether the check passed) of the last check."""

    def compose(self) -> ComposeResult:
        from tillui.config.settings import Settings

        # The EU cluster's URLs and the documents' limits, there from the first frame (edit for
        # other clusters and brands).
        defaults = {
            name: str(Settings.model_fields[name].default)
            for name in ("api_base_url", "workflow_base_url", *INT_FIELDS)
        }
        yield Static("", classes="screen-title", id="setup-title")
        yield Static(self._intro(), id="setup-intro")
        for number, step in enumerate(STEPS):
            with Vertical(classes="setup-step", id=f"step-{number}"):
                for field in step.fields:
                    with Horizontal(classes="setup-row", id=f"row-{field.name}"):
                        yield Label(field.label, classes="setup-label")
                        yield Input(
                            defaults.get(field.name, ""),
                            placeholder=field.placeholder,
                            id=f"setup-{field.name}",
                            password=field.kind == "secret",
                        )
                        yield Static("", classes="setup-note", id=f"note-{field.name}")
                if not step.fields:
                    yield Static(
                        "Check these answers against Intouch, then save them.", id="setup-ready"
                    )
                    with Horizontal(id="setup-buttons"):
                        yield Button("Check (^r)", id="setup-check-button", compact=True)
                        yield Button("Save (^o)", id="setup-save-button", compact=True)
        yield Static("", id="setup-step-note")
        with Horizontal(id="setup-test"):
            yield Spinner(id="setup-testing")
            yield VerdictList(NOT_CHECKED, id="setup-verdict")
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

    def on_mount(self) -> None:
        self._show_step(0)

    # -- steps ---------------------------------------------------------------------------------

    def _show_step(self, number: int, *, focus: Input | None = None) -> None:
        self.step = number
        for index in range(len(STEPS)):
            self.query_one(f"#step-{index}").display = index == number
        self.query_one("#setup-title", Static).update(
            f"Set up this till — step {number + 1} of {len(STEPS)}: {STEPS[number].title}"
        )
        self.query_one("#setup-step-note", Static).update("")
        fields = STEPS[number].fields
        if focus is not None:
            self.set_focus(focus)
        elif fields:
            self.set_focus(self._input(fields[0].name))
        else:
            button = "#setup-save-button" if self._passed() else "#setup-check-button"
            self.set_focus(self.query_one(button))
            if not self._current_check_is_fresh():
                self.action_check()

    def _step_of(self, name: str) -> int:
        return next(n for n, step in enumerate(STEPS) if any(f.name == name for f in step.fields))

    def action_back(self) -> None:
        if self.step == 0:
            self.query_one("#setup-step-note", Static).update(
                Text("This is the first step. Ctrl+Q leaves without saving.", style="dim")
            )
            return
        self._show_step(self.step - 1)

    def _forward(self) -> None:
        if self._check_fields(tuple(field.name for field in STEPS[self.step].fields)):
            if self.step == self._step_of("bills_journal") and not self._journal_ok():
                return
            self._show_step(self.step + 1)

    def _journal_ok(self) -> bool:
        """Check the journal path typed (when one is): readable, last lines parse."""
        from tillui.checks.till_setup import check_journal

        path = self._value("bills_journal")
        if not path:
            return True
        verdict = check_journal(Path(path).expanduser())
        note = self.query_one("#setup-step-note", Static)
        note.update(Text(verdict.line, style="green" if verdict.passed else "bold red"))
        if not verdict.passed:
            self.set_focus(self._input("bills_journal"))
        return verdict.passed

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()
            return
        fields = [field.name for field in STEPS[self.step].fields]
        name = _field_name(focused)
        if name in fields and name != fields[-1]:
            # At once (Widget.focus waits a turn): the next key typed must land in the next field.
            self.set_focus(self._input(fields[fields.index(name) + 1]))
        else:
            self._forward()

    @on(Button.Pressed, "#setup-check-button")
    def _check_pressed(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#setup-save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    # -- inline validation ---------------------------------------------------------------------

    def _input(self, name: str) -> Input:
        return self.query_one(f"#setup-{name}", Input)

    def _value(self, name: str) -> str:
        return self._input(name).value.strip()

    def _mark(self, field: SetupField, *, report_empty: bool) -> bool:
        """Show the field's problem beside it; True when it is usable."""
        value = self._input(field.name).value
        error = field_error(field.kind, value, optional=field.optional)
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
        if field is not None and self.is_attached:
            self._mark(field, report_empty=True)

    def _check_fields(self, names: tuple[str, ...]) -> bool:
        """Mark every named field; show the step of the first bad one and focus it."""
        first_bad: Input | None = None
        for field in FIELDS:
            if field.name in names and not self._mark(field, report_empty=True):
                first_bad = first_bad or self._input(field.name)
        if first_bad is not None:
            step = self._step_of(_field_name(first_bad) or "")
            if step != self.step:
                self._show_step(step, focus=first_bad)
            else:
                self.set_focus(first_bad)
        return first_bad is None

    # -- answers -> settings -------------------------------------------------------------------

    def _answers(self) -> tuple[Settings, Secrets]:
        from pydantic import SecretStr

        from tillui.config.settings import Secrets, Settings

        values: dict[str, object] = {field.name: self._value(field.name) for field in FIELDS}
        secrets = Secrets(
            **{name: SecretStr(str(value)) for name in SECRET_FIELDS if (value := values.pop(name))}
        )
        for name in ("api_base_url", "workflow_base_url", "bills_journal", *INT_FIELDS):
            if not values[name]:
                del values[name]  # the model's default (a check before every field is filled)
        for name in INT_FIELDS:
            if name in values:
                values[name] = int(str(values[name]))
        return Settings.model_validate(values), secrets

    def _snapshot(self) -> tuple[str, ...]:
        return tuple(self._input(field.name).value for field in FIELDS)

    def _current_check_is_fresh(self) -> bool:
        return self._checked is not None and self._checked[0] == self._snapshot()

    def _passed(self) -> bool:
        return self._current_check_is_fresh() and self._checked is not None and self._checked[1]

    # -- actions -------------------------------------------------------------------------------

    def action_check(self) -> None:
        if self._check_fields(tuple(field.name for field in FIELDS)):
            self._run_check()
        else:
            self.query_one(VerdictList).say(
                f"Fill in the fields marked {INVALID_MARK} to check the connection.", failed=True
            )

    @work(exclusive=True, group="setup-test", exit_on_error=False)
    async def _run_check(self, then_save: bool = False) -> None:
        from tillui.checks.till_setup import check_connection, check_journal, failed

        verdict_list = self.query_one(VerdictList)
        testing = self.query_one("#setup-testing")
        verdict_list.say("Checking the API, the workflow gateway and the journal…")
        testing.display = True
        snapshot = self._snapshot()
        try:
            settings, secrets = self._answers()
            verdicts: list[Verdict] = await check_connection(settings, secrets)
            verdicts.append(check_journal(settings.bills_journal))
        except Exception as error:  # noqa: BLE001 - a verdict, never a traceback
            verdicts = [failed("api", f"the check could not run: {error}")]
        finally:
            testing.display = False
        verdict_list.show(verdicts)
        passed = all(verdict.passed for verdict in verdicts)
        self._checked = (snapshot, passed)
        if passed and self.step == len(STEPS) - 1:
            self.set_focus(self.query_one("#setup-save-button"))
        if then_save:
            self._after_check_save(verdicts)

    def _after_check_save(self, verdicts: list[Verdict]) -> None:
        if self._passed():
            self._save()
            return
        from tillui.screens.dialogs.save_anyway import SaveAnywayDialog

        failures = [verdict.line for verdict in verdicts if not verdict.passed]

        def answered(save_anyway: bool | None) -> None:
            if save_anyway:
                self._save()
            else:
                self.query_one(ErrorPanel).show_message(
                    "Not saved: the check failed", "Fix what the check names, then save again."
                )

        self.app.push_screen(SaveAnywayDialog(failures), answered)

    def action_save(self) -> None:
        panel = self.query_one(ErrorPanel)
        if not self._check_fields(tuple(field.name for field in FIELDS)):
            panel.show_message(f"Fix the fields marked {INVALID_MARK}", "Nothing was saved.")
            return
        if self.step == self._step_of("bills_journal") and not self._journal_ok():
            panel.show_message("Fix the journal path (or leave it empty)", "Nothing was saved.")
            return
        panel.clear()
        if self._passed():
            self._save()
        else:
            self._run_check(then_save=True)

    @work(exclusive=True, group="setup-save", exit_on_error=False)
    async def _save(self) -> None:
        import asyncio

        from tillui.config.writing import write_initial_config

        settings, secrets = self._answers()
        journal = self._value("bills_journal")
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
                bills_journal=str(Path(journal).expanduser()) if journal else "",
                retro_max_age_days=settings.retro_max_age_days,
                retro_delay_hours=settings.retro_delay_hours,
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


def _field_name(widget: object) -> str | None:
    if not isinstance(widget, Input):
        return None
    return (widget.id or "").removeprefix("setup-") or None


def _field_of(widget: Input) -> SetupField | None:
    name = _field_name(widget)
    return next((field for field in FIELDS if field.name == name), None)
