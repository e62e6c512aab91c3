"""Kill test: a real `tillui claims` process is killed with SIGKILL at random moments (before
the POST, in flight, after the answer, during a reconcile's resend); after a restart, exactly
one request per bill is on the server (counted from the sandbox's request log and its kept
requests), and the outbox has it as sent.

Ten bills, each: `tillui claims send` killed at a random moment, then `tillui claims reconcile
--until-settled` killed at a random moment (20 SIGKILLs in all), then, as the cashier would,
the claim made again if nothing was stored, and a reconcile left to finish. The sandbox adds
latency so that "in flight" is a wide target; the till's quiet period is short (2 s) so that
the killed reconciles reach their resends.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.sandbox_process import control, sandbox_process
from tillui.claims.outbox import ClaimsOutbox
from tillui.sandbox import DEMO

KILLS = 20
ROUNDS = 10
MAX_ROUNDS = 16
SEED = 20261201
pytestmark = pytest.mark.timeout(150)

CONFIG = """default_till = "{till}"

[defaults]
api_base_url = "{url}"
workflow_base_url = "{url}"
username = "{username}"
org_id = "{org}"
connect_timeout = 0.3
read_timeout = 0.6
claim_quiet_period_seconds = 2.0

[till.{till}]
store = "{store}"
zone = "{zone}"
concept = "{concept}"
"""


def run_claims(folder: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "TILLUI_PASSWORD": DEMO.password,
        "TILLUI_WORKFLOW_TOKEN": DEMO.workflow_token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    command = [sys.executable, "-m", "tillui", "claims", "--config", str(folder / "config.toml")]
    command += ["--outbox", str(folder / "claims.sqlite3"), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _kill_after(
    process: subprocess.Popen[bytes], seconds: float, sooner: Callable[[], bool] | None = None
) -> bool:
    """SIGKILL `seconds` after the process said it starts its work (its first line: start-up
    time varies with the machine's load), or as soon as `sooner()` holds, unless it ended
    first; True if it was killed."""
    assert process.stdout is not None
    process.stdout.readline()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if sooner is not None and sooner():
            break
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(0.02)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def _state(folder: Path, transaction_id: int) -> str:
    with ClaimsOutbox(folder / "claims.sqlite3") as outbox:
        found = outbox.for_transaction(transaction_id)
    return found.state if found is not None else "none"


def _posts(url: str, bill: dict) -> int:
    return control(url, "claims")["bills"].get(str(bill["transactionId"]), {}).get("posts", 0)


def _on_server(url: str, bill: dict) -> int:
    return control(url, "claims")["bills"].get(str(bill["transactionId"]), {}).get("requests", 0)


def make_till(folder: Path, url: str) -> Path:
    """A till's folder for `tillui claims`: its config (short timeouts and quiet period) for the
    sandbox at `url`; the outbox goes beside it."""
    folder.mkdir()
    folder.joinpath("config.toml").write_text(
        CONFIG.format(
            url=url,
            till=DEMO.till_id,
            store=DEMO.store_id,
            zone=DEMO.zone_id,
            concept=DEMO.concept_id,
            username=DEMO.username,
            org=DEMO.org_id,
        )
    )
    return folder


def _round(folder: Path, url: str, bill: dict, customer: int, rng: random.Random) -> dict:
    make_till(folder, url)
    send = (
        "send",
        "--customer",
        str(customer),
        "--transaction",
        str(bill["transactionId"]),
        "--bill",
        bill["billNumber"],
        "--amount",
        str(bill["amount"]),
    )
    kills = []
    # 1. The claim, killed anywhere from start-up to after the answer.
    killed = _kill_after(run_claims(folder, *send), rng.uniform(0.0, 0.8))
    kills.append(("send", killed, _state(folder, bill["transactionId"]), _on_server(url, bill)))
    # 2. A restarted till reconciling, killed at a random moment or, if it resends first, while
    # the server holds its resent POST (the sandbox's latency keeps it in flight).
    # Until one reconcile was killed mid-resend, a round whose claim is stored but never reached
    # the server (a resend is then certain) waits for that resend, so every run kills at least
    # one reconcile mid-resend; the others draw their moment. A POST killed in flight may still
    # land (the sandbox holds each request `--latency` seconds; a loaded machine, longer), so
    # "never reached" is only believed after a while.
    state = _state(folder, bill["transactionId"])
    wait_for_resend = state in ("queued", "sending", "unknown") and not RESEND_TARGET.done
    if wait_for_resend:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and not _on_server(url, bill):
            time.sleep(0.1)
        wait_for_resend = not _on_server(url, bill)
    posts_before = _posts(url, bill)
    killed = _kill_after(
        run_claims(folder, "reconcile", "--until-settled"),
        60.0 if wait_for_resend else rng.uniform(0.0, 6.0),
        sooner=lambda: _posts(url, bill) > posts_before,
    )
    resending = killed and _posts(url, bill) > posts_before
    RESEND_TARGET.done = RESEND_TARGET.done or resending
    kills.append(
        (
            "reconcile-resend" if resending else "reconcile",
            killed,
            _state(folder, bill["transactionId"]),
            _on_server(url, bill),
        )
    )
    # 3. Nothing stored (killed before the claim was written): the cashier claims again.
    if _state(folder, bill["transactionId"]) in ("none", "refused"):
        run_claims(folder, *send).communicate(timeout=60)
    final = run_claims(folder, "reconcile", "--until-settled")
    _, errors = final.communicate(timeout=60)
    assert final.returncode == 0, errors.decode()
    return {"kills": kills, "final": _state(folder, bill["transactionId"])}


class _ResendTarget:
    def __init__(self) -> None:
        self.done = False
        """A reconcile was killed while its resend was in flight."""


RESEND_TARGET = _ResendTarget()


def test_sigkill_at_random_moments_leaves_exactly_one_request_per_bill(tmp_path):
    RESEND_TARGET.done = False
    flags = ("--extra-bills", str(MAX_ROUNDS + 5), "--seed", "77", "--latency", "0.25")
    with sandbox_process(tmp_path, *flags) as url:
        claimable = control(url, "claimable")
        bills, customers = claimable["bills"][:MAX_ROUNDS], claimable["customers"]
        started = time.monotonic()
        results: list[dict] = []

        def run(n: int) -> dict:
            rng = random.Random(SEED + n)
            return _round(tmp_path / f"till-{n}", url, bills[n], customers[n % 5], rng)

        # Rounds run side by side (they mostly wait); a moment drawn after a process already
        # ended is no kill, so more rounds follow until there were KILLS kills.
        batch = range(ROUNDS)
        while batch:
            with ThreadPoolExecutor(len(batch)) as pool:
                results += pool.map(run, batch)
            killed = sum(1 for r in results for k in r["kills"] if k[1])
            more = max(0, (KILLS - killed + 1) // 2)
            if not more and not RESEND_TARGET.done:
                more = 1  # no reconcile was killed mid-resend yet
            more = min(MAX_ROUNDS - len(results), more)
            batch = range(len(results), len(results) + max(0, more))
        elapsed = time.monotonic() - started
        server = control(url, "claims")["bills"]
    kills = [k for r in results for k in r["kills"] if k[1]]
    states = sorted(
        f"{what}->{state}/{on_server}"
        for r in results
        for what, killed, state, on_server in r["kills"]
        if killed
    )
    # outbox state / requests on the server, right after each kill: none/0 = before the
    # claim was stored, queued/0 = before the POST, sending/0 = in flight, sending/1 = after
    # the answer, unknown/… = a reconcile between checks or during its resend.
    print(f"kill test: {len(kills)} SIGKILLs in {elapsed:.1f} s; after each: {states}")
    for bill, result in zip(bills, results, strict=False):
        counts = server[str(bill["transactionId"])]
        assert counts["requests"] == 1 and counts["succeeded"] == 1, (bill, counts, result)
        assert result["final"] == "sent", result
    assert len(kills) >= KILLS
    assert any(k[0] == "reconcile-resend" for k in kills)  # at least one during a resend
