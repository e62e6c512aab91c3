"""`tillui claims reconcile` against a real `tillui sandbox` process: a claim whose three POSTs
never reached Intouch is found not made, said so, and the exit status is 1 (a script or a person
must claim that bill again)."""

from __future__ import annotations

import httpx

from tests.sandbox_process import control, sandbox_process
from tests.test_claims_kill import make_till, run_claims
from tillui.claims.outbox import ClaimsOutbox

CLAIM_PATH = "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"


def test_a_claim_that_never_reached_intouch_is_said_not_made(tmp_path):
    with sandbox_process(tmp_path, "--extra-bills", "3") as url:
        bill = control(url, "claimable")["bills"][0]
        customer = control(url, "claimable")["customers"][0]
        # Every POST of this claim fails before the server acts on it (a 500 with nothing made).
        armed = httpx.post(
            f"{url}/__sandbox/faults",
            json=[{"pathPrefix": CLAIM_PATH, "kind": "status", "status": 500, "count": 3}],
        )
        armed.raise_for_status()
        till = make_till(tmp_path / "till", url)
        send = run_claims(
            till,
            *("send", "--customer", str(customer), "--transaction", str(bill["transactionId"])),
            *("--bill", bill["billNumber"], "--amount", str(bill["amount"])),
        )
        send.communicate(timeout=60)
        assert send.returncode == 1
        reconcile = run_claims(till, "reconcile", "--until-settled")
        out, err = reconcile.communicate(timeout=90)
        posts = control(url, "claims")["bills"][str(bill["transactionId"])]
    assert reconcile.returncode == 1, (out, err)
    assert "Not made: sent 3 times without an answer" in err.decode()
    with ClaimsOutbox(till / "claims.sqlite3") as outbox:
        [claim] = outbox.recent(10)
    assert (claim.state, claim.attempts) == ("refused", 3)
    assert claim.error is not None and claim.error.startswith("not made")
    assert posts["posts"] == 3 and posts["requests"] == 0
