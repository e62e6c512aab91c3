"""Settings: every effective setting with where it came from, its help, and a connection test.

Read-only by design (and necessarily so in kiosk mode): values are changed with
`tillui config set` or by editing config.toml, so one file stays the single source of truth.
Secrets are shown only as set/unset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Static

from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner
from tillui.widgets.verdicts import VerdictList

if TYPE_CHECKING:
    from tillui.config.rows import SettingRow
    from tillui.services import Services

NOT_TESTED = "Not checked yet: t checks the files, API, gateway, journal (as config check)."


class SettingsScreen(TillScreen[None]):
    CSS_PATH = stylesheet("settings.tcss")
    scan_starts_lookup = True
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
        Binding(
            "t,f5,ctrl+r",
            "test_connection",
            "Test",
            id="settings.test",
            tooltip="Check the files, the API, the workflow gateway and the journal",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SettingRow] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="settings-head"):
            yield Static("Settings", classes="screen-title", id="settings-title")
            yield Static("", id="settings-till")
        yield Static("", id="settings-path")
        yield Spinner(id="settings-loading")
        yield ErrorPanel(id="settings-error")
        yield DataTable(id="settings-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="settings-help")
        with Horizontal(id="settings-test"):
            yield Spinner(id="settings-testing")
            yield VerdictList(NOT_TESTED, id="settings-verdict")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#settings-table", DataTable)
        table.add_column("Setting", width=24, key="key")
        table.add_column("Value", width=26, key="value")
        table.add_column("Origin", key="origin")
        self.query_one("#settings-help").border_title = "Help"
        self._load()

    @work(exclusive=True, group="settings-load", exit_on_error=False)
    async def _load(self) -> None:
        try:
            services = await self.till.services()
        except Exception as error:  # noqa: BLE001 - the reason is shown, never raised
            self.query_one("#settings-loading").display = False
            self.query_one(ErrorPanel).show_message(
                "The settings could not be loaded", f"{error} — see `tillui config show`."
            )
            return
        self.query_one("#settings-loading").display = False
        self._show(services)

    def _show(self, services: Services) -> None:
        from tillui.config.rows import setting_rows

        settings = services.settings
        till = f"till {settings.till_id}" if settings.till_id else "no till"
        self.query_one("#settings-till", Static).update("DEMO sandbox" if services.demo else till)
        self.query_one("#settings-path", Static).update(_source_text(services))
        unknown = "demo" if services.demo else "-"
        rows = setting_rows(settings, services.secrets, services.origins, unknown_origin=unknown)
        self._rows = {row.key: row for row in rows}
        table = self.query_one("#settings-table", DataTable)
        table.clear()
        for row in rows:
            value = Text(row.value, style="italic" if row.secret else "")
            table.add_row(row.key, value, Text(row.origin, style="dim"), key=row.key)
        table.focus()
        if rows:
            self._describe(rows[0])

    @on(DataTable.RowHighlighted, "#settings-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self._rows.get(str(event.row_key.value))
        if row is not None:
            self._describe(row)

    def _describe(self, row: SettingRow) -> None:
        """The whole value (the table crops long ones), its origin and the key's docstring."""
        panel = self.query_one("#settings-help", Static)
        panel.border_title = row.key
        text = Text()
        text.append(row.value, style="bold")
        text.append(
            f"   from {row.origin}" if row.origin != "-" else "   not set anywhere", style="dim"
        )
        text.append("\n" + (row.help or "(no description)"))
        panel.update(text)

    # -- connection test -----------------------------------------------------------------------

    def action_test_connection(self) -> None:
        self._test_connection()

    @work(exclusive=True, group="settings-test", exit_on_error=False)
    async def _test_connection(self) -> None:
        import asyncio

        from tillui.checks.till_setup import (
            check_connection,
            check_files,
            check_journal,
            failed,
            skipped,
        )

        testing = self.query_one("#settings-testing")
        verdict_list = self.query_one("#settings-verdict", VerdictList)
        verdict_list.say("Checking the files, the API, the workflow gateway and the journal…")
        testing.display = True
        try:
            services = await self.till.services()
            settings, secrets = services.settings, services.secrets
            if services.demo is not None:
                why = "demo: built-in sandbox settings, no file is read"
                verdicts = [skipped("config", why), skipped("secrets", why)]
            else:
                verdicts, _ = await asyncio.to_thread(
                    check_files, path=services.config_path, till=settings.till_id
                )
            verdicts += await check_connection(
                settings,
                secrets,
                transport=(services.demo.transport if services.demo else None),
            )
            verdicts.append(await asyncio.to_thread(check_journal, settings.bills_journal))
        except Exception as error:  # noqa: BLE001 - a verdict, never a traceback
            verdicts = [failed("config", f"the check could not run: {error}")]
        finally:
            testing.display = False
        verdict_list.show(verdicts)

    def palette_commands(self):
        yield SystemCommand(
            "Test connection",
            "Check the files, the API, the workflow gateway and the journal",
            self.action_test_connection,
        )


def _source_text(services: Services) -> Text:
    read_only = " Read-only (kiosk mode)." if services.settings.kiosk else ""
    if services.demo is not None:
        return Text(
            f"Demo: built-in sandbox settings, no config file is read.{read_only}", style="dim"
        )
    text = Text("Config: ", style="dim")
    text.append(str(services.config_path) if services.config_path else "(none)")
    text.append(f"\nChange values with `tillui config set`.{read_only}", style="dim")
    return text
