"""`tillui` with one defect planted, for the real-terminal crash test: Enter on the lookup screen
raises. Test code only; the app itself has no such switch."""

from __future__ import annotations

import sys

from tillui.cli import main
from tillui.screens.lookup import LookupScreen


def fall_over(self: LookupScreen) -> None:
    mobile = str(919_800_000_000 + 1)  # in the frame, as a customer's identifier would be
    raise RuntimeError(f"the till fell over (a defect planted by the test, {len(mobile)})")


if __name__ == "__main__":
    LookupScreen.action_look_up = fall_over  # type: ignore[method-assign]
    sys.exit(main(sys.argv[1:]))
