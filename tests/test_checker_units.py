"""The checker's pieces without the UI: the PIN-sealed token, the maker's token refused before
sending, and a decision whose answer was lost (read back, never sent twice)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tillui.api.errors import AuthError, BadRequest, Timeout
from tillui.api.models import WorkflowRequest
from tillui.claims.checker import CheckerDesk
from tillui.config.checker_pin import WrongPin, seal, unseal
from tillui.config.settings import Secrets, Settings
from tillui.sandbox import DEMO
from tillui.wiring.demo import DEMO_CHECKER_SEALED, DEMO_MANAGER_PIN


def test_a_sealed_token_opens_with_its_pin_only():
    sealed = seal("eyJ.checker.jwt", "975310")
    assert "eyJ" not in sealed and sealed.startswith("tcs1$")
    assert unseal(sealed, "975310") == "eyJ.checker.jwt"
    with pytest.raises(WrongPin):
        unseal(sealed, "975311")
    damaged = sealed[:-3] + ("AAA" if not sealed.endswith("AAA") else "BBB")
    with pytest.raises(WrongPin):
        unseal(damaged, "975310")
    with pytest.raises(WrongPin):
        unseal("not-sealed", "975310")
    with pytest.raises(ValueError):
        seal("token", "12")  # too short a PIN
    assert seal("t", "1234") != seal("t", "1234")  # fresh salt and nonce each time


def test_the_demo_pin_opens_the_demo_checker_token():
    assert unseal(DEMO_CHECKER_SEALED, DEMO_MANAGER_PIN) == DEMO.checker_token


class FakeClient:
    def __init__(self, *, decide_error: Exception, now: str) -> None:
        self.decide_error = decide_error
        self.now = now
        self.decisions = 0

    async def decide_workflow_request(self, request_id, *, approve, message="", checker_token):
        self.decisions += 1
        raise self.decide_error

    async def workflow_request(self, request_id):
        return WorkflowRequest(request_id=request_id, state=self.now)


def desk(client) -> CheckerDesk:
    return CheckerDesk(client, Settings(store_id="1"))


async def test_a_lost_answer_whose_approval_landed_is_reported_approved_once():
    client = FakeClient(decide_error=Timeout(None, "no answer"), now="approved")
    decision = await desk(client).decide(
        "r1", approve=True, message="", checker_token=SecretStr("c")
    )
    assert decision.kind == "approved" and client.decisions == 1


async def test_a_refusal_on_a_request_decided_elsewhere_is_already_decided():
    client = FakeClient(decide_error=BadRequest(99205, "not awaiting", None, 409), now="approved")
    decision = await desk(client).decide(
        "r1", approve=True, message="", checker_token=SecretStr("c")
    )
    assert decision.kind == "already_decided" and "someone else" in decision.message


async def test_a_failure_on_a_request_still_waiting_is_raised_for_another_try():
    client = FakeClient(decide_error=Timeout(None, "no answer"), now="AdminTask")
    with pytest.raises(Timeout):
        await desk(client).decide("r1", approve=False, message="x", checker_token=SecretStr("c"))


async def test_the_client_refuses_the_makers_token_before_sending():
    import httpx

    from tillui.api.client import IntouchClient

    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200))
    settings = Settings(org_id="100", workflow_base_url="http://gw", api_base_url="http://api")
    secrets = Secrets(workflow_token="maker-token")
    async with IntouchClient(settings, secrets, transport=transport) as client:
        for token in ("maker-token", " maker-token ", ""):
            with pytest.raises(AuthError):
                await client.decide_workflow_request(
                    "r1", approve=True, checker_token=SecretStr(token)
                )
    assert sent == []


def test_wrong_pins_lock_the_pin_for_the_app_run_not_per_visit():
    from tillui.config.checker_pin import PinAttempts

    now = [0.0]
    attempts = PinAttempts(limit=3, lockout=60, clock=lambda: now[0])
    assert [attempts.failed(), attempts.failed()] == [2, 1]
    attempts.succeeded()  # a right PIN clears the count
    assert [attempts.failed(), attempts.failed(), attempts.failed()] == [2, 1, 0]
    assert attempts.locked_for() == 60
    now[0] = 61
    assert attempts.locked_for() == 0 and attempts.failed() == 2


async def test_a_rejection_without_a_reason_in_the_workflow_answer_takes_the_customers_one(
    tmp_path,
):
    from types import SimpleNamespace

    from tillui.api.models import RetroRequestPage, WorkflowRequestPage
    from tillui.claims.history import TillClaimsHistory
    from tillui.claims.outbox import ClaimsOutbox

    outbox = ClaimsOutbox(tmp_path / "claims.sqlite3")
    record = outbox.enqueue(
        till_id="T1",
        customer_id=7,
        transaction_id=70,
        bill_number="B70",
        amount="5",
        notes="",
        body={},
    )
    outbox.mark_sending(record.id)
    outbox.mark_sent(record.id, request_id="u-70", server_state="AdminTask")
    calls: list[str] = []

    class Client:
        async def workflow_requests(self, **query):
            calls.append("list")
            item = {"requestId": "u-70", "state": "rejected"}  # no details: no reason there
            return WorkflowRequestPage.model_validate(
                {"items": [item], "page": 1, "limit": 50, "total": 1}
            )

        async def retro_requests(self, customer_id, *, limit=10, offset=0):
            calls.append(f"customer {customer_id}")
            page = {
                "pagination": {"limit": limit, "offset": 0, "total": 1},
                "data": [
                    {
                        "id": 1,
                        "requestId": 9,
                        "status": "REJECTED",
                        "transactionId": 70,
                        "reason": "Receipt torn",
                        "addedBy": {"id": 1, "code": "t1", "name": "Till 1", "type": "TILL"},
                        "addedOn": "2026-11-23T04:00:00Z",
                        "userId": 7,
                    }
                ],
            }
            return RetroRequestPage.model_validate(page)

    history = TillClaimsHistory(outbox, Client(), SimpleNamespace(till_id="T1"))
    page = await history.page(0, 12)
    [claim] = page.items
    assert (claim.server_words, claim.reason) == ("rejected", "Receipt torn")
    assert calls == ["list", "customer 7"]
    assert outbox.get(record.id).server_state == "rejected"


def test_the_sealed_token_goes_to_the_secrets_file_and_is_never_printed(
    tmp_path, monkeypatch, capsys
) -> None:
    from tillui.config import checker_pin
    from tillui.config.secrets import read_secrets_file

    answers = iter(["eyJ.checker.token", "2468", "2468"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    config = tmp_path / "config.toml"
    assert checker_pin.main(["--config", str(config), "--till", "T1"]) == 0
    out = capsys.readouterr().out
    secrets = tmp_path / "secrets.toml"
    sealed = read_secrets_file(secrets)["till.T1"]["checker_token_sealed"]
    assert sealed not in out and "eyJ" not in out and str(secrets) in out
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert checker_pin.unseal(sealed, "2468") == "eyJ.checker.token"
