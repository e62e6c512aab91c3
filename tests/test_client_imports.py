"""The client must stay off the start-up path: no Textual, and a cheap errors module."""

from __future__ import annotations

import subprocess
import sys


def imported_after(statement: str) -> set[str]:
    probe = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=30
    )
    return set(result.stdout.split())


def test_client_does_not_import_textual() -> None:
    modules = imported_after("from tillui.api import IntouchClient, build_retro_claim")
    assert "tillui.api.client" in modules
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_errors_import_without_httpx_or_pydantic() -> None:
    modules = imported_after("from tillui.api import CustomerNotFound, IntouchError")
    assert "tillui.api.errors" in modules
    assert "httpx" not in modules
    assert "pydantic" not in modules
