"""`tillui --demo` in a real terminal (tmux): stray bytes and oversized escape sequences do not
kill it, and a terminal smaller than 80x24 shows the "enlarge" message.

Each test has its own tmux server (-L), so parallel workers and other sessions never meet.
When CI=true a missing tmux is a failure, not a skip (.ci/debian-packages installs it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TIMEOUT = 40.0  # seconds; the machine is shared, the app needs a few to start

if shutil.which("tmux") is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("tmux is required in CI (see .ci/debian-packages)", pytrace=False)
    pytest.skip("tmux is not installed", allow_module_level=True)


class Tmux:
    """One tmux server with one window running a command."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str, *, width: int, height: int, env: dict[str, str]) -> None:
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
        # pytest exports COLUMNS/LINES (80x24), which Textual would believe over the terminal.
        shell = f"env -u COLUMNS -u LINES {exports} {command}; echo EXIT=$?; sleep 600"
        self.run("new-session", "-d", "-s", "till", "-x", str(width), "-y", str(height), shell)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "till")

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        """The screen once it shows every one of `texts` (a capture can tear mid-frame, so a
        test waits for all it then reads, not for the first of them)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never appeared; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "till", *keys)

    def type(self, text: str) -> None:
        """Key by key, as a person types (a burst would be taken for a barcode scan)."""
        for character in text:
            self.literal(character)
            time.sleep(0.06)

    def literal(self, text: str) -> None:
        self.run("send-keys", "-t", "till", "-l", text)

    def raw(self, data: bytes) -> None:
        self.run("send-keys", "-t", "till", "-H", *(f"{byte:02x}" for byte in data))

    def resize(self, width: int, height: int) -> None:
        self.run("resize-window", "-t", "till", "-x", str(width), "-y", str(height))

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], check=False, capture_output=True, timeout=10
        )


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    terminal = Tmux(f"tillui-test-{uuid.uuid4().hex[:8]}")
    try:
        yield terminal
    finally:
        terminal.kill()


def start_demo(
    tmux: Tmux, tmp_path: Path, *, width: int = 80, height: int = 24, **extra_env: str
) -> Path:
    log = tmp_path / "tillui.log"
    env = {
        "TERM": "xterm-256color",
        **extra_env,
        "HOME": str(tmp_path),
        "TILLUI_LOG_FILE": str(log),
        "TILLUI_LOG_LEVEL": "WARNING",
    }
    command = f"{shlex.quote(sys.executable)} -m tillui --demo"
    tmux.start(command, width=width, height=height, env=env)
    return log


def test_stray_bytes_and_huge_escape_parameters_do_not_kill_the_till(
    tmux: Tmux, tmp_path: Path
) -> None:
    log = start_demo(tmux, tmp_path)
    tmux.wait_for("Find a customer")
    tmux.wait_for("Try: mobile")  # the services are loaded
    tmux.raw(b"\xff")  # not UTF-8 at all
    tmux.raw(b"\xe2\x82\xff")  # a three-byte character cut short
    tmux.literal("\x1b[999999999999A")  # chr() of it raises in Textual's parser
    tmux.literal("\x1b[99999999999999999999;5u")  # too big for a C int
    tmux.type("919800000001")
    tmux.keys("Enter")
    tmux.wait_for("Loyalty member", "Asha Rao")
    assert "EXIT=" not in tmux.screen()
    assert "Traceback" not in tmux.screen()
    assert "ignored an escape sequence" in log.read_text(encoding="utf-8")


def test_a_small_terminal_asks_to_be_enlarged_and_recovers(tmux: Tmux, tmp_path: Path) -> None:
    start_demo(tmux, tmp_path, width=60, height=16)
    screen = tmux.wait_for("enlarge the terminal to at least 80x24")
    assert "Find a customer" not in screen
    tmux.resize(80, 24)
    tmux.wait_for("Find a customer")
    # Focus survived: typing still lands in the Mobile field.
    tmux.type("919800000001")
    tmux.wait_for("919800000001")
    tmux.resize(79, 24)
    tmux.wait_for("enlarge the terminal")


def test_without_colour_or_function_keys_the_screen_still_says_it(
    tmux: Tmux, tmp_path: Path
) -> None:
    start_demo(tmux, tmp_path, TERM="xterm", NO_COLOR="1")
    screen = tmux.wait_for("Try: mobile", "^g Help", "^t Settings")
    assert "f1" not in screen
    assert "┏" in screen  # the focused field's heavy border
    tmux.keys("Tab")
    tmux.type("not-an-email")
    tmux.keys("Enter")
    screen = tmux.wait_for("Fix the field marked ✗")
    assert "✗ " in screen.split("Fix the field")[0]  # the mark under the field itself
    assert "marked in red" not in screen
