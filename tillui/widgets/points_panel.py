"""Main, promised (delayed accrual + external trigger) and total points, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tillui.formatting import format_points

if TYPE_CHECKING:
    from tillui.api.models import PointsBalance


class PointsFigure(Static):
    """One labelled number."""

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id, classes="points-figure")
        self.border_title = label

    def set_value(self, value: str, detail: str = "") -> None:
        self.update(f"{value}\n[dim]{detail}[/dim]" if detail else value)


class PointsPanel(Horizontal):
    def compose(self) -> ComposeResult:
        yield PointsFigure("Main", id="points-main")
        yield PointsFigure("Promised", id="points-promised")
        yield PointsFigure("Total", id="points-total")

    def show(self, points: "PointsBalance", scope: str) -> None:
        self.border_title = f"Points — {scope}"
        self.query_one("#points-main", PointsFigure).set_value(
            format_points(points.main_points), "redeemable now")
        self.query_one("#points-promised", PointsFigure).set_value(
            format_points(points.promised_points),
            f"delayed {format_points(points.delayed_accrual_points)} · "
            f"ext. trigger {format_points(points.external_trigger_based_points)}",
        )
        self.query_one("#points-total", PointsFigure).set_value(
            format_points(points.total_points), "main + promised")
