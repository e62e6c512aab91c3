"""Enter to the customer's name on screen, in a real pty at 80x24 (`tillui --demo`), against
a bare Textual app's Enter-to-repaint in the same run. The in-process sandbox answers in ~3 ms,
so this is the app's own share of a lookup.

    python bench/lookup_pty.py [--runs 10]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pty import ANSI

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Input, Static

class Bare(App):
    def compose(self):
        yield Static("Bare app ready", id="out")
        yield Input()
        yield Footer()

    def on_input_submitted(self, event):
        self.query_one("#out").update(f"Got {event.value}")

Bare().run()
"""


class Terminal:
    def __init__(self, argv: list[str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: str, timeout: float = 20) -> float:
        start = time.perf_counter()
        needle = text.encode()
        while time.perf_counter() - start < timeout:
            if select.select([self.master], [], [], 0.01)[0]:
                self.screen += os.read(self.master, 65536)
                if needle in ANSI.sub(b"", self.screen):
                    return time.perf_counter() - start
        raise TimeoutError(text)

    def send(self, data: str) -> None:
        self.screen = b""
        os.write(self.master, data.encode())

    def close(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)


def one_lookup(terminal: Terminal, value: str, expect: str, back: str, home: str | None) -> float:
    terminal.send(value)
    time.sleep(0.3)  # typed; validation done
    terminal.send("\r")
    elapsed = terminal.wait_for(expect)
    time.sleep(0.1)
    terminal.send(back)
    if home:
        terminal.wait_for(home)
    time.sleep(0.3)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    bare = Terminal([sys.executable, "-c", BARE_APP])
    tillui = Terminal([sys.executable, "-m", "tillui", "--demo"])
    try:
        bare.wait_for("Bare app ready")
        tillui.wait_for("Try:")
        bare_times = [
            one_lookup(bare, "919800000001", "Got 9198", "\x15", None) for _ in range(args.runs)
        ]
        tillui_times = [
            one_lookup(tillui, "919800000001", "customer ID 565039501", "\x1b", "Find a customer")
            for _ in range(args.runs)
        ]
    finally:
        bare.close()
        tillui.close()
    b, t = statistics.median(bare_times), statistics.median(tillui_times)
    print(f"bare app   Enter -> repaint        median {b * 1000:6.1f} ms")
    print(
        f"tillui     Enter -> customer shown  median {t * 1000:6.1f} ms   (first {tillui_times[0] * 1000:.0f} ms)"
    )
    print(f"ratio tillui / bare: {t / b:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
