"""Help: every key of every screen, read from the bindings themselves (so it cannot drift)."""

from __future__ import annotations

from importlib import import_module

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.widgets import Footer, Static

from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet

# (title, module, class): screens are imported here, not at the top, to keep start-up light.
SCREENS = [
    ("Lookup", "tillui.screens.lookup", "LookupScreen"),
    ("Customer", "tillui.screens.customer", "CustomerScreen"),
    ("Claim a bill", "tillui.screens.claim", "ClaimScreen"),
    ("Claim result", "tillui.screens.claim_result", "ClaimResultScreen"),
    ("Requests", "tillui.screens.requests", "RequestsScreen"),
    ("Settings", "tillui.screens.settings", "SettingsScreen"),
    ("First-run setup", "tillui.screens.setup", "SetupScreen"),
    ("Till claims", "tillui.screens.till_claims", "TillClaimsScreen"),
    ("Manager: approve or reject", "tillui.screens.checker", "CheckerScreen"),
]
KIOSK_HIDDEN_SCREENS = {"SettingsScreen", "SetupScreen"}
KIOSK_HIDDEN_BINDINGS = {"app.settings", "lookup.settings", "customer.toggle_mask"}
"""What a kiosk does not offer, so its help does not list it either."""


def key_display(keys: str) -> str:
    return " / ".join(
        key.strip()
        .replace("ctrl+", "Ctrl+")
        .replace("escape", "Esc")
        .replace("enter", "Enter")
        .replace("pagedown", "PgDn")
        .replace("pageup", "PgUp")
        for key in keys.split(",")
    )


def bindings_table(
    app_class: type[DOMNode], app_keymap: dict[str, str], *, kiosk: bool = False
) -> Table:
    # No padding, a fixed first column and a ratio for the second: the same widths whatever
    # rich's version (padding and spare width are shared out differently across releases).
    table = Table(expand=True, box=None, padding=0, show_header=False)
    table.add_column("Keys", style="bold", width=23)
    table.add_column("Action", ratio=1)
    owners: list[tuple[str, type[DOMNode]]] = [("Everywhere", app_class)]
    owners += [
        (title, getattr(import_module(module), name))
        for title, module, name in SCREENS
        if not (kiosk and name in KIOSK_HIDDEN_SCREENS)
    ]
    for title, owner in owners:
        table.add_row(Text(title, style="underline"), "")
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if kiosk and binding.id in KIOSK_HIDDEN_BINDINGS:
                continue
            keys = app_keymap.get(binding.id or "", binding.key)
            table.add_row(key_display(keys), binding.description)
        table.add_row("", "")
    table.add_row(key_display("ctrl+p"), "Command palette: every action by name")
    return table


class HelpScreen(TillScreen[None]):
    CSS_PATH = stylesheet("help.tcss")
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="help.back")]

    def compose(self) -> ComposeResult:
        yield Static("Keys", classes="screen-title", id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(id="help-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-table", Static).update(
            bindings_table(type(self.app), self.till.keymap, kiosk=self.till.kiosk)
        )
