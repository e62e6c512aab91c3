"""A table of one page of retro requests: status, added on (local date), the bill number (or the
transaction ID while it is not known), the till, and the reason, wrapped rather than cut (a row
grows a line); requests claimed at this till in this session are marked and highlighted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tillui.clock import local

if TYPE_CHECKING:
    from tillui.api.models import Entity, RetroRequest
    from tillui.clock import Clock

CLAIMED_MARK = "●"
_BY_WIDTH = 14
_BILL_WIDTH = 14
_FIXED_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("status", "  Status", 10),
    ("added", "Added on", 11),
    ("bill", "Bill", _BILL_WIDTH),
    ("by", "Till", _BY_WIDTH),
)
_MIN_REASON_WIDTH = 16
_STATUS_COMPONENT = {
    "PENDING": "requests-table--pending",
    "APPROVED": "requests-table--approved",
    "SUCCESS": "requests-table--success",
    "REJECTED": "requests-table--refused",
    "FAILURE": "requests-table--refused",
}


def added_by_text(request: RetroRequest) -> str:
    """'Demo Till / Demo Store': the till that added the request and its parent (store)."""
    parts = [_entity_label(request.added_by)]
    if request.added_by_parent is not None:
        parts.append(_entity_label(request.added_by_parent))
    return " / ".join(part for part in parts if part) or "—"


def till_text(request: RetroRequest) -> str:
    """The till that added the request (its store is in the detail view)."""
    return _entity_label(request.added_by) or "—"


def bill_text(request: RetroRequest, bills: Mapping[int, str]) -> Text:
    """The bill number when known; else the transaction ID, dim and marked as one."""
    if request.transaction_id is None:
        return Text("—")
    bill = bills.get(request.transaction_id)
    if bill:
        return Text(bill)
    return Text(f"txn {request.transaction_id}", style="dim")


def _entity_label(entity: Entity) -> str:
    return entity.name or entity.code or str(entity.id)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class RequestsTable(DataTable[Text], inherit_bindings=False):
    """Row cursor only; page keys (PgUp/PgDn, Home/End, Enter) are left to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False, id="requests.cursor_up"),
        Binding("down", "cursor_down", "Cursor down", show=False, id="requests.cursor_down"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "requests-table--claimed",
        "requests-table--pending",
        "requests-table--approved",
        "requests-table--success",
        "requests-table--refused",
    }

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._clock = clock
        self._items: tuple[RetroRequest, ...] = ()
        self._claimed: frozenset[int] = frozenset()
        self._bills: dict[int, str] = {}
        self._reason_width = 0

    def on_mount(self) -> None:
        for key, label, width in _FIXED_COLUMNS:
            self.add_column(label, width=width, key=key)
        self._reason_width = self._fitting_reason_width()
        self.add_column("Reason", width=self._reason_width, key="reason")

    @property
    def items(self) -> tuple[RetroRequest, ...]:
        """The requests on show (one page at most)."""
        return self._items

    @property
    def highlighted(self) -> RetroRequest | None:
        if not self._items or not 0 <= self.cursor_row < len(self._items):
            return None
        return self._items[self.cursor_row]

    def show(
        self,
        items: Sequence[RetroRequest],
        claimed: frozenset[int],
        bills: Mapping[int, str] | None = None,
    ) -> None:
        """Replace the rows with `items`, keeping the cursor on the same request if it is there."""
        previous = self.highlighted
        self._items = tuple(items)
        self._claimed = claimed
        if bills:
            self._bills.update(bills)
        self._fill()
        if previous is not None:
            row = next((n for n, item in enumerate(self._items) if item.id == previous.id), 0)
            self.move_cursor(row=row, animate=False)

    def show_bills(self, bills: Mapping[int, str]) -> None:
        """Bill numbers that arrived after the rows: put them in place of transaction IDs."""
        self._bills.update(bills)
        for position, request in enumerate(self._items):
            if request.transaction_id in bills:
                self.update_cell(str(position), "bill", bill_text(request, self._bills))

    def bill_of(self, request: RetroRequest) -> str | None:
        """The bill number of `request`, if known."""
        return self._bills.get(request.transaction_id) if request.transaction_id else None

    def _fill(self) -> None:
        self.clear()
        claimed_style = self._style("requests-table--claimed")
        for position, request in enumerate(self._items):
            here = request.transaction_id in self._claimed
            row_style = claimed_style if here else Style()
            status_style = self._style(_STATUS_COMPONENT.get(request.status, ""))
            status = Text(f"{CLAIMED_MARK} " if here else "  ", style=row_style)
            status.append(request.status, style=row_style + status_style)
            bill = bill_text(request, self._bills)
            bill.stylize(row_style)
            added = (
                "—"
                if request.added_on is None
                else local(request.added_on, self._clock).strftime("%d %b %Y")
            )
            reason = Text(request.reason or "—", style=row_style, overflow="fold")
            self.add_row(
                status,
                Text(added, style=row_style),
                bill,
                Text(_fit(till_text(request), _BY_WIDTH), style=row_style),
                reason,
                key=str(position),
                # Wrapped, never cut: the row is as tall as its reason needs.
                height=self._reason_height(reason),
            )

    def _reason_height(self, reason: Text) -> int:
        """Lines the reason takes in its column. Counted here, from the reason alone: with
        `height=None` the table would render every cell of every row to find out."""
        plain = reason.plain
        if "\n" not in plain and cell_len(plain) <= self._reason_width:
            return 1
        return max(1, len(reason.wrap(self.app.console, self._reason_width)))

    def _style(self, component: str) -> Style:
        if not component:
            return Style()
        return self.get_component_rich_style(component, partial=True)

    def _fitting_reason_width(self) -> int:
        # Each column has one cell of padding either side; one column is kept for the scrollbar.
        fixed = sum(width + 2 for _, _, width in _FIXED_COLUMNS) + 2 + 1
        return max(_MIN_REASON_WIDTH, self.size.width - fixed)

    def on_resize(self, event: events.Resize) -> None:
        width = self._fitting_reason_width()
        if width != self._reason_width and "reason" in self.columns:
            self._reason_width = width
            self.columns[ColumnKey("reason")].width = width
            row = self.cursor_row
            self._fill()
            if self._items:
                self.move_cursor(row=min(row, len(self._items) - 1), animate=False)
