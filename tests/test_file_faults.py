"""Every fault of the log file gets one line naming the file and what to do, never stops the
till, and heals without a second step: fault, attempt, fix, attempt → logged.

Permission faults cannot be staged as root (root writes anything): as root, those cases run in
a child as a throwaway user (`useradd` once a session, `runuser`), as CI does."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tillui.logs import HealingFileHandler

THROWAWAY = "tillui-faults"


def record(text: str) -> logging.LogRecord:
    return logging.LogRecord("tillui.test", logging.INFO, __file__, 1, text, None, None)


def stage_missing_folder(tmp: Path) -> tuple[Path, Callable[[], None]]:
    path = tmp / "gone" / "till.log"
    return path, path.parent.mkdir


def stage_folder_in_place(tmp: Path) -> tuple[Path, Callable[[], None]]:
    path = tmp / "till.log"
    path.mkdir()
    return path, path.rmdir


@pytest.mark.parametrize(
    ("stage", "says"),
    [
        (stage_missing_folder, "does not exist; create it or change TILLUI_LOG_FILE"),
        (stage_folder_in_place, "is a folder, not a file; remove the folder"),
    ],
)
def test_a_log_fault_is_one_line_and_heals(tmp_path: Path, stage, says: str) -> None:
    path, fix = stage(tmp_path)
    handler = HealingFileHandler(path)
    assert handler.problem is not None and str(path) in handler.problem and says in handler.problem
    assert "\n" not in handler.problem
    handler.emit(record("dropped"))  # the till goes on; the line is dropped
    fix()
    assert handler.retry() and handler.problem is None
    handler.emit(record("kept"))
    handler.close()
    assert path.read_text().endswith("kept\n")
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_full_disk_is_said_and_the_next_line_goes_again(tmp_path: Path) -> None:
    # /dev/full answers every write with ENOSPC: a disk that is full.
    handler = HealingFileHandler(Path("/dev/full"))
    if handler.problem:  # a /dev/full we may not open: not this machine's test
        pytest.skip(handler.problem)
    handler.emit(record("lost"))
    assert handler.problem == "/dev/full: the disk is full; free some space on it."
    handler.path = tmp_path / "freed.log"  # space freed: the next attempt writes
    assert handler.retry() and handler.problem is None


CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from tillui.logs import HealingFileHandler
    path = Path(sys.argv[1])
    handler = HealingFileHandler(path)
    print(handler.problem)
    sys.stdin.readline()  # the parent fixes the fault
    print(handler.retry(), handler.problem)
    """
)


@pytest.fixture(scope="session")
def as_other_user() -> list[str]:
    """The command prefix that runs a child as a user who is not root (and not the owner)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None or shutil.which("useradd") is None:
        pytest.skip("needs runuser and useradd to stage permission faults as root")
    subprocess.run(["useradd", "--no-create-home", THROWAWAY], check=False, capture_output=True)
    return ["runuser", "-u", THROWAWAY, "--"]


def test_no_permission_is_said_and_heals(as_other_user: list[str]) -> None:
    # Outside root's private pytest folder, with the two modules the child needs beside it
    # (the throwaway user may not read this checkout or its venv).
    with tempfile.TemporaryDirectory() as place:
        top = Path(place)
        top.chmod(0o755)
        package = Path(__file__).parents[1] / "tillui"
        shutil.copytree(package / "files", top / "tillui" / "files")
        shutil.copy(package / "logs.py", top / "tillui" / "logs.py")
        (top / "tillui" / "__init__.py").write_text("")
        folder = top / "logs"
        folder.mkdir()
        folder.chmod(0o555)  # nobody may create the file
        run_child(folder, as_other_user, top)


def run_child(folder: Path, as_other_user: list[str], top: Path) -> None:
    path = folder / "till.log"
    child = subprocess.Popen(
        [*as_other_user, "/usr/bin/python3", "-u", "-c", CHILD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=top,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(top)},
    )
    assert child.stdout is not None and child.stdin is not None
    problem = child.stdout.readline().strip()
    assert problem.startswith(f"{folder}: no permission for "), problem
    folder.chmod(0o777)
    child.stdin.write("\n")
    child.stdin.flush()
    healed = child.stdout.readline().strip()
    child.wait(30)
    assert healed == "True None"


def test_a_journal_path_that_is_a_folder_is_called_a_folder(tmp_path: Path) -> None:
    from tillui.checks.till_setup import check_journal

    verdict = check_journal(tmp_path)
    assert f"{tmp_path} is a folder, not a file" in str(verdict)
