"""What a running app shows, and which notices it gave, through Textual's public API only.

* `screen_text(app)`: the screen as lines of text, read from `App.export_screenshot()` (the
  SVG Textual's own snapshot tests are made of), so a test sees what a cashier would, a
  dialog over its dimmed screen included.
* `notices(app)`: every notice given with `notify` (the app's, a screen's or a widget's, which
  all go through `App.notify`) since `record_notices(app)`, which `make_app` calls for every
  test app. A notice is recorded when it is given, so a test can read it after its toast has
  timed out, or when the app runs without toasts (`run_test(notifications=False)`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from rich.cells import cell_len

# One run of text in Rich's SVG export: its x (in pixels), its width, its line and its text.
_SVG_TEXT = re.compile(
    r'<text [^>]*?x="(?P<x>[\d.]+)"[^>]*?textLength="(?P<width>[\d.]+)"'
    r'[^>]*?clip-path="url\(#[^)]*-line-(?P<line>\d+)\)"[^>]*>(?P<text>.*?)</text>',
    re.DOTALL,
)


def screen_text(app: Any) -> str:
    """The whole screen, one line of text per terminal row (trailing spaces dropped)."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for run in _SVG_TEXT.finditer(app.export_screenshot(simplify=True)):
        text = html.unescape(run["text"]).replace("\xa0", " ")  # Rich writes spaces as &#160;
        cell_width = float(run["width"]) / max(len(text), 1)
        column, row = round(float(run["x"]) / cell_width), int(run["line"])
        for character in text:
            if row < height and column < width:
                rows[row][column] = character
            column += max(cell_len(character), 1)
    return "\n".join("".join(row).rstrip() for row in rows)


@dataclass(frozen=True, slots=True)
class Notice:
    message: str
    title: str
    severity: str


_RECORDED: WeakKeyDictionary[Any, list[Notice]] = WeakKeyDictionary()


def record_notices(app: Any) -> list[Notice]:
    """Record every notice `app` gives from now on (idempotent); the list fills as they come."""
    if app in _RECORDED:
        return _RECORDED[app]
    recorded: list[Notice] = []
    given = app.notify

    def notify(message: str, *, title: str = "", severity: str = "information", **options: Any):
        recorded.append(Notice(str(message), title or "", severity))
        return given(message, title=title, severity=severity, **options)

    app.notify = notify
    _RECORDED[app] = recorded
    return recorded


def notices(app: Any) -> list[Notice]:
    """The notices `app` gave since `record_notices(app)` (which `make_app` calls)."""
    if app not in _RECORDED:
        raise AssertionError("record_notices(app) was not called, so no notices were recorded")
    return _RECORDED[app]
