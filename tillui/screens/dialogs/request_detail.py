"""One retro request with every field document 001 gives; Esc closes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tillui.clock import local
from tillui.screens.styles import stylesheet

if TYPE_CHECKING:
    from tillui.api.models import Entity, RetroRequest
    from tillui.clock import Clock


def format_moment(moment: Any, clock: Clock) -> str:
    """'02 May 2025 17:23:46 (UTC+05:30)': local time to the second, with the zone shown."""
    if moment is None:
        return "—"
    shown = local(moment, clock)
    zone = shown.tzname() or shown.strftime("%z")
    return f"{shown:%d %b %Y %H:%M:%S} ({zone})"


def format_entity(entity: Entity | None) -> Text:
    """'Harbour Till · code harbour.till · TILL · ID 50682301': name, code, type and ID."""
    if entity is None:
        return Text("—")
    text = Text(entity.name or "(no name)")
    text.append(" · code ", style="dim")
    text.append(entity.code or "—")
    text.append(f" · {entity.type or '?'} · ", style="dim")
    text.append(f"ID {entity.id}")
    return text


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _warnings(warnings: list[Any]) -> str:
    if not warnings:
        return "none"
    return "; ".join(w if isinstance(w, str) else json.dumps(w, default=str) for w in warnings)


def detail_rows(
    request: RetroRequest, clock: Clock, *, claimed_here: bool, bill: str | None = None
) -> list[tuple[str, Text | str]]:
    """(label, value) for every field of the request, in the order a cashier reads them."""
    transaction = "—" if request.transaction_id is None else str(request.transaction_id)
    transaction_text = Text(transaction)
    if claimed_here:
        transaction_text.append("  ● claimed at this till in this session", style="bold")
    return [
        ("Status", Text(request.status, style="bold")),
        ("Request ID", str(request.request_id)),
        ("Bill", bill or "not known (the transaction ID is below)"),
        ("Transaction ID", transaction_text),
        ("Customer ID", str(request.user_id)),
        ("Base type", request.base_type),
        ("Added on", format_moment(request.added_on, clock)),
        ("Added by", format_entity(request.added_by)),
        ("Added by parent", format_entity(request.added_by_parent)),
        ("Updated on", format_moment(request.updated_on, clock)),
        ("Updated by", format_entity(request.updated_by)),
        ("Reason", request.reason or "—"),
        ("Comments", request.comments or "—"),
        ("Warnings", _warnings(request.warnings)),
        ("Additive", f"{_yes_no(request.req_add)} (reqAdd)"),
        ("One step", f"{_yes_no(request.one_step)} (oneStep)"),
    ]


class RequestDetailScreen(ModalScreen[None]):
    CSS_PATH = stylesheet("requests.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="request_detail.close"),
        Binding("down", "scroll_down", "Scroll down", show=False, id="request_detail.down"),
        Binding("up", "scroll_up", "Scroll up", show=False, id="request_detail.up"),
    ]

    def __init__(
        self,
        request: RetroRequest,
        clock: Clock,
        *,
        claimed_here: bool = False,
        bill: str | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self._clock = clock
        self._claimed_here = claimed_here
        self._bill = bill

    def compose(self) -> ComposeResult:
        # The body takes no focus: its own up/down would shadow request_detail.down/up.
        with (
            Vertical(id="request-detail"),
            VerticalScroll(id="request-detail-body", can_focus=False),
        ):
            yield Static(self._table(), id="request-detail-fields")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#request-detail")
        box.border_title = f"Retro request {self.request.id}"
        box.border_subtitle = "Esc closes"

    def _table(self) -> Table:
        # No padding and a ratio: the same widths whatever rich's version.
        table = Table(box=None, show_header=False, expand=True, padding=0)
        table.add_column("Field", style="dim", width=17, no_wrap=True)
        table.add_column("Value", overflow="fold", ratio=1)
        for label, value in detail_rows(
            self.request, self._clock, claimed_here=self._claimed_here, bill=self._bill
        ):
            table.add_row(label, value)
        return table

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#request-detail-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#request-detail-body", VerticalScroll).scroll_up(animate=False)
