"""Keystroke cost and lookup round trip, headless, against a bare Textual app in the same run.

- keystroke: typing into the lookup's mobile field (validated on every key) vs a bare app's Input;
- round trip: Enter to the painted customer screen, over real loopback HTTP to the sandbox
  (`tillui sandbox` in-process thread), vs the bare httpx round trips it needs (details and
  points, concurrently).

    python bench/interaction.py [--keys 200] [--lookups 20]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Input


class BareInput(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()
        yield Footer()


async def type_keys(app: App, keys: list[str], prepare=None) -> float:
    async with app.run_test(size=(80, 24)) as pilot:
        if prepare:
            await prepare(app)
        await pilot.pause()
        start = time.perf_counter()
        for key in keys:
            await pilot.press(key)
        return (time.perf_counter() - start) / len(keys)


async def keystrokes(count: int) -> tuple[float, float]:
    from tillui.screenshots import build_app

    keys = (list("919800000001") + ["backspace"] * 12) * (count // 24 + 1)
    keys = keys[:count]
    bare = await type_keys(BareInput(), keys)
    tillui = await type_keys(build_app(), keys, prepare=lambda app: app.services())
    return bare, tillui


async def round_trips(count: int, base_url: str) -> tuple[float, float]:
    import httpx

    from tillui.api.client import IntouchClient
    from tillui.config.settings import Secrets, Settings
    from tillui.sandbox import DEMO

    settings = Settings(api_base_url=base_url, workflow_base_url=base_url, username=DEMO.username)
    secrets = Secrets(password=DEMO.password)
    async with httpx.AsyncClient(base_url=base_url) as raw:
        from tillui.api.auth import basic_authorization

        headers = {"Authorization": basic_authorization(settings, secrets)}
        params = {
            "source": "INSTORE",
            "identifierName": "mobile",
            "identifierValue": DEMO.asha.mobile,
        }
        bare = []
        for _ in range(count):
            start = time.perf_counter()
            await asyncio.gather(
                raw.get("/v2/customers/lookup/customerDetails", params=params, headers=headers),
                raw.get("/v2/customers/lookup/points/balance", params=params, headers=headers),
            )
            bare.append(time.perf_counter() - start)

    from tillui.app import TillApp
    from tillui.claims.outbox import ClaimsOutbox
    from tillui.claims.service import ClaimService
    from tillui.screens.customer import CustomerScreen
    from tillui.wiring.services import Services

    def factory() -> Services:
        client = IntouchClient(settings, secrets)
        return Services(
            settings,
            secrets,
            client,
            ClaimService(
                client, ClaimsOutbox(Path(tempfile.mkdtemp()) / "claims.sqlite3"), settings, secrets
            ),
        )

    app = TillApp(factory)
    app.scan_guard.enabled = False
    ours = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.services()
        await pilot.press(*DEMO.asha.mobile)
        for _ in range(count):
            start = time.perf_counter()
            await pilot.press("enter")
            while not isinstance(app.screen, CustomerScreen):
                await asyncio.sleep(0.001)
            await pilot.pause()
            ours.append(time.perf_counter() - start)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press(*DEMO.asha.mobile)
    return statistics.median(bare), statistics.median(ours)


@contextmanager
def sandbox_process() -> Iterator[str]:
    """`tillui sandbox` in its own process: a server in this process's threads would compete
    with the app for the GIL and distort both measurements."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--lookups", type=int, default=20)
    args = parser.parse_args()
    bare_key, tillui_key = asyncio.run(keystrokes(args.keys))
    print(
        f"keystroke  bare Input {bare_key * 1000:6.2f} ms   tillui lookup field {tillui_key * 1000:6.2f} ms"
        f"   ratio {tillui_key / bare_key:.2f}"
    )
    with sandbox_process() as base_url:
        bare_rt, tillui_rt = asyncio.run(round_trips(args.lookups, base_url))
    print(
        f"lookup     bare httpx {bare_rt * 1000:6.2f} ms   tillui Enter->customer screen {tillui_rt * 1000:6.2f} ms"
        f"   ratio {tillui_rt / bare_rt:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
