"""The reference of every figure: a bare Textual app of tillui's shape, with no tillui code.

Same widgets, same stylesheets (styles/*.tcss) and the same footer keys as tillui's lookup,
customer and requests screens; it does the same things the plain Textual way: Enter pushes a new
customer screen, Esc pops it, `r` pushes a requests screen that fetches one page over HTTP (raw
JSON, httpx) and fills a DataTable, `n` fetches the next page.

    BARE_API=http://127.0.0.1:8765 BARE_AUTH='Basic …' python bench/bare_till.py
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, LoadingIndicator, Static

STYLES = Path(__file__).resolve().parent.parent / "styles"
FIELDS = [
    ("mobile", "Mobile", "e.g. +91 98000 00001"),
    ("email", "Email", "e.g. name@example.com"),
    ("externalId", "External ID", "e.g. EXT0001"),
    ("cardnumber", "Card", "type or scan the card"),
]
BULK_CUSTOMER_ID = 565039506
PAGE_SIZE = 15
COLUMNS = (("Status", 10), ("Added on", 11), ("Bill", 14), ("Till", 14))


def quiet_spinner(spinner_id: str) -> LoadingIndicator:
    spinner = LoadingIndicator(id=spinner_id)
    spinner.display = False
    return spinner


class BareLookup(Screen[None]):
    AUTO_FOCUS = "#field-mobile"
    BINDINGS = [
        Binding("enter", "look_up", "Look up"),
        Binding("escape", "clear", "Clear"),
        Binding("f2,ctrl+t", "app.bell", "Settings"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="lookup-head"):
            yield Static("Find a customer", id="lookup-title")
            yield Static("", id="lookup-till")
        with Vertical(id="lookup-fields"):
            for kind, label, placeholder in FIELDS:
                field = Input(placeholder=placeholder, id=f"field-{kind}", classes="identifier")
                field.border_title = label
                yield field
        yield Static("Any of them, or several. Tab moves.", id="lookup-hint")
        yield quiet_spinner("lookup-loading")
        yield Static("", id="lookup-error", classes="error-panel")
        yield Static("", id="lookup-demo")
        yield Static("", id="lookup-unsent")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for hidden in ("#lookup-error", "#lookup-demo", "#lookup-unsent"):
            self.query_one(hidden).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_look_up()

    def action_look_up(self) -> None:
        mobile = self.query_one("#field-mobile", Input).value
        if os.environ.get("BARE_LOOKUP_HTTP"):
            self.run_worker(self._look_up(mobile), exclusive=True)
        else:
            self.app.push_screen(BareCustomer(bulk=mobile.endswith("6")))

    async def _look_up(self, mobile: str) -> None:
        """With BARE_LOOKUP_HTTP: the customer and points, concurrently, as raw JSON first.
        With BARE_LOOKUP_CLIENT: the same lookup through tillui's own Intouch client."""
        if os.environ.get("BARE_LOOKUP_CLIENT"):
            from tillui.counter.identifier_types import Identifier

            client = await self.app.http()
            await client.lookup([Identifier("mobile", mobile)])
            self.app.push_screen(BareCustomer(bulk=mobile.endswith("6")))
            return
        http = await self.app.http()
        params = {"source": "INSTORE", "identifierName": "mobile", "identifierValue": mobile}
        headers = {"Authorization": os.environ["BARE_AUTH"]}
        await asyncio.gather(
            http.get("/v2/customers/lookup/customerDetails", params=params, headers=headers),
            http.get("/v2/customers/lookup/points/balance", params=params, headers=headers),
        )
        self.app.push_screen(BareCustomer(bulk=mobile.endswith("6")))

    def action_clear(self) -> None:
        for field in self.query(Input):
            field.clear()


class BareCustomer(Screen[None]):
    CSS_PATH = str(STYLES / "customer.tcss")
    BINDINGS = [
        Binding("escape,n", "back", "New"),
        Binding("c", "app.bell", "Claim"),
        Binding("r", "requests", "Requests"),
        Binding("a", "app.bell", "Programs"),
        Binding("m", "app.bell", "IDs"),
        Binding("f5,ctrl+r", "app.bell", "Refresh"),
    ]

    def __init__(self, *, bulk: bool) -> None:
        super().__init__()
        self.bulk = bulk

    def compose(self) -> ComposeResult:
        with Horizontal(id="customer-head"):
            yield Static("", id="customer-name")
            yield Static("", id="customer-tier")
        yield Static("", id="customer-identifiers")
        yield Static("", id="customer-registered")
        with Horizontal(id="points"):
            for figure, label in (("main", "Main"), ("delayed", "Delayed")):
                yield self._figure(figure, label)
            for figure, label in (("external", "Ext. trigger"), ("total", "Total")):
                yield self._figure(figure, label)
        yield quiet_spinner("customer-loading")
        yield Static("", id="customer-error", classes="error-panel")
        with Vertical(id="programs-box"):
            yield DataTable(id="programs", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    @staticmethod
    def _figure(name: str, label: str) -> Static:
        figure = Static("", id=f"points-{name}", classes="points-figure")
        figure.border_title = label
        return figure

    def on_mount(self) -> None:
        self.query_one("#customer-error").display = False
        customer_id = BULK_CUSTOMER_ID if self.bulk else 565039501
        self.query_one("#customer-name", Static).update("Asha Rao")
        self.query_one("#customer-tier", Static).update("Loyalty member · Gold")
        self.query_one("#customer-identifiers", Static).update(
            "Mobile ******0001   Email a***@example.com   Ext. ID ****0001"
        )
        self.query_one("#customer-registered", Static).update(
            f"Registered 12 Mar 2025 10:00 (1 year ago) · customer ID {customer_id}"
        )
        self.query_one("#points").border_title = "Points — Main program"
        for name, value in (("main", "1,200"), ("delayed", "300"), ("external", "0")):
            self.query_one(f"#points-{name}", Static).update(f"{value}\n[dim]promised[/dim]")
        self.query_one("#points-total", Static).update("1,500\n[dim]main + promised[/dim]")
        table = self.query_one(DataTable)
        table.add_columns("Program", "Tier", "Points", "Lifetime", "Delayed", "Available")
        table.add_row("Main program", "Gold", "1,200", "4,000", "300", "1,200")
        table.add_row("Partner program", "Silver", "80", "200", "0", "80")
        self.query_one("#programs-box").border_title = "Programs"

    def action_back(self) -> None:
        self.app.pop_screen()
        self.app.screen.action_clear()

    def action_requests(self) -> None:
        self.app.push_screen(BareRequests(BULK_CUSTOMER_ID if self.bulk else 565039501))


class RowTable(DataTable, inherit_bindings=False):
    """Like tillui's requests table: row cursor only, page keys left to the screen."""

    BINDINGS = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
    ]


