"""A program in a real pseudo-terminal (80x24): what it paints, when, and what it costs.

Time is measured from outside (the harness's clock, the bytes the program writes to the pty);
CPU and memory come from /proc for the program's whole process (all its threads).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        full_env.update(env or {})
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.pending = b""
        """What was painted since the last `send` (or the start)."""
        self.written = 0
        """Bytes the program wrote to the terminal in all."""

    def _read(self, timeout: float) -> None:
        if select.select([self.master], [], [], timeout)[0]:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                return
            self.pending += chunk
            self.written += len(chunk)

    def painted(self, text: str) -> bool:
        """Whether `text` was painted since the last send."""
        return text.encode() in ANSI.sub(b"", self.pending)

    def wait_for(self, text: str, timeout: float = 30.0) -> float:
        """Block until `text` is painted (since the last send); returns the harness clock."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.painted(text):
                return time.perf_counter()
            self._read(0.005)
        raise TimeoutError(f"{text!r} not painted within {timeout}s")

    def drain(self, quiet: float = 0.2, limit: float = 5.0) -> None:
        """Read until the program has written nothing for `quiet` seconds."""
        end = time.perf_counter() + limit
        last = self.written
        quiet_since = time.perf_counter()
        while time.perf_counter() < end:
            self._read(0.02)
            if self.written != last:
                last, quiet_since = self.written, time.perf_counter()
            elif time.perf_counter() - quiet_since >= quiet:
                return

    def send(self, data: str) -> float:
        self.pending = b""
        now = time.perf_counter()
        os.write(self.master, data.encode())
        return now

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def memory_mb(self, field: str = "VmHWM") -> float:
        """Peak (VmHWM) or current (VmRSS) resident memory."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {field}")

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)
