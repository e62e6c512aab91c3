"""A notice that stays until its fault is gone: "Not logging: …", "Claims paused: …".

Toasts time out; a fault the till can serve through (a log it cannot write, an outbox it cannot
write) must stay in sight until store IT has fixed it, and go by itself then. `LastingNotices`
(one per app, `TillApp.lasting`) keeps them by key and shows them on a line at the bottom of
every screen:

- `watch(key, check)`: `check()` returns the fault's one line, or None once it is gone; it is
  run now and every CHECK_SECONDS (and may heal the fault itself, as the log's does).
- `show(key, text)` / `clear(key)`: for a fault known by an event (post the
  `tillui.messages.LastingNotice` message to the app from anywhere instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

CHECK_SECONDS = 5.0
"""How soon a fixed fault's notice goes (and a watched file is tried again)."""


class LastingNoticeLine(Static):
    def __init__(self) -> None:
        super().__init__("", id="lasting-notice", markup=False)


class LastingNotices:
    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._shown: dict[str, str] = {}
        self._checks: dict[str, Callable[[], str | None]] = {}

    @property
    def shown(self) -> dict[str, str]:
        return dict(self._shown)

    def start(self) -> None:
        """From the app's on_mount: a line on every screen, and the checks on a timer."""
        self._app.screen_change_signal.subscribe(self._app, self.mount_on)
        self.mount_on(self._app.screen)
        self._app.set_interval(CHECK_SECONDS, self.check_all, name="lasting-notices")

    def watch(self, key: str, check: Callable[[], str | None]) -> None:
        self._checks[key] = check
        self._run(key, check)

    def show(self, key: str, text: str) -> None:
        if self._shown.get(key) != text:
            self._shown[key] = text
            self._refresh()

    def clear(self, key: str) -> None:
        if self._shown.pop(key, None) is not None:
            self._refresh()

    def check_all(self) -> None:
        for key, check in list(self._checks.items()):
            self._run(key, check)

    def _run(self, key: str, check: Callable[[], str | None]) -> None:
        try:
            problem = check()
        except Exception as error:  # noqa: BLE001 - a check that fails is itself the notice
            problem = str(error).splitlines()[0] if str(error) else type(error).__name__
        if problem:
            self.show(key, problem)
        else:
            self.clear(key)

    def mount_on(self, screen: Screen[Any]) -> None:
        lines = screen.query(LastingNoticeLine)
        if not lines:
            screen.mount(LastingNoticeLine())
        self._refresh()

    def _refresh(self) -> None:
        text = "\n".join(self._shown.values())
        for screen in self._app.screen_stack:
            for line in screen.query(LastingNoticeLine):
                line.update(text)
                line.display = bool(text)
