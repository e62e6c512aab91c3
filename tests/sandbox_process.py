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
    log = (folder / "sandbox.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", "0", *flags],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        url = None
        while url is None:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the sandbox stopped: {(folder / 'sandbox.log').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start in time")
            found = _URL.search(line)
            url = found.group(1) if found else None
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
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
