"""The built wheel carries the stylesheets and the licence, and runs without the source tree.

No pip needed (a venv made by uv has none): the wheel is built through hatchling's PEP 517 hook
and installed by unpacking it, which is all a pure-Python wheel's install is."""

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
from tillui.commands.screenshots import build_app

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
    build = "import sys, hatchling.build as hook; print(hook.build_wheel(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", build, str(out)], cwd=ROOT, check=True, timeout=120)
    return next(out.glob("tillui-*.whl"))


def test_wheel_contains_every_stylesheet(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("tillui/_styles/")}
    assert shipped == {p.name for p in (ROOT / "styles").glob("*.tcss")}


def test_wheel_carries_the_licence_and_honest_metadata(wheel):
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    core = [line for line in requires if "extra ==" not in line]
    assert any("phonenumberslite" in line for line in core)
    assert not any("uvicorn" in line or "keyring" in line for line in core), core


def test_installed_wheel_starts_headless(wheel, tmp_path):
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
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
