"""The base of every tillui screen: typed access to the app and the capabilities a screen declares.

The app asks a screen what it allows (may the idle reset pop it? which palette commands does it
add? does a scan on it start a lookup?) through these members, never by `getattr` duck typing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from tillui.host import TillCapabilities

if TYPE_CHECKING:
    from tillui.host import TillHost

ResultType = TypeVar("ResultType")


class TillScreen(TillCapabilities, Screen[ResultType]):
    @property
    def till(self) -> TillHost:
        return cast("TillHost", self.app)


class TillDialog(TillCapabilities, ModalScreen[ResultType]):
    @property
    def till(self) -> TillHost:
        return cast("TillHost", self.app)
