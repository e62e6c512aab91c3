"""Where the .tcss files are, in a source checkout and in an installed wheel alike.

The repository keeps them in top-level `styles/`; the wheel carries the same files as
`tillui/_styles/` (see pyproject's force-include). Every stylesheet is found through here.
Each screen names its own file (Screen.CSS_PATH), so Textual parses a screen's styles when
the screen is first shown, not before the first frame.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # tillui/


@cache
def styles_dir() -> Path:
    for candidate in (_PACKAGE / "_styles", _PACKAGE.parent / "styles"):
        if (candidate / "base.tcss").is_file():
            return candidate
    raise FileNotFoundError("tillui styles not found (neither tillui/_styles nor styles/)")


def stylesheet(name: str) -> Path:
    path = styles_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"missing stylesheet {path}")
    return path
