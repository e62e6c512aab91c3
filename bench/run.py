"""tillui's performance figures, each against a bare Textual app of the same shape, in one run.

    python bench/run.py [--runs 7] [--crowd 50] [--quick]

Every figure runs tillui (A) and the reference (B) alternately (ABBAAB…), in real 80x24
pseudo-terminals, timed from outside; it prints median (min–max) of each side and the ratio of
medians. tillui talks to `tillui sandbox` in its own process over loopback HTTP, as a till talks to
its server; the bare app (bench/bare_till.py: same widgets, same stylesheets, no tillui code)
does the same things the plain Textual way. See README, "Performance".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from terminal import Terminal

PYTHON = sys.executable
BENCH = Path(__file__).resolve().parent
HOME_MARK = "Find a customer"
READY_MARK = "till BENCH1"
CUSTOMER = ("919800000001", "customer ID 565039501")
BULK = ("919800000006", "customer ID 565039506")
USERNAME, PASSWORD = "demo.till", "demo123"


# -- results -----------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    unit: str
    goal: str = ""
    limit: float | None = None
    """The goal as a ratio (tillui / reference must be at most this), or None."""
    absolute: float | None = None
    """The goal as an absolute ceiling on tillui's median, or None."""
    ours: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)
    reference_name: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.ours or not self.reference or not statistics.median(self.reference):
            return None
        return statistics.median(self.ours) / statistics.median(self.reference)

    def verdict(self) -> str:
        if not self.ours:
            return "—"
        if self.absolute is not None:
            return "met" if statistics.median(self.ours) <= self.absolute else "MISSED"
        if self.limit is not None and self.ratio is not None:
            return "met" if self.ratio <= self.limit else "MISSED"
        return ""


def spread(values: list[float], unit: str) -> str:
    if not values:
        return "—"
    digits = 0 if unit in ("ms", "B") and statistics.median(values) >= 10 else 1
    digits = 2 if unit == "%" else digits
    m, lo, hi = statistics.median(values), min(values), max(values)
    return f"{m:.{digits}f} {unit} ({lo:.{digits}f}–{hi:.{digits}f})"