class BareRequests(Screen[None]):
    CSS_PATH = str(STYLES / "requests.tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("pageup,p", "page(-1)", "Previous page"),
        Binding("pagedown,n", "page(1)", "Next page"),
        Binding("f", "app.bell", "Filter"),
        Binding("f5,ctrl+r", "app.bell", "Refresh"),
        Binding("enter", "app.bell", "Detail"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.index = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="requests-head"):
            yield Static("Retro requests · Asha Rao", id="requests-title")
            yield Static("Status: all  (f)", id="requests-filter")
        with Horizontal(id="requests-status-line"):
            yield Static("Loading…", id="requests-status")
            yield quiet_spinner("requests-loading")
        yield Static("", id="requests-error", classes="error-panel")
        yield RowTable(id="requests-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="requests-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#requests-error").display = False
        self.query_one("#requests-empty").display = False
        table = self.query_one(DataTable)
        # tillui's columns: status, added on, bill, till, and the reason in what is left.
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        fixed = sum(width + 2 for _, width in COLUMNS) + 3
        table.add_column("Reason", width=max(16, self.size.width - fixed))
        self.run_worker(self.load(), exclusive=True)

    def action_page(self, step: int) -> None:
        self.index = max(0, self.index + step)
        self.run_worker(self.load(), exclusive=True)

    async def load(self) -> None:
        http = await self.app.http()
        answer = await http.get(
            f"/v2/customers/{self.customer_id}/retroRequest",
            params={
                "changeType": "RETRO",
                "limit": str(PAGE_SIZE),
                "offset": str(self.index * PAGE_SIZE),
            },
            headers={"Authorization": os.environ["BARE_AUTH"]},
        )
        page = answer.json()
        table = self.query_one(DataTable)
        table.clear()
        reason_width = table.ordered_columns[-1].width
        for item in page["data"]:
            by = item.get("addedBy") or {}
            # One line a row, the reason cut to its column: a little less work than tillui's
            # wrapped reasons, so the reference is not the slower of the two.
            table.add_row(
                item["status"],
                item["addedOn"][:10],
                str(item.get("transactionId") or "—"),
                by.get("name", "")[:14],
                (item.get("reason") or "—")[:reason_width],
            )
        # Hidden by the shared stylesheet until the first page arrives, as in tillui.
        table.display = True
        total = page["pagination"]["total"]
        pages = max(1, -(-total // PAGE_SIZE))
        self.query_one("#requests-status", Static).update(
            f"page {self.index + 1} of {pages} — {total:,} requests"
        )
        table.focus()


def intouch_client():
    """tillui's client, for the figure of a scan at the first frame: both sides pay for the
    same client (httpx, pydantic, the models), so the ratio is the app around it."""
    from tillui.api.client import IntouchClient
    from tillui.config.settings import Secrets, Settings

    api = os.environ.get("BARE_API", "http://127.0.0.1:9")
    settings = Settings(
        api_base_url=api, workflow_base_url=api, org_id="100", username=os.environ["BARE_USER"]
    )
    return IntouchClient(settings, Secrets(password=os.environ["BARE_PASSWORD"]))


class BareTill(App[None]):
    CSS_PATH = [str(STYLES / "base.tcss"), str(STYLES / "lookup.tcss")]

    def __init__(self) -> None:
        super().__init__()
        self._client = None
        self._client_ready = asyncio.Event()

    def get_default_screen(self) -> Screen:
        return BareLookup()

    def on_mount(self) -> None:
        # Like tillui: the HTTP client is imported after the first frame, in a thread.
        self.call_after_refresh(self.run_worker, self._import_client, thread=True)

    def _import_client(self) -> None:
        if os.environ.get("BARE_LOOKUP_CLIENT"):
            self.call_from_thread(self._client_done, intouch_client())
            return
        import httpx

        client = httpx.AsyncClient(base_url=os.environ.get("BARE_API", "http://127.0.0.1:9"))
        self.call_from_thread(self._client_done, client)

    def _client_done(self, client) -> None:
        self._client = client
        self._client_ready.set()

    async def http(self):
        await self._client_ready.wait()
        return self._client


if __name__ == "__main__":
    BareTill().run()
