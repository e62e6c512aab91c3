"""Snapshot of every scene of `tillui screenshots` (demo data, fixed clock, 80x24).

Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tillui.commands.screenshots import SCENES, SIZE, build_app

# Screens whose own engineers keep dedicated snapshot files are still covered here as scenes,
# so the README's screenshots and the tests can never drift apart.


@pytest.mark.parametrize("name", list(SCENES))
def test_scene(name, snap_compare):
    assert snap_compare(build_app(name), terminal_size=SIZE, run_before=SCENES[name])
