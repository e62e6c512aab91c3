"""If the app ever dies, it exits non-zero, gives the terminal back as it found it, and says why
without the frames' local variables (a customer's mobile among them): seen in a real terminal
(tmux), with a defect planted by a test-only program (tests/programs)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from tests.tmux import Terminal

PROGRAM = Path(__file__).parent / "programs" / "till_that_falls_over.py"


def test_a_till_that_dies_exits_non_zero_and_restores_the_terminal(tmp_path: Path) -> None:
    modes = tmp_path / "stty-after"
    till = f"{shlex.quote(sys.executable)} {shlex.quote(str(PROGRAM))} --demo"
    # The shell that started the till records the terminal's modes once it is back.
    script = f"{till}; status=$?; stty -a > {shlex.quote(str(modes))}; exit $status"
    with Terminal(
        tmp_path, ["sh", "-c", script], env={"PYTHONPATH": str(PROGRAM.parents[2])}
    ) as term:
        term.wait_for("Find a customer")
        term.press("Enter")
        status = term.wait_for_exit(timeout=20)
        screen = term.screen()
    assert status != 0
    assert "the till fell over" in screen  # said on the normal screen, after the app's own
    assert "Find a customer" not in screen  # the alternate screen is gone
    assert "919800000001" not in screen and "locals" not in screen
    settings = modes.read_text().split()
    assert {"icanon", "echo", "isig"} <= set(settings), settings  # cooked mode again
