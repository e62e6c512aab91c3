"""Main, promised (delayed accrual and external trigger) and total points, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tillui.display.formatting import format_points

if TYPE_CHECKING:
    from tillui.api.models import PointsBalance


class PointsFigure(Static):
    """One labelled number with a short line under it."""

    def __init__(self, label: str, note: str, *, id: str) -> None:
        super().__init__(id=id, classes="points-figure")
        self.border_title = label
        self.note = note

    def set_value(self, value: str) -> None:
        self.update(f"{value}\n[dim]{self.note}[/dim]")


class PointsPanel(Horizontal):
    def compose(self) -> ComposeResult:
        yield PointsFigure("Main", "redeemable now", id="points-main")
        yield PointsFigure("Delayed", "promised", id="points-delayed")
        yield PointsFigure("Ext. trigger", "promised", id="points-external")
        yield PointsFigure("Total", "main + promised", id="points-total")

    def show(self, points: PointsBalance, scope: str) -> None:
        self.border_title = f"Points — {scope}"
        self.border_subtitle = f"promised {format_points(points.promised_points)}"
        figures = {
            "#points-main": points.main_points,
            "#points-delayed": points.delayed_accrual_points,
            "#points-external": points.external_trigger_based_points,
            "#points-total": points.total_points,
        }
        for selector, value in figures.items():
            self.query_one(selector, PointsFigure).set_value(format_points(value))
