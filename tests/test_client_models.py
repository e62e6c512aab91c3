"""The models against the documents' own examples, and the claim body against document 002."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from tests.test_client_helpers import (
    CUSTOMER,
    MOBILE,
    Recorder,
    load_fixture,
    make_client,
    make_secrets,
    make_settings,
    reply,
)
from tillui.api import (
    AuthError,
    BadRequest,
    CustomerDetails,
    PointsBalance,
    RetroRequestPage,
    Transaction,
    WorkflowRequest,
    build_retro_claim,
)
from tillui.api.envelope import decode_json
from tillui.api.models import WorkflowAnswer
from tillui.config.settings import Secrets
from tillui.counter.identifier_types import Identifier


def test_document_001_retro_requests_parse_field_for_field() -> None:
    page = RetroRequestPage.model_validate(load_fixture("doc001_retro_requests_response.json"))
    assert (page.pagination.limit, page.pagination.offset, page.pagination.total) == (10, 0, 3)
    assert not page.pagination.has_more
    assert [r.id for r in page.items] == [38959, 38256, 38236]
    first = page.items[0]
    assert first.status == "PENDING"
    assert first.added_on == datetime(2025, 5, 2, 11, 53, 46, tzinfo=UTC)
    assert first.updated_on == datetime(2025, 5, 2, 11, 53, 46, tzinfo=UTC)
    assert first.user_id == 565032200
    assert first.request_id == 13048217
    assert first.base_type == "RETRO"
    assert first.reason == ""
    assert first.comments == ""
    assert first.transaction_id == 323391839
    assert first.warnings == []
    assert first.req_add is True
    assert first.one_step is False
    till = first.added_by
    assert till.model_dump(by_alias=False) == {
        "id": 75155295,
        "code": "sant.p_123",
        "name": "sant.p_123",
        "type": "TILL",
        "description": "",
        "reference_id": -1,
        "admin_type": "GENERAL",
        "is_active": True,
        "is_ou_enabled": False,
        "time_zone_id": 191,
        "currency_id": 95,
        "language_id": 148,
        "is_default": False,
    }
    assert first.updated_by == till
    assert first.added_by_parent is not None
    assert (first.added_by_parent.id, first.added_by_parent.code) == (75152715, "doc123")
    assert (first.added_by_parent.name, first.added_by_parent.type) == ("DocStore", "STORE")
    assert [r.transaction_id for r in page.items] == [323391839, 323274585, 323271072]
    assert page.items[2].added_on == datetime(2025, 4, 1, 9, 3, 20, tzinfo=UTC)


def test_entity_serialises_back_to_the_documents_keys() -> None:
    raw = load_fixture("doc001_retro_requests_response.json")
    page = RetroRequestPage.model_validate(raw)
    assert page.items[0].added_by.model_dump(mode="json") == raw["data"][0]["addedBy"]


def test_document_002_claim_body_is_built_exactly() -> None:
    expected = load_fixture("doc002_claim_request.json")
    settings = make_settings(
        api_base_url="https://eu.api.capillarytech.com",
        username="cm.2",
        client_signature="pankaj",
        till_id="50682289",
        store_id="50682288",
        zone_id="50682286",
        concept_id="50678331",
    )
    claim = build_retro_claim(
        settings,
        make_secrets(password="123"),  # cm.2:md5("123") is the document's Authorization
        transaction_id=7648261,
        customer_id=382553857,
        notes="Test Transaction",
        extended_fields={"checkout_date": "2021-12-27T18:38:43+08:00"},
        custom_fields={"pankaj3": "singh3"},
    )
    body = claim.to_json()
    assert body["entityInfo"] == expected["entityInfo"]
    task, expected_task = (
        body["payload"]["IntouchAPITask-Payload"],
        expected["payload"]["IntouchAPITask-Payload"],
    )
    for key in ("hostname", "path", "method", "pathParams", "queryParams", "body"):
        assert task[key] == expected_task[key], key
    assert task["headers"] == expected_task["headers"]
    assert body == expected
    assert list(body["payload"]["IntouchAPITask-Payload"]) == list(expected_task)
    assert (claim.transaction_id, claim.customer_id) == (7648261, 382553857)


def test_claim_hides_the_authorization_header_except_on_the_wire() -> None:
    claim = build_retro_claim(make_settings(), make_secrets(), transaction_id=1, customer_id=2)
    header = claim.to_json()["payload"]["IntouchAPITask-Payload"]["headers"]["Authorization"]
    assert header.startswith("Basic ")
    assert header not in repr(claim)
    assert header not in str(claim.model_dump())


def test_claim_needs_credentials_and_entity_ids() -> None:
    with pytest.raises(BadRequest, match="till_id"):
        build_retro_claim(
            make_settings(till_id=""), make_secrets(), transaction_id=1, customer_id=2
        )
    with pytest.raises(AuthError, match="password"):
        build_retro_claim(make_settings(), Secrets(), transaction_id=1, customer_id=2)


def test_document_002_response_parses() -> None:
    answer = WorkflowAnswer.model_validate(load_fixture("doc002_claim_response.json"))
    request = answer.data
    assert request.request_id == "23e06c3e-a5c3-11ee-9a63-9ab214749657"
    assert request.user_id == 232134
    assert request.user_name == "[email\xa0protected]"  # verbatim: the page's redaction
    assert request.request_type == "retro-transaction"
    assert request.state == "AdminTask"
    assert request.awaiting_checker
    assert request.start_time == datetime(2023, 12, 29, 2, 23, 23)
    assert request.end_time is None
    assert request.details is not None
    assert request.details.validate_maker_access_output is True
    assert request.details.validate_payload_output is True
    task = request.details.intouch_api_task
    assert task is not None
    assert task.hostname == "https://crm-nightly-new.cc.capillarytech.com"
    assert (task.path, task.method) == ("/v2/transactions/retro", "PUT")
    assert (task.body.transaction_id, task.body.customer_id) == (7648261, 382553857)
    assert task.body.extended_fields == {"checkout_date": "2021-12-27T18:38:43+08:00"}
    assert task.body.custom_fields == {"pankaj3": "singh3"}
    assert task.body.notes == "Test Transaction"
    assert "headers" not in type(task).model_fields  # the echoed credentials are dropped
    assert "Y20uMj" not in repr(request)


def test_workflow_details_keep_unknown_keys() -> None:
    request = WorkflowRequest.model_validate(
        {"requestId": "r", "state": "failed", "details": {"errorReason": "too old"}}
    )
    assert request.details is not None
    assert request.details.model_extra == {"errorReason": "too old"}


def test_index_points_example_parses_with_exact_decimals() -> None:
    raw = decode_json(
        b'{"entityId": 1, "totalPoints": 8850.500, "mainPoints": 8500.000, '
        b'"promisedPoints": 350.5, "promisedPointsBreakup": '
        b'{"delayedAccrualPoints": 250.5, "externalTriggerBasedPoints": 100}}'
    )
    points = PointsBalance.model_validate(raw)
    assert points.total_points == Decimal("8850.500")
    assert str(points.delayed_accrual_points) == "250.5"
    assert points.external_trigger_based_points == 100

    index = PointsBalance.model_validate(load_fixture("index_points_balance.json"))
    assert (index.entity_id, index.entity_type) == (565039505, "CUSTOMER")
    assert index.total_points == index.main_points == Decimal(8500)
    assert index.promised_points == 0
    assert index.delayed_accrual_points == 0
    assert index.external_trigger_based_points == 0


def test_customer_details_flatten_the_api_shape() -> None:
    details = CustomerDetails.model_validate(
        decode_json(httpx.Response(200, json=CUSTOMER).content)
    )
    assert details.id == 565039505
    assert details.name == "Asha Rao"
    assert details.identifier("mobile") == "919800000001"
    assert details.identifier("email") == "asha.rao@example.com"
    assert [i.as_identifier() for i in details.identifiers] == [
        MOBILE,
        Identifier("email", "asha.rao@example.com"),
    ]
    assert details.loyalty_type == "loyalty"
    assert details.is_loyalty_member
    assert details.registered_at == datetime(2025, 2, 28, 6, 16, 17, tzinfo=UTC)
    assert details.registered_by is not None
    assert details.registered_by.type == "TILL"
    (program,) = details.programs
    assert program == details.program(1001)
    assert (program.program_title, program.current_slab) == ("Rewards", "Gold")
    assert program.loyalty_points == Decimal("8500.000")
    assert program.lifetime_points == Decimal("12000.5")
    assert program.delayed_points == Decimal("250.5")
    assert program.total_available_points == Decimal("8850.5")


def test_customer_details_can_be_built_by_name() -> None:
    details = CustomerDetails(id=1, first_name="Meera", last_name="Kumar")
    assert details.name == "Meera Kumar"
    assert details.registered_at is None


def test_registration_time_must_carry_a_timezone() -> None:
    naive = {**CUSTOMER, "loyaltyInfo": {"attributionV2": {"createDate": "2025-02-28T06:16:17"}}}
    with pytest.raises(ValidationError):
        CustomerDetails.model_validate(naive)


TRANSACTION = {
    "id": 323391839,
    "type": "NOT_INTERESTED",
    "customerId": -1,
    "retroTxn": False,
    "billDetails": {
        "amount": 1499.50,
        "grossAmount": 1600,
        "discount": 100.50,
        "billNumber": "B/2025/0042",
        "billingTime": "2025-05-02T17:23:46+05:30",
        "billingStore": {"id": 75152715, "code": "doc123", "name": "DocStore"},
    },
    "attribution": {
        "createDate": "2025-05-02T11:53:50Z",
        "createdBy": {"id": 75155295, "code": "sant.p_123", "name": "sant.p_123", "type": "TILL"},
    },
    "lineItems": [{"itemCode": "SKU1", "amount": 1499.5}],
}


def test_transaction_parses_with_aware_billing_time() -> None:
    txn = Transaction.model_validate(TRANSACTION)
    assert txn.is_not_interested
    assert txn.bill_details.billing_time == datetime(2025, 5, 2, 11, 53, 46, tzinfo=UTC)
    assert txn.bill_details.billing_time.utcoffset() == timedelta(hours=5, minutes=30)
    assert txn.bill_details.billing_store is not None
    assert txn.bill_details.billing_store.code == "doc123"
    assert txn.attribution is not None and txn.attribution.created_by is not None
    assert txn.attribution.created_by.type == "TILL"
    assert txn.line_items == [{"itemCode": "SKU1", "amount": 1499.5}]


async def test_transaction_endpoints_paths_and_encoding() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "getByBillNumber" in request.url.path:
            return reply(
                body={
                    "pagination": {"limit": 10, "offset": 0, "total": 1},
                    "data": [TRANSACTION],
                    "warnings": [],
                    "errors": [],
                }
            )
        return reply(body=TRANSACTION)

    recorder = Recorder(handler)
    async with make_client(recorder) as client:
        bills = await client.transactions_by_bill_number(" B/2025/0042 ")
        one = await client.transaction(323391839)
    assert [b.id for b in bills] == [323391839]
    assert one.id == 323391839
    first, second = recorder.requests
    assert first.url.raw_path == b"/v2/transactions/getByBillNumber/B%2F2025%2F0042"
    assert second.url.path == "/v2/transactions/323391839"
    assert second.url.params["type"] == "NOT_INTERESTED"


async def test_lookup_query_parameters() -> None:
    recorder = Recorder(lambda request: reply(body=load_fixture("index_points_balance.json")))
    email = Identifier("email", "asha.rao@example.com")
    settings = make_settings(source="INSTORE", program_id=1002)
    async with make_client(recorder, settings=settings) as client:
        await client.points_balance([email, MOBILE])
        await client.points_balance([MOBILE], program_id=1001, all_programs=True)
    first, second = (dict(r.url.params) for r in recorder.requests)
    assert first == {
        "source": "INSTORE",
        "identifierName": "email,mobile",
        "identifierValue": "asha.rao@example.com,919800000001",
        "programId": "1002",
    }
    assert second["programId"] == "1001"
    assert second["fetchDataForAllPrograms"] == "true"


async def test_retro_request_and_workflow_endpoints() -> None:
    page = load_fixture("doc001_retro_requests_response.json")
    answer = load_fixture("doc002_claim_response.json")

    def handler(request: httpx.Request) -> httpx.Response:
        if "retroRequest" in request.url.path:
            return reply(body=page)
        if request.method == "PUT":
            return reply(body={"data": {"state": "approved"}})
        return reply(body=answer)

    recorder = Recorder(handler)
    async with make_client(recorder) as client:
        by_id = await client.retro_requests(565032200, limit=5, offset=10)
        by_identifiers = await client.retro_requests_by_identifiers([MOBILE])
        claim = build_retro_claim(make_settings(), make_secrets(), transaction_id=1, customer_id=2)
        submitted = await client.submit_retro_claim(claim)
        read = await client.workflow_request(submitted.request_id)
        decided = await client.decide_workflow_request(
            read.request_id, approve=True, message="ok", checker_token=SecretStr("checker-jwt")
        )
    assert by_id == by_identifiers
    assert submitted.state == "AdminTask"
    assert decided.state == "approved"
    assert decided.request_id == "23e06c3e-a5c3-11ee-9a63-9ab214749657"
    requests = recorder.requests
    assert requests[0].url.path == "/v2/customers/565032200/retroRequest"
    assert dict(requests[0].url.params) == {"changeType": "RETRO", "limit": "5", "offset": "10"}
    assert requests[1].url.path == "/v2/customers/lookup/retroRequest"
    assert requests[1].url.params["identifierName"] == "mobile"
    assert (requests[2].method, requests[2].url.host) == ("POST", "workflow.test")
    assert requests[2].url.path == "/api_gateway/v2/request-workflow/RETRO-TRANSACTION"
    assert httpx.Response(200, content=requests[2].content).json() == claim.to_json()
    assert requests[3].url.path == (
        "/api_gateway/v2/request-workflow/requests/23e06c3e-a5c3-11ee-9a63-9ab214749657"
    )
    assert requests[4].method == "PUT"
    assert requests[4].headers["X-CAP-UI-AUTH-TOKEN"] == "checker-jwt"
    assert httpx.Response(200, content=requests[4].content).json() == {
        "requestId": "23e06c3e-a5c3-11ee-9a63-9ab214749657",
        "actionName": "AdminTask",
        "payload": {"AdminTask-Payload": {"actionDecision": "approved", "actionMessage": "ok"}},
    }
