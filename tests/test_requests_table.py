"""The requests table counts each row's height from its reason alone; it must be the height
Textual's own measuring (`height=None`, every cell rendered) would give."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.test_requests_pager import make_requests
from tillui.clock import SystemClock
from tillui.widgets.requests_table import RequestsTable

REASONS = [
    "",
    "short",
    "Receipt could not be verified",
    "A long reason that goes on well past the width of the reason column of the table, "
    "wrapped at the spaces between its words",
    "Averylongwordwithoutanyspacesatallthatmustbefoldedratherthancutbythetable" * 2,
    "two\nlines",
    "請求書の確認ができませんでした。店舗に連絡してください。" * 2,
    "emoji 🧾🧾🧾 receipts " * 4,
]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RequestsTable(SystemClock(), id="ours")


def around(width: int) -> list[str]:
    """Reasons just inside and just past the column, in narrow and in double-width letters."""
    return [
        *("x" * n for n in (width - 1, width, width + 1)),
        *("確" * n for n in (width // 2, width // 2 + 1)),
    ]


@pytest.mark.parametrize("width", [80, 100, 60])
async def test_row_heights_are_what_textual_would_measure(width):
    app = TableApp()
    async with app.run_test(size=(width, 40)) as pilot:
        table = app.query_one(RequestsTable)
        reasons = REASONS + around(table._reason_width)
        requests = make_requests(["PENDING"] * len(reasons))
        requests = [
            r.model_copy(update={"reason": reason})
            for r, reason in zip(requests, reasons, strict=True)
        ]
        table.show(requests, frozenset())
        await pilot.pause()
        ours = [row.height for row in table.ordered_rows]
        table._reason_height = lambda reason: None  # Textual measures every cell instead
        table.show(requests, frozenset())
        await pilot.pause()
        await pilot.pause()
        measured = [row.height for row in table.ordered_rows]
    assert ours == measured
    assert max(ours) > 1
