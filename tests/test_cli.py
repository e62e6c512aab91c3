"""The command line: cheap --help/--version, and `tillui sandbox` over real loopback HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tillui import __version__
from tillui.sandbox import DEMO


def run_python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_help_and_version_do_not_import_textual_httpx_or_pydantic():
    out = run_python(
        "import sys, contextlib, io\n"
        "from tillui.cli import main\n"
        "for argv in (['--version'], ['--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "print(sorted(m for m in ('textual', 'httpx', 'pydantic', 'starlette') if m in sys.modules))\n"
    )
    assert out.strip() == "[]"


def test_version_and_help_text():
    version = subprocess.run(
        [sys.executable, "-m", "tillui", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"tillui {__version__}"
    help_text = subprocess.run(
        [sys.executable, "-m", "tillui", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--demo", "--till", "sandbox", "config", "screenshots"):
        assert word in help_text


def test_api_client_imports_without_textual():
    out = run_python(
        "import sys, tillui.api.client, tillui.config.layers\nprint('textual' in sys.modules)"
    )
    assert out.strip() == "False"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sandbox_command_answers_document_003_over_loopback():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = ""
        deadline = time.monotonic() + 15
        while DEMO.asha.mobile not in banner and time.monotonic() < deadline:
            banner += process.stdout.readline()
        assert DEMO.asha.mobile in banner, banner  # demo identifiers are printed at start
        digest = hashlib.md5(DEMO.password.encode(), usedforsecurity=False).hexdigest()
        token = base64.b64encode(f"{DEMO.username}:{digest}".encode()).decode()
        url = (
            f"http://127.0.0.1:{port}/v2/customers/lookup/points/balance?source=INSTORE"
            f"&identifierName=email,mobile&identifierValue={DEMO.asha.email},{DEMO.asha.mobile}"
        )
        for _ in range(50):
            try:
                request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own loopback URL
                    body = json.load(response)
                    request_id = response.headers["X-Cap-Requestid"]
                break
            except urllib.error.URLError:
                time.sleep(0.1)
        assert request_id
        assert body["entityType"] == "CUSTOMER" and body["entityId"] == DEMO.asha.customer_id
        assert set(body["promisedPointsBreakup"]) == {
            "delayedAccrualPoints",
            "externalTriggerBasedPoints",
        }
        assert body["totalPoints"] == body["mainPoints"] + body["promisedPoints"]
        assert body["warnings"] == []
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_app_without_a_terminal_says_so_instead_of_hanging():
    result = subprocess.run(
        [sys.executable, "-m", "tillui", "--demo", "--kiosk"],
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "ssh -t" in result.stderr
    assert result.stdout == ""
