"""Process-wide import choices for the till app (the CLI's app path only, before any import of
httpx or pydantic): what a till never uses is not loaded. Per till, on a host serving many:

- httpx imports its command line (click, rich.syntax, pygments) when click is installed, as
  uvicorn's dependency it is: 20 ms of CPU and 3 MB of memory the app never uses;
- pydantic scans every installed distribution's entry points for plugins on the first model
  built (10-20 ms); tillui uses none;
- httpcore imports trio whenever it is installed (selenium, in the test extra, brings it), to
  tell trio from asyncio later: 70 ms of CPU on the first HTTP client. The app runs on asyncio
  only; blocked, httpcore uses anyio as on a till's own install, where trio is absent.
"""

from __future__ import annotations

import os
import sys
import types


def skip_unused_imports() -> None:
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if "httpcore" not in sys.modules:
        sys.modules.setdefault("trio", None)  # type: ignore[arg-type]  # the documented block
    if "httpx" not in sys.modules:
        cli = types.ModuleType("httpx._main", "httpx's command line: not loaded by tillui")
        cli.main = _no_cli  # type: ignore[attr-defined]
        sys.modules.setdefault("httpx._main", cli)


def _no_cli() -> None:
    raise SystemExit("httpx's command line is not available in the tillui process")