def table(figures: list[Figure]) -> str:
    lines = [
        "| figure | tillui: median (min–max) | reference: median (min–max) | ratio | goal | |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        ref = f"{f.reference_name}: {spread(f.reference, f.unit)}" if f.reference else "—"
        lines.append(
            f"| {f.name} | {spread(f.ours, f.unit)} | {ref} | {ratio} | {f.goal} | {f.verdict()} |"
        )
    return "\n".join(lines)


def alternate(runs: int, a: Callable[[], None], b: Callable[[], None]) -> None:
    """ABBAAB…: neither side always runs first (caches, a neighbour's burst of load)."""
    for run in range(runs):
        for step in (a, b) if run % 2 == 0 else (b, a):
            step()


# -- the server and the programs ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def sandbox(latency: float = 0.0) -> Iterator[str]:
    port = free_port()
    argv = [PYTHON, "-m", "tillui", "sandbox", "--port", str(port), "--latency", str(latency)]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def basic_auth() -> str:
    import base64
    import hashlib

    digest = hashlib.md5(PASSWORD.encode()).hexdigest()  # noqa: S324 - Intouch's scheme
    return "Basic " + base64.b64encode(f"{USERNAME}:{digest}".encode()).decode()


class Programs:
    """How to start tillui (configured for a sandbox) and the bare app, in a pty."""

    def __init__(self, folder: Path, api: str) -> None:
        self.api = api
        config = folder / "config.toml"
        config.write_text(
            'default_till = "BENCH1"\n[defaults]\n'
            f'api_base_url = "{api}"\nworkflow_base_url = "{api}"\norg_id = "100"\n'
            'phone_region = "IN"\nidle_timeout_seconds = 0\n'
            '[concept.C1]\n[zone.Z1]\nconcept = "C1"\n[store.S1]\nzone = "Z1"\n'
            f'[till.BENCH1]\nstore = "S1"\nusername = "{USERNAME}"\n'
        )
        secrets = folder / "secrets.toml"
        fd = os.open(secrets, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f'[till.BENCH1]\npassword = "{PASSWORD}"\n')
        (folder / "data").mkdir(exist_ok=True)
        self.env = {
            "TILLUI_CONFIG": str(config),
            "XDG_DATA_HOME": str(folder / "data"),
            "BARE_API": api,
            "BARE_AUTH": basic_auth(),
            "BARE_USER": USERNAME,
            "BARE_PASSWORD": PASSWORD,
        }

    def tillui(self, **env: str) -> Terminal:
        return Terminal([PYTHON, "-m", "tillui"], {**self.env, **env})

    def bare(self, **env: str) -> Terminal:
        return Terminal([PYTHON, str(BENCH / "bare_till.py")], {**self.env, **env})


@contextlib.contextmanager
def running(terminal: Terminal) -> Iterator[Terminal]:
    try:
        yield terminal
    finally:
        terminal.close()


def ms(seconds: float) -> float:
    return seconds * 1000


# -- figures -----------------------------------------------------------------------------------


def echo_of(t: Terminal, key: str = "Q") -> float:
    sent = t.send(key)
    return ms(t.wait_for(key) - sent)


def start_up(programs: Programs, runs: int, figures: dict[str, Figure]) -> None:
    first = figures["first frame"]
    echo, echo_ready = figures["echo at first frame"], figures["echo once ready"]

    def ours() -> None:
        with running(programs.tillui()) as t:
            first.ours.append(ms(t.wait_for(HOME_MARK) - t.started))
            t.wait_for(READY_MARK)
            t.drain(0.3)
            echo_ready.ours.append(echo_of(t))
        with running(programs.tillui()) as t:
            t.wait_for(HOME_MARK)
            echo.ours.append(echo_of(t))

    def bare() -> None:
        with running(programs.bare()) as t:
            first.reference.append(ms(t.wait_for(HOME_MARK) - t.started))
            t.drain(0.3)
            echo_ready.reference.append(echo_of(t))
        with running(programs.bare()) as t:
            t.wait_for(HOME_MARK)
            echo.reference.append(echo_of(t))

    alternate(runs, ours, bare)


def scan_at_first_frame(programs: Programs, runs: int, figures: dict[str, Figure]) -> None:
    """A card scanned the moment the lookup screen shows (the scanner types the code and Enter
    in one burst): first frame -> customer painted, against the bare app doing the same lookup
    with the same client (tillui's IntouchClient), loaded after its first frame too."""
    figure = figures["card scanned at first frame"]

    def scan(terminal: Terminal, into: list[float]) -> None:
        with running(terminal) as t:
            frame = t.wait_for(HOME_MARK)
            t.send(CUSTOMER[0] + "\r")
            into.append(ms(t.wait_for(CUSTOMER[1]) - frame))

    alternate(
        runs,
        lambda: scan(programs.tillui(), figure.ours),
        lambda: scan(programs.bare(BARE_LOOKUP_CLIENT="1"), figure.reference),
    )


def type_text(t: Terminal, text: str) -> None:
    for character in text:
        t.send(character)
        t.wait_for(character)
    t.drain(0.15)


def session(t: Terminal, side: str, figures: dict[str, Figure], cycles: int, *, ready: str) -> None:
    """One program, fresh: lookups (latency, CPU per cycle, peak memory), typing, idling,
    requests pages. `side` is 'ours' or 'reference'."""

    def add(name: str, value: float) -> None:
        getattr(figures[name], side).append(value)

    t.wait_for(ready)
    t.drain(0.3)
    for cycle in range(cycles):
        before_typing = t.written
        type_text(t, CUSTOMER[0])
        if cycle == 0:
            add("bytes per typed key", (t.written - before_typing) / len(CUSTOMER[0]))
        cpu = t.cpu_seconds()
        sent = t.send("\r")
        add("Enter -> customer painted", ms(t.wait_for(CUSTOMER[1]) - sent))
        t.drain(0.15)
        if cycle == 0:
            add("peak RSS, customer shown", t.memory_mb("VmHWM"))
        t.send("\x1b")
        t.wait_for(HOME_MARK)
        t.drain(0.15)
        add("CPU per lookup cycle", ms(t.cpu_seconds() - cpu))
    cpu, wall = t.cpu_seconds(), time.perf_counter()
    time.sleep(4)
    add("idle CPU, lookup screen", 100 * (t.cpu_seconds() - cpu) / (time.perf_counter() - wall))
    type_text(t, BULK[0])
    t.send("\r")
    t.wait_for(BULK[1])
    t.drain(0.15)
    for _ in range(2):
        sent = t.send("r")
        add("r -> first requests page", ms(t.wait_for("page 1 of 334") - sent))
        t.drain(0.15)
        sent = t.send("n")
        add("page flip", ms(t.wait_for("page 2 of 334") - sent))
        t.drain(0.15)
        sent = t.send("\x1b[6~")  # PgDn: not a printable key, never held by a scan guard
        add("page flip with PgDn", ms(t.wait_for("page 3 of 334") - sent))
        t.drain(0.15)
        t.send("\x1b")
        t.wait_for(BULK[1])
        t.drain(0.15)


def interaction(programs: Programs, runs: int, cycles: int, figures: dict[str, Figure]) -> None:
    def ours() -> None:
        with running(programs.tillui()) as t:
            session(t, "ours", figures, cycles, ready=READY_MARK)

    def bare() -> None:
        with running(programs.bare()) as t:
            session(t, "reference", figures, cycles, ready=HOME_MARK)
            time.sleep(0.5)  # the bare app loads its HTTP client after the first frame

    alternate(runs, ours, bare)


def idle_without_blink(programs: Programs, figures: dict[str, Figure]) -> None:
    figure = figures["idle CPU, cursor_blink = false"]
    for side, env in (("ours", {"TILLUI_CURSOR_BLINK": "false"}), ("reference", {})):
        with running(programs.tillui(**env)) as t:
            t.wait_for(READY_MARK)
            t.drain(0.5)
            cpu, wall = t.cpu_seconds(), time.perf_counter()
            time.sleep(4)
            share = 100 * (t.cpu_seconds() - cpu) / (time.perf_counter() - wall)
            getattr(figure, side).append(share)


def slow_server(folder: Path, runs: int, figures: dict[str, Figure]) -> None:
    """Enter -> customer painted when every request takes 200 ms, against one round trip; and
    the bare app doing the same lookup (raw httpx, then a screen push) as Textual's share."""
    import httpx

    figure = figures["Enter -> customer, 200 ms per request"]
    same = figures["same, bare app doing the lookup"]
    with sandbox(latency=0.2) as api:
        (folder / "slow").mkdir(exist_ok=True)
        programs = Programs(folder / "slow", api)
        with (
            running(programs.tillui()) as t,
            running(programs.bare(BARE_LOOKUP_HTTP="1")) as bare,
            httpx.Client(base_url=api) as http,
        ):
            t.wait_for(READY_MARK)
            bare.wait_for(HOME_MARK)
            t.drain(0.3)
            bare.drain(0.8)
            params = {"source": "INSTORE", "identifierName": "mobile"}
            params["identifierValue"] = CUSTOMER[0]
            headers = {"Authorization": basic_auth()}
            path = "/v2/customers/lookup/customerDetails"
            http.get(path, params=params, headers=headers)

            def look_up(terminal: Terminal) -> float:
                type_text(terminal, CUSTOMER[0])
                sent = terminal.send("\r")
                elapsed = ms(terminal.wait_for(CUSTOMER[1]) - sent)
                terminal.drain(0.15)
                terminal.send("\x1b")
                terminal.wait_for(HOME_MARK)
                terminal.drain(0.15)
                return elapsed

            def ours() -> None:
                figure.ours.append(look_up(t))
                same.ours.append(figure.ours[-1])

            def trip() -> None:
                start = time.perf_counter()
                http.get(path, params=params, headers=headers)
                figure.reference.append(ms(time.perf_counter() - start))
                same.reference.append(look_up(bare))

            alternate(runs, ours, trip)


def press_enter_together(terminals: list[Terminal], ready: str, rounds: int = 3) -> list[float]:
    """Every program has the customer's mobile typed, then all get Enter at the same moment;
    returns each one's Enter -> customer painted, and the programs' total RSS per round."""
    latencies: list[float] = []
    for t in terminals:
        t.wait_for(ready, timeout=300)
    time.sleep(1)
    for t in terminals:
        t.drain(0.05)
    for _ in range(rounds):
        for t in terminals:
            type_text(t, CUSTOMER[0])
        time.sleep(0.5)
        sent = {t.send("\r"): t for t in terminals}
        waiting = {t.master: (t, at) for at, t in sent.items()}
        deadline = time.perf_counter() + 120
        while waiting and time.perf_counter() < deadline:
            ready_fds, _, _ = select.select(list(waiting), [], [], 0.05)
            for fd in ready_fds:
                t, at = waiting[fd]
                t._read(0)
                if t.painted(CUSTOMER[1]):
                    latencies.append(ms(time.perf_counter() - at))
                    del waiting[fd]
        if waiting:
            raise TimeoutError(f"{len(waiting)} programs never showed the customer")
        for t in terminals:
            t.drain(0.02, limit=1)
            t.send("\x1b")
        for t in terminals:
            t.wait_for(HOME_MARK)
            t.drain(0.02, limit=1)
    return latencies


def crowd(programs: Programs, count: int, figures: dict[str, Figure]) -> None:
    """`count` tills on this machine press Enter at the same moment, against `count` bare apps
    doing the same lookup (raw httpx, then a screen push); and one of each alone."""
    together, alone = figures[f"{count} tills press Enter together"], figures["one till alone"]
    memory = figures[f"{count} tills: total RSS"]
    kinds = (
        ("ours", lambda: programs.tillui(TILLUI_CURSOR_BLINK="false"), READY_MARK),
        ("reference", lambda: programs.bare(BARE_LOOKUP_HTTP="1"), HOME_MARK),
    )
    for side, start, ready in kinds:
        for size, figure in ((1, alone), (count, together)):
            terminals = [start() for _ in range(size)]
            try:
                getattr(figure, side).extend(press_enter_together(terminals, ready))
                if size == count:
                    getattr(memory, side).append(sum(t.memory_mb("VmRSS") for t in terminals))
            finally:
                for t in terminals:
                    t.close()


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each side per figure")
    parser.add_argument(
        "--crowd", type=int, default=50, help="tills for the crowd figure (0: skip)"
    )
    parser.add_argument("--quick", action="store_true", help="3 runs, 10 tills: a smoke test")
    parser.add_argument(
        "--readme", action="store_true", help="also write the table into README.md (Performance)"
    )
    parser.add_argument(
        "--only", nargs="*", help="run only these steps: start-up scan interaction idle slow crowd"
    )
    args = parser.parse_args()
    runs, count = (3, min(10, args.crowd)) if args.quick else (args.runs, args.crowd)
    started = time.perf_counter()
    specs = [
        Figure("first frame (lookup screen painted)", "ms", "≤ 1.10x", limit=1.10),
        Figure("echo at first frame", "ms", "≤ 150 ms", absolute=150),
        Figure("echo once ready", "ms"),
        Figure("card scanned at first frame (-> customer painted)", "ms", "≤ 1.10x", limit=1.10),
        Figure("Enter -> customer painted", "ms"),
        Figure("CPU per lookup cycle", "ms", "≤ 1.3x", limit=1.3),
        Figure("Enter -> customer, 200 ms per request", "ms", "≤ 1.15x", limit=1.15),
        Figure("same, bare app doing the lookup", "ms"),
        Figure("r -> first requests page", "ms", "≤ 1.5x", limit=1.5),
        Figure("page flip", "ms", "≤ 1.2x", limit=1.2),
        Figure("page flip with PgDn", "ms"),
        Figure("peak RSS, customer shown", "MB", "≤ 1.4x", limit=1.4),
        Figure("bytes per typed key", "B"),
        Figure("idle CPU, lookup screen", "%"),
        Figure("idle CPU, cursor_blink = false", "%"),
    ]
    figures = {f.name.split(" (")[0]: f for f in specs}
    for f in specs:
        f.reference_name = "bare app"
    figures["Enter -> customer, 200 ms per request"].reference_name = "one round trip"
    figures["same, bare app doing the lookup"].reference_name = "bare app, same lookup"
    figures["card scanned at first frame"].reference_name = "bare app, same client"
    figures["idle CPU, cursor_blink = false"].reference_name = "tillui, blink on"
    if count:
        crowd_figures = [
            Figure(f"{count} tills press Enter together", "ms", "≤ 1.00x", limit=1.0),
            Figure("one till alone", "ms"),
            Figure(f"{count} tills: total RSS", "MB"),
        ]
        crowd_figures[0].reference_name = f"{count} bare apps"
        crowd_figures[1].reference_name = "one bare app alone"
        crowd_figures[2].reference_name = f"{count} bare apps"
        specs += crowd_figures
        figures.update({f.name: f for f in crowd_figures})
    with tempfile.TemporaryDirectory(prefix="tillui-bench-") as tmp, sandbox() as api:
        folder = Path(tmp)
        programs = Programs(folder, api)
        with running(programs.tillui()) as t:  # warm the file cache and the sandbox
            t.wait_for(READY_MARK)
        with running(programs.bare()) as t:
            t.wait_for(HOME_MARK)
        steps = [
            ("start-up", lambda: start_up(programs, runs, figures)),
            ("scan", lambda: scan_at_first_frame(programs, runs, figures)),
            ("interaction", lambda: interaction(programs, max(2, runs // 2), 4, figures)),
            ("idle", lambda: idle_without_blink(programs, figures)),
            ("slow", lambda: slow_server(folder, runs, figures)),
        ]
        if count:
            steps.append(("crowd", lambda: crowd(programs, count, figures)))
        for name, step in steps:
            if args.only and name not in args.only:
                continue
            print(f"… {name} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
            try:
                step()
            except (TimeoutError, RuntimeError) as error:
                print(f"   {name} failed: {error}", file=sys.stderr, flush=True)
    load = os.getloadavg()
    heading = (
        f"tillui bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"{os.cpu_count()} cores · {cpu_model()} · "
        f"Python {platform.python_version()} · load {load[0]:.1f} at the end · "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(heading)
    print()
    print(table(specs))
    if args.readme:
        readme = BENCH.parent / "README.md"
        text = readme.read_text(encoding="utf-8")
        start, end = "<!-- bench-table -->\n", "<!-- /bench-table -->"
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        block = f"{start}{heading}\n\n{table(specs)}\n{end}"
        readme.write_text(before + block + after, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
