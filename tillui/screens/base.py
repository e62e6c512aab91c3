"""The base of every tillui screen: typed access to the app and the capabilities a screen declares.

The app asks a screen what it allows (may the idle reset pop it? which palette commands does it
add? does a scan on it start a lookup?) through these members, never by `getattr` duck typing.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from tillui.host import TillCapabilities

if TYPE_CHECKING:
    from tillui.host import TillHost

ResultType = TypeVar("ResultType")


BIG_ENOUGH = "-wide-enough -tall-enough"
"""The app's breakpoint classes at 80x24 or more (`tillui.widgets.size_notice`). A screen starts
with them: the first Resize then changes no class, and so does not restyle the whole screen
(3-4 ms on the first frame); a smaller terminal's first Resize still sets the right ones."""


class TillScreen(TillCapabilities, Screen[ResultType]):
    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name, id, f"{BIG_ENOUGH} {classes or ''}".strip())
        self._on_top = asyncio.Event()

    @property
    def till(self) -> TillHost:
        return cast("TillHost", self.app)

    def on_screen_resume(self) -> None:
        self._on_top.set()

    def on_screen_suspend(self) -> None:
        self._on_top.clear()

    async def until_on_top(self) -> None:
        """Wait until no screen or dialog is above this one. A result must not open over a
        question the cashier is reading: the key meant for the question would answer it."""
        await self._on_top.wait()


class TillDialog(TillCapabilities, ModalScreen[ResultType]):
    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name, id, f"{BIG_ENOUGH} {classes or ''}".strip())

    @property
    def till(self) -> TillHost:
        return cast("TillHost", self.app)
