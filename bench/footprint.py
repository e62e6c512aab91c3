"""Bytes written to the terminal for the first frame, and memory once ready, against a bare
Textual app in the same run (what a slow SSH link and a small till PC feel).

    python bench/footprint.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pty import time_until_text
from startup import BARE_APP

# Ready = services loaded (the demo hints appear only then), so memory includes the client.
READY_MARKER = "Try:"


def rss_mb(pid_file: Path) -> float:
    pid = int(pid_file.read_text())
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def measure(argv: list[str], marker: str, pid_file: Path) -> tuple[int, float]:
    # The child writes its pid; memory is read just before the harness kills it.
    rss: list[float] = []
    original = time_until_text.__globals__["os"].killpg

    def read_then_kill(pgid: int, sig: int) -> None:
        time.sleep(0.3)  # let the background load settle
        rss.append(rss_mb(pid_file))
        original(pgid, sig)

    time_until_text.__globals__["os"].killpg = read_then_kill
    try:
        _, written = time_until_text(argv, marker)
    finally:
        time_until_text.__globals__["os"].killpg = original
    return written, rss[0]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pid_file = Path("/tmp/tillui-bench.pid")
    wrap = "import os, sys; open(%r, 'w').write(str(os.getpid())); sys.argv = %r; %s"
    bare = [sys.executable, "-c", wrap % (str(pid_file), ["bare"], BARE_APP)]
    tillui = [
        sys.executable,
        "-c",
        wrap % (str(pid_file), ["tillui", "--demo"], "from tillui.cli import main; main()"),
    ]
    results = {"bare": [], "tillui": []}
    for _ in range(args.runs):
        results["bare"].append(measure(bare, "Bare app ready", pid_file))
        results["tillui"].append(measure(tillui, READY_MARKER, pid_file))
    for name, rows in results.items():
        print(
            f"{name:7} first frame {statistics.median(b for b, _ in rows):8.0f} bytes   "
            f"RSS when ready {statistics.median(m for _, m in rows):6.1f} MB"
        )
    bare_b, tillui_b = (statistics.median(b for b, _ in results[k]) for k in ("bare", "tillui"))
    bare_m, tillui_m = (statistics.median(m for _, m in results[k]) for k in ("bare", "tillui"))
    print(f"ratio tillui / bare: bytes {tillui_b / bare_b:.2f}, memory {tillui_m / bare_m:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
