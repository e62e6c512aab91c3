"""Run a command in a real pseudo-terminal (80x24) and time until a text appears on screen."""

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

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>]")


def time_until_text(
    argv: list[str],
    marker: str,
    *,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
    columns: int = 80,
    rows: int = 24,
) -> tuple[float, int]:
    """Seconds from spawn until `marker` is painted, and the bytes written up to then."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    full_env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(columns),
        "LINES": str(rows),
        **(env or {}),
    }
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    needle = marker.encode()
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if needle in ANSI.sub(b"", seen):
                    return time.perf_counter() - start, len(seen)
        raise TimeoutError(f"{marker!r} not painted within {timeout}s by {argv}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)
