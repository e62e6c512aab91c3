"""A real `tillui sandbox` process on a free loopback port, for the soak and kill tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from tillui.config.settings import Secrets, Settings
from tillui.sandbox import DEMO

_URL = re.compile(r"serving at (http://\S+)")
START_TIMEOUT = 30.0


@contextmanager
def sandbox_process(folder: Path, *flags: str) -> Iterator[str]:
    """Start `python -m tillui sandbox --port 0 FLAGS…`; yield its base URL; stop it."""
    # Both streams go to files: nobody drains a pipe while the test runs (access logs).
    out_path, log_path = folder / "sandbox.out", folder / "sandbox.log"
    out, log = out_path.open("w"), log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", "0", *flags],
        stdout=out,
        stderr=log,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        url = None
        while url is None:
            found = _URL.search(out_path.read_text())
            url = found.group(1) if found else None
            if url is None and process.poll() is not None:
                raise RuntimeError(f"the sandbox stopped: {log_path.read_text()}")
            if url is None and time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start in time")
            if url is None:
                time.sleep(0.05)  # polling a file for the banner, not synchronising with a sleep
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()
        log.close()


def control(url: str, path: str) -> Any:
    """GET a sandbox control endpoint (never faulted)."""
    response = httpx.get(f"{url}/__sandbox/{path}", timeout=120)
    response.raise_for_status()
    return response.json()


def till_settings(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_base_url": url,
        "workflow_base_url": url,
        "username": DEMO.username,
        "org_id": DEMO.org_id,
        "till_id": str(DEMO.till_id),
        "store_id": str(DEMO.store_id),
        "zone_id": str(DEMO.zone_id),
        "concept_id": str(DEMO.concept_id),
    }
    return Settings(**(values | overrides))


TILL_SECRETS = Secrets(
    password=SecretStr(DEMO.password), workflow_token=SecretStr(DEMO.workflow_token)
)
