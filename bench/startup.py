"""Cold start: `tillui --demo` to the painted lookup screen, against a bare Textual app.

Both run in a real pseudo-terminal at 80x24, alternately, in the same run; the script prints
the medians and the ratio (budget: <= 1.15, docs/architecture.md "Performance").

    python bench/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pty import time_until_text

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("Bare app ready")
        yield Footer()

Bare().run()
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    python = sys.executable
    bare_cmd = [python, "-c", BARE_APP]
    tillui_cmd = [python, "-m", "tillui", "--demo"]
    time_until_text(bare_cmd, "Bare app ready")  # warm the OS file cache for both
    time_until_text(tillui_cmd, "Find a customer")
    bare, tillui = [], []
    for _ in range(args.runs):
        bare.append(time_until_text(bare_cmd, "Bare app ready")[0])
        tillui.append(time_until_text(tillui_cmd, "Find a customer")[0])
    bare_median, tillui_median = statistics.median(bare), statistics.median(tillui)
    print(
        f"bare Textual app  first frame: median {bare_median * 1000:6.0f} ms  (min {min(bare) * 1000:.0f})"
    )
    print(
        f"tillui --demo     lookup screen: median {tillui_median * 1000:6.0f} ms  (min {min(tillui) * 1000:.0f})"
    )
    print(f"ratio tillui / bare: {tillui_median / bare_median:.2f}  (budget 1.15)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
