from __future__ import annotations

import socket
import subprocess
import sys

import httpx
import pytest

from tillui.sandbox import DEMO, running_sandbox
from tillui.sandbox.server import main

from .test_sandbox_support import (
    BASIC,
    CLAIM_PATH,
    GATEWAY,
    claim_body,
    lookup_params,
    make_app,
    state_of,
)


async def test_over_real_loopback_http():
    app = make_app()
    state = state_of(app)
    bill = state.transactions.get(state.journal_transaction_ids[-1])
    with running_sandbox(app=app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url, timeout=5) as http:
            found = await http.get(
                "/v2/customers/lookup/customerDetails",
                headers=BASIC,
                params=lookup_params("mobile", DEMO.omar.mobile),
            )
            claim = await http.post(
                CLAIM_PATH, headers=GATEWAY, json=claim_body(bill.id, DEMO.omar.customer_id)
            )
            state.faults.inject("/v2/", "delay", delay_seconds=0.4)
            with pytest.raises(httpx.ReadTimeout):
                await http.get(
                    "/v2/customers/lookup/customerDetails",
                    headers=BASIC,
                    params=lookup_params("mobile", DEMO.omar.mobile),
                    timeout=0.1,
                )
    assert found.status_code == 200 and found.headers["X-Cap-Requestid"]
    assert found.json()["id"] == DEMO.omar.customer_id
    assert claim.json()["data"]["state"] == "approved"
    assert bill.type == "REGULAR"
    # Stopped cleanly: nothing listens any more.
    async with httpx.AsyncClient(base_url=base_url, timeout=1) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/__sandbox/faults")


def test_running_sandbox_builds_its_own_app_from_a_config():
    from tillui.sandbox import SandboxConfig

    with running_sandbox(SandboxConfig(customer_count=3)) as base_url:
        response = httpx.get(f"{base_url}/v2/customers/{DEMO.asha.customer_id}", headers=BASIC)
    assert response.json()["profiles"][0]["firstName"] == "Asha"


def test_main_reports_a_port_it_cannot_use(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == 2
    assert "cannot listen" in capsys.readouterr().err


def test_main_prints_how_to_use_it_and_writes_the_journal(tmp_path, capsys, monkeypatch):
    import uvicorn

    served: list[int] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda self, sockets=None: served.append(sockets[0].getsockname()[1])
    )
    journal = tmp_path / "bills.jsonl"
    assert main(["--port", "0", "--seed", "7", "--no-auto-approve", "--journal", str(journal)]) == 0
    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{served[0]}" in out
    assert DEMO.username in out and DEMO.asha.mobile in out and str(DEMO.till_id) in out
    assert str(journal) in out
    assert len(journal.read_text().splitlines()) == 40


def test_importing_the_sandbox_stays_independent_of_the_app():
    code = (
        "import sys, tillui.sandbox\n"
        "loaded = [m for m in ('textual', 'tillui.api', 'uvicorn') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


def test_served_sockets_disable_nagle():
    """Nagle on the server's sockets would make every request on a kept-alive connection wait
    ~40 ms for the client's delayed ACK (the figure is bench/'s business)."""
    from tillui.sandbox.server import _bound_socket

    with _bound_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_main_without_uvicorn_names_the_extra_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the [sandbox] extra were missing
    assert main(["--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "tillui[sandbox]" in err and "Traceback" not in err


def test_a_client_connecting_when_the_banner_appears_is_answered():
    """The banner is the promise that the URL works: a test (or a till) connecting at once
    must wait for uvicorn to finish starting, not be refused (a soak run failed so in CI)."""
    import re

    process = subprocess.Popen(
        [sys.executable, "-m", "tillui", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        while "serving at" not in banner:
            banner = process.stdout.readline()
            assert banner, "the sandbox ended without a banner"
        address = re.search(r"serving at http://([\d.]+):(\d+)", banner)
        assert address is not None
        # A bare socket, at once: an HTTP client's own set-up would let uvicorn catch up.
        with socket.create_connection((address[1], int(address[2])), timeout=30) as client:
            client.sendall(
                b"GET /__sandbox/faults HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
            )
            assert client.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        process.terminate()
        process.wait(10)
