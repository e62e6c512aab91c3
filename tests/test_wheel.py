"""The built wheel carries the stylesheets and runs without the source tree (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HEADLESS_START = """
import asyncio, sys
import tillui, tillui.screens.styles
assert tillui.__file__.startswith(sys.argv[1]), tillui.__file__
assert tillui.screens.styles.styles_dir().name == "_styles", tillui.screens.styles.styles_dir()
from tillui.screenshots import build_app

async def main():
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.services()
        await pilot.pause()
        fields = app.screen.query_one("#lookup-fields")
        assert fields.region.y == 2, fields.region  # lookup.tcss applied
        print("started", type(app.screen).__name__)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=120,
    )
    return next(out.glob("tillui-*.whl"))


def test_wheel_contains_every_stylesheet(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("tillui/_styles/")}
    assert shipped == {p.name for p in (ROOT / "styles").glob("*.tcss")}


def test_installed_wheel_starts_headless(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=120,
    )
    # The installed copy comes first on the path, ahead of the editable checkout.
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS_START, str(target)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "started LookupScreen" in result.stdout
