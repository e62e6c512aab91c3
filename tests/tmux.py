"""A real terminal for end-to-end tests: tillui in a tmux pane, driven by keys, read as text.

Each `Terminal` runs its own tmux server on a private socket (never the user's), with no tmux
config, and counts the keys a test sends so cashier tasks can be measured in keystrokes.
Bursts (`scan`) are written in one tmux command, as a barcode scanner types them.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

TYPING_GAP = 0.06
"""Seconds between keys typed by a person: slower than any scanner burst."""


def require_tmux() -> str:
    """The tmux binary; in CI a missing tmux fails the test instead of skipping it."""
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tmux is not installed (listed in .ci/debian-packages)")
        pytest.skip("tmux is not installed")
    return path


class Terminal:
    def __init__(
        self,
        folder: Path,
        command: list[str],
        *,
        width: int = 80,
        height: int = 24,
        env: Mapping[str, str] | None = None,
        deadline: float = 50.0,
    ) -> None:
        self.tmux = require_tmux()
        self.socket = str(folder / "tmux.sock")
        self.target = "till"
        self.keys = 0
        self.started = time.monotonic()
        self.deadline = self.started + deadline
        environment = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        # The exit status goes to a file: tmux can be seconds late to notice that a pane's
        # process ended (its zombie waits for tmux's event loop on a loaded machine).
        self.status_file = folder / "exit-status"
        shell_command = (
            f"env {environment} {shlex.join(command)}; "
            f"echo $? > {shlex.quote(str(self.status_file))}.tmp; "
            f"mv {shlex.quote(str(self.status_file))}.tmp {shlex.quote(str(self.status_file))}"
        )
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", self.target,
            "-x", str(width), "-y", str(height), shell_command,
        )  # fmt: skip
        self._tmux("set-option", "-t", self.target, "remain-on-exit", "on")

    @classmethod
    def tillui(cls, folder: Path, *args: str, **options) -> Terminal:
        return cls(folder, [sys.executable, "-m", "tillui", *args], **options)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return done.stdout

    # -- input ---------------------------------------------------------------------------------

    def type(self, text: str) -> None:
        """Type like a person: one key at a time."""
        for character in text:
            self._tmux("send-keys", "-t", self.target, "-l", character)
            self.keys += 1
            time.sleep(TYPING_GAP)

    def press(self, *keys: str) -> None:
        """Named keys (tmux names: Enter, Escape, Tab, Down, C-q…), one keystroke each."""
        for key in keys:
            self._tmux("send-keys", "-t", self.target, key)
            self.keys += 1
            time.sleep(TYPING_GAP)

    def scan(self, code: str) -> None:
        """A barcode scanner: the whole code and Enter in one write. No keystrokes counted."""
        self._tmux(
            "send-keys", "-t", self.target, "-l", code, ";", "send-keys", "-t", self.target, "Enter"
        )

    # -- output --------------------------------------------------------------------------------

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.target)

    def wait_for(self, condition: str | Callable[[str], bool], *, timeout: float = 15.0) -> str:
        """The screen once it shows `condition` (text, or a predicate on the screen)."""
        check = condition if callable(condition) else (lambda screen: condition in screen)
        end = min(time.monotonic() + timeout, self.deadline)
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if check(screen):
                return screen
            if self.exited() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"the terminal never showed {condition!r}; it shows:\n{screen}")

    def exited(self) -> int | None:
        """The app's exit status once it has ended (128 + N after signal N), else None."""
        try:
            return int(self.status_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def wait_for_exit(self, *, timeout: float = 10.0) -> int:
        end = min(time.monotonic() + timeout, self.deadline)
        while time.monotonic() < end:
            if (status := self.exited()) is not None:
                return status
            time.sleep(0.1)
        raise AssertionError(f"the app did not exit; the terminal shows:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(
            [self.tmux, "-S", self.socket, "kill-server"], check=False, capture_output=True
        )

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def field_box(screen: str, title: str) -> str:
    """The text inside the bordered field whose top border carries `title`."""
    lines = screen.splitlines()
    # Round, or heavy when focused, or double when invalid (seen without colour too).
    top = re.compile(rf"[─━═] {re.escape(title)} [─━═]")
    for n, line in enumerate(lines):
        if top.search(line) and n + 1 < len(lines):
            return lines[n + 1].strip(" │┃║")
    raise AssertionError(f"no field {title!r} on screen:\n{screen}")
