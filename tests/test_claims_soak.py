"""Soak: 200 claims against a real `tillui sandbox --faults 0.2` process over loopback HTTP.

The sandbox accepts a second claim of a bill (as the real server does), and one request in
five fails: 5xx, 429 with Retry-After, timeouts, malformed and HTML bodies, and for the claim
POST the three commit faults (commit then drop the connection, commit then answer late, commit
late after the client has gone). Reconcile runs eagerly (right after every fault, and in the
background throughout) or late (only once every claim was tried). Afterwards the server is
counted, from its request log (POSTs as the network saw them) and its kept requests:
0 lost, 0 doubled, and every outbox row settled.

A claim sent MAX_ATTEMPTS times without an answer and then proven absent is said to be not
made (the till stops resending it); the cashier claims such a bill again, as the message asks.
That is rare (three unanswered POSTs that never landed) but, with the requests of eight
workers interleaving differently on a loaded machine, not rarer than a CI run.

Time: the till's timeouts are short (connect 0.3 s, read 0.5 s), the sandbox's late commits
and delays last 1 s, and the quiet period is 2 s: the same ordering as the defaults (a late
commit lands well inside the quiet period, which is at least twice connect + read).
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from pathlib import Path

import pytest

from tests.sandbox_process import TILL_SECRETS, control, sandbox_process, till_settings
from tillui.api.client import IntouchClient
from tillui.claims.outbox import ClaimRecord, ClaimsOutbox
from tillui.claims.service import ClaimOutcome, ClaimService

CLAIMS = 200
FAULT_DELAY = 1.0
WORKERS = 8
pytestmark = pytest.mark.timeout(150)


async def _claim(svc: ClaimService, customer: int, bill: dict) -> ClaimOutcome:
    outcome = await svc.submit(
        customer_id=customer,
        transaction_id=bill["transactionId"],
        bill_number=bill["billNumber"],
        amount=str(bill["amount"]),
    )
    for _ in range(5):  # refused before the server acted (429): the cashier presses again
        if not outcome.refused:
            break
        outcome = await svc.submit(
            customer_id=customer,
            transaction_id=bill["transactionId"],
            bill_number=bill["billNumber"],
            amount=str(bill["amount"]),
        )
    return outcome


async def _soak(url: str, outbox_path: Path, *, eager: bool) -> dict[str, int]:
    claimable = control(url, "claimable")
    bills, customers = claimable["bills"][:CLAIMS], claimable["customers"][:10]
    assert len(bills) == CLAIMS and len(customers) == 10
    work = [(customers[n % len(customers)], bill) for n, bill in enumerate(bills)]
    settings = till_settings(
        url, connect_timeout=0.3, read_timeout=0.5, claim_quiet_period_seconds=2.0
    )
    outbox = ClaimsOutbox(outbox_path)
    async with IntouchClient(settings, TILL_SECRETS) as client:
        svc = ClaimService(client, outbox, settings, TILL_SECRETS)
        if eager:
            svc.start_background(lambda outcomes: None)

        async def worker() -> None:
            while work:
                customer, bill = work.pop()
                outcome = await _claim(svc, customer, bill)
                if eager and outcome.unknown:
                    await svc.reconcile()  # right after the fault: the first POST may land yet

        claimed_again = 0
        for _ in range(3):
            await asyncio.gather(*(worker() for _ in range(WORKERS)))
            svc.start_background(lambda outcomes: None)  # late: the first reconcile is only now
            await asyncio.wait_for(svc.background_finished(), 90)
            latest = {r.transaction_id: r for r in sorted(outbox.recent(1000), key=_made)}
            work = [
                (row.customer_id, bill)
                for bill in bills
                if (row := latest.get(bill["transactionId"])) is not None
                and row.state == "refused"
                and (row.error or "").startswith("not made:")
            ]
            claimed_again += len(work)
        unsettled = await svc.unresolved_count()
        await svc.stop_background()
    rows = outbox.recent(1000)
    outbox.close()

    server = control(url, "claims")["bills"]
    claimed = {str(bill["transactionId"]) for bill in bills}
    latest = {str(row.transaction_id): row for row in sorted(rows, key=_made)}
    log = control(url, "log")["requests"]
    faults = [e["fault"] for e in log if e["fault"]]
    return {
        "claims": len(claimed),
        "posts": sum(server[b]["posts"] for b in claimed if b in server),
        "lost": sum(1 for b in claimed if server.get(b, {}).get("succeeded", 0) == 0),
        "doubled": sum(1 for b in claimed if server.get(b, {}).get("requests", 0) > 1),
        "settled": sum(1 for b in claimed if b in latest and latest[b].state == "sent"),
        "unsettled": unsettled,
        "faults": len(faults),
        "commit_faults": sum(1 for f in faults if f.startswith(("commit", "slow"))),
        "requests": len(log),
        "claimed_again": claimed_again,
        "problems": [
            (r.transaction_id, r.state, r.error, r.attempts)
            for b, r in latest.items()
            if r.state != "sent"
        ],
    }


def _made(row: ClaimRecord) -> datetime:
    return row.created_at


@pytest.mark.parametrize(("eager", "seed"), [(True, 1009), (False, 2003)], ids=["eager", "late"])
def test_soak_200_claims_with_20_percent_faults_none_lost_none_doubled(tmp_path, eager, seed):
    # The faults are a function of the seed and each claim's n-th try (tillui/sandbox/faults.py):
    # TILLUI_SOAK_SEED=<the seed a failure printed> repeats that run's faults exactly.
    seed = int(os.environ.get("TILLUI_SOAK_SEED", seed))
    print(f"soak seed {seed} (repeat with TILLUI_SOAK_SEED={seed})")
    flags = ("--faults", "0.2", "--fault-delay", str(FAULT_DELAY), "--seed", str(seed))
    with sandbox_process(tmp_path, *flags, "--extra-bills", str(CLAIMS + 10)) as url:
        counts = asyncio.run(_soak(url, tmp_path / "claims.sqlite3", eager=eager))
    print(f"soak {'eager' if eager else 'late'}: {counts}")
    for row in counts.pop("problems", []):
        print("  not settled:", row)
    assert counts["faults"] > 0.1 * counts["requests"] and counts["commit_faults"] > 5
    assert counts["posts"] >= CLAIMS
    assert (counts["lost"], counts["doubled"]) == (0, 0), f"seed {seed}: {counts}"
    assert counts["settled"] == CLAIMS and counts["unsettled"] == 0, f"seed {seed}: {counts}"
