"""Every field of one claim: a claim waiting for the checker (with its bill), or one of this
till's claims (outbox row and server state). Esc closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tillui.display.formatting import format_amount, mask_number
from tillui.screens.dialogs.request_detail import format_moment
from tillui.screens.styles import stylesheet

if TYPE_CHECKING:
    from tillui.claims.checker import WaitingClaim
    from tillui.claims.history import TillClaim
    from tillui.clock import Clock

Rows = list[tuple[str, "Text | str"]]


def waiting_claim_rows(claim: WaitingClaim, clock: Clock) -> Rows:
    bill, request = claim.bill, claim.request
    rows: Rows = [
        ("State", Text("waiting for approval", style="bold")),
        ("Request ID", claim.request_id),
        ("Claimed", format_moment(claim.waiting_since, clock)),
        ("Claimed by", request.user_name or (str(request.user_id) if request.user_id else "—")),
        ("Customer", mask_number(claim.customer_id)),
        ("Transaction", str(claim.transaction_id or "—")),
    ]
    if bill is None:
        rows.append(("Bill", Text(claim.bill_problem or "not read", style="bold")))
        return rows
    details = bill.bill_details
    store = details.billing_store
    rows += [
        ("Bill number", details.bill_number),
        ("Billed", format_moment(details.billing_time, clock)),
        ("Amount", format_amount(details.amount)),
        ("Gross", format_amount(details.gross_amount)),
        ("Discount", format_amount(details.discount)),
        ("Store", (store.name or store.code or str(store.id)) if store else "—"),
        ("Till", claim.till),
        ("Bill type", bill.type),
    ]
    for item in bill.line_items[:8]:
        label = str(item.get("description") or item.get("itemCode") or "item")
        rows.append(("  item", f"{item.get('qty', '?')} × {label}  {item.get('amount', '')}"))
    notes = request.retro_body.notes if request.retro_body else ""
    rows.append(("Note", notes or "—"))
    return rows


def till_claim_rows(claim: TillClaim, clock: Clock) -> Rows:
    record = claim.record
    return [
        ("At this till", Text(claim.local_words, style="bold")),
        ("On the server", Text(claim.server_words, style="bold")),
        ("Reason", claim.reason or "—"),
        ("Bill", record.bill_number),
        ("Amount", format_amount(record.amount)),
        ("Customer", mask_number(record.customer_id)),
        ("Transaction", str(record.transaction_id)),
        ("Request ID", record.request_id or "— (no answer yet)"),
        ("Claimed", format_moment(record.created_at, clock)),
        ("Last change", format_moment(record.updated_at, clock)),
        ("Attempts", str(record.attempts)),
        ("Note", record.notes or "—"),
        ("Local ID", record.id),
    ]


class FieldsDialog(ModalScreen[None]):
    CSS_PATH = stylesheet("checker.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="claim_detail.close"),
        Binding("down", "scroll_down", "Scroll down", show=False, id="claim_detail.down"),
        Binding("up", "scroll_up", "Scroll up", show=False, id="claim_detail.up"),
    ]

    def __init__(self, title: str, rows: Rows) -> None:
        super().__init__()
        self._title = title
        self._rows = rows

    @property
    def rows(self) -> Rows:
        return list(self._rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="claim-detail"), VerticalScroll(id="claim-detail-body"):
            yield Static(self._table(), id="claim-detail-fields")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#claim-detail")
        box.border_title = self._title
        box.border_subtitle = "Esc closes"

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, expand=True, pad_edge=False)
        table.add_column("Field", style="dim", width=13, no_wrap=True)
        table.add_column("Value", overflow="fold")
        for label, value in self._rows:
            table.add_row(label, value)
        return table

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#claim-detail-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#claim-detail-body", VerticalScroll).scroll_up(animate=False)
