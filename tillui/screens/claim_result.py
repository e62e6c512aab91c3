"""The answer to a claim: request ID and state (refreshed from the workflow gateway), or why
it was refused, or — when the answer never came — what the till does about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Static

from tillui.clock import format_local, local
from tillui.display.formatting import format_amount
from tillui.host import TillCapabilities
from tillui.screens.base import TillScreen
from tillui.screens.styles import stylesheet
from tillui.widgets.error_panel import ErrorPanel
from tillui.widgets.spinner import Spinner

if TYPE_CHECKING:
    from datetime import datetime

    from tillui.claims.candidates import Candidate
    from tillui.claims.service import ClaimOutcome

HEADINGS = {
    "sent": "Claim sent",
    "already_claimed": "Already claimed",
    "refused": "Claim refused — nothing was added",
    "unknown": "No answer from the server yet",
}


class ClaimResultScreen(TillScreen[None]):
    CSS_PATH = stylesheet("claim.tcss")
    scan_starts_lookup = True
    BINDINGS = [
        Binding("enter,escape", "done", "Done", id="claim_result.done"),
        Binding("ctrl+r,f5", "refresh", "Refresh state", id="claim_result.refresh"),
        Binding("r", "requests", "Requests", id="claim_result.requests"),
    ]

    def __init__(self, outcome: ClaimOutcome, candidate: Candidate) -> None:
        super().__init__()
        self.outcome = outcome
        self.candidate = candidate

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box", classes=f"-{self.outcome.kind}"):
            yield Static(HEADINGS.get(self.outcome.kind, self.outcome.kind), id="result-heading")
            yield Static(id="result-bill")
            yield Static(id="result-request")
            yield Static(id="result-state")
            yield Static(id="result-message")
        yield Spinner(id="result-loading")
        yield ErrorPanel(id="result-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        candidate, claim = self.candidate, self.outcome.claim
        self.query_one("#result-bill", Static).update(
            Text.assemble(
                ("Bill      ", "dim"),
                candidate.bill_number,
                "  ",
                format_local(candidate.billing_time, self.till.clock),
                "  ",
                format_amount(candidate.amount, candidate.currency),
            )
        )
        self.query_one("#result-request", Static).update(
            Text.assemble(("Request   ", "dim"), claim.request_id or "—")
        )
        self._show_state(claim.server_state)
        # A sent claim is fully told by the lines above; the others need the explanation.
        message = "" if self.outcome.sent else self.outcome.message
        if self.outcome.server_message and self.outcome.server_message not in message:
            message += f"\nServer: {self.outcome.server_message}"
        self.query_one("#result-message", Static).update(Text(message.strip()))
        if self.outcome.sent:
            self.query_one("#result-message").display = False

    def _show_state(self, state: str | None, *, checked: datetime | None = None) -> None:
        from tillui.claims.service import state_words

        text = Text.assemble(("State     ", "dim"), (state or "—", "bold"))
        if state:
            words = state_words(state)
            # "approved — the points are being added", not "approved (approved — …)".
            if words.lower().startswith(state.lower()):
                words = words[len(state) :].lstrip(" —-")
            if words:
                text.append(f" — {words}")
        if checked is not None:
            text.append(f"  · checked {local(checked, self.till.clock):%H:%M:%S}", style="dim")
        self.query_one("#result-state", Static).update(text)

    def _workflow_request_id(self) -> str | None:
        """The gateway's UUID; a claim settled by reconciliation carries a retro-request number,
        which the gateway does not know (see the requests screen for those)."""
        request_id = self.outcome.claim.request_id
        return request_id if request_id and "-" in request_id else None

    def action_refresh(self) -> None:
        self._refresh()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def _refresh(self) -> None:
        panel = self.query_one(ErrorPanel)
        request_id = self._workflow_request_id()
        if request_id is None:
            panel.show_message(
                "No workflow request to refresh", "Open the customer's requests (r)."
            )
            return
        panel.clear()
        self.query_one("#result-loading").display = True
        try:
            services = await self.till.services()
            request = await services.client.workflow_request(request_id)
        except Exception as error:  # noqa: BLE001 - shown, never raised
            panel.show_error(error)
        else:
            self._show_state(request.state, checked=self.till.clock.now())
            self.notify(f"State now: {request.state}", title="Claim refreshed", timeout=3)
        finally:
            self.query_one("#result-loading").display = False

    def action_done(self) -> None:
        def is_home(screen: object) -> bool:
            return isinstance(screen, TillCapabilities) and screen.customer_home

        while not is_home(self.app.screen) and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        home = self.app.screen
        if isinstance(home, TillCapabilities) and home.customer_home:
            home.customer_changed()  # points may have risen (auto-approval)

    def action_requests(self) -> None:
        from tillui.screens.requests import RequestsScreen

        self.action_done()
        self.app.push_screen(RequestsScreen())
