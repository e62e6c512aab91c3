"""Where the .tcss files are, in a source checkout and in an installed wheel alike.

The repository keeps them in top-level `styles/`; the wheel carries the same files as
`tillui/_styles/` (see pyproject's force-include). Every stylesheet is found through here.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
STYLESHEETS = ("base.tcss", "lookup.tcss", "customer.tcss", "claim.tcss", "requests.tcss",
               "settings.tcss", "help.tcss", "dialogs.tcss")


def styles_dir() -> Path:
    for candidate in (_PACKAGE / "_styles", _PACKAGE.parent / "styles"):
        if (candidate / "base.tcss").is_file():
            return candidate
    raise FileNotFoundError("tillui styles not found (neither tillui/_styles nor styles/)")


def stylesheet_paths() -> list[Path]:
    folder = styles_dir()
    return [folder / name for name in STYLESHEETS if (folder / name).is_file()]
