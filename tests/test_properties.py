"""Property tests (hypothesis): identifier parsing, config loading from random text and bytes,
and the client fed random status codes, headers and bodies — nothing but the project's typed
errors may escape.

Case counts (the "ci" profile, loaded in conftest.py; > 10,000 in all): see `CASES`.
"""

from __future__ import annotations

import asyncio
import json
import string
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_client_helpers import FakeClock, make_secrets, make_settings
from tillui.api.client import IntouchClient
from tillui.api.errors import IntouchError
from tillui.api.models.workflow import WorkflowRequestPage, workflow_page_body
from tillui.api.retry import RetryPolicy
from tillui.config.files import ConfigError
from tillui.config.layers import load_config, parse_document
from tillui.counter.identifier_types import Identifier
from tillui.counter.identifiers import check, display, mask
from tillui.counter.scan_classifier import ScanClassifier

CASES = {
    "identifier_check": 2500,
    "identifier_guess_and_mask": 1000,
    "config_text": 1500,
    "config_bytes": 1000,
    "config_env": 500,
    "client_get": 2000,
    "client_claim": 1000,
    "workflow_page": 1000,
}
"""11,500 cases in all."""


def cases(name: str) -> settings:
    # The autouse HOME fixture is function-scoped; it sets the same thing for every example.
    return settings(
        max_examples=CASES[name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# -- identifiers --------------------------------------------------------------------------------

KINDS = st.sampled_from(["mobile", "email", "externalId", "cardnumber"])


@cases("identifier_check")
@given(kind=KINDS, raw=st.text(max_size=80), region=st.sampled_from(["IN", "GB", "US", "ZZ"]))
def test_identifier_check_either_normalises_or_explains(kind, raw, region) -> None:
    checked = check(kind, raw, phone_region=region)
    assert checked.ok != (checked.error is not None)
    if checked.ok:
        value = checked.identifier.value
        assert value and value == value.strip() and "," not in value and len(value) <= 64
        assert check(kind, value, phone_region=region).identifier == checked.identifier
    else:
        assert checked.error.strip()


@cases("identifier_guess_and_mask")
@given(value=st.text(max_size=80), kind=KINDS)
def test_classifying_and_masking_never_fail_and_masks_hide(value, kind) -> None:
    assert ScanClassifier.from_patterns().classify(value) in (
        "mobile",
        "email",
        "externalId",
        "cardnumber",
        "receipt",
        "unknown",
    )
    identifier = Identifier(kind, value)
    masked = mask(identifier)
    assert isinstance(masked, str)
    if len(value) >= 8:
        assert masked != value
    assert display(identifier, masked=False) == value or isinstance(
        display(identifier, masked=False), str
    )


# -- config -------------------------------------------------------------------------------------

TOML_KEYS = st.sampled_from(
    [
        "default_till",
        "[defaults]",
        "[till.T1]",
        "[store.S1]",
        "api_base_url",
        "read_timeout",
        "claim_quiet_period_seconds",
        "store",
        "keymap",
        "theme",
        "retro_delay_hours",
        "registration_rule",
    ]
)
TOML_VALUES = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.floats(allow_nan=True).map(repr),
    st.text(max_size=20).map(json.dumps),
    st.sampled_from(["true", "false", "[]", "{}", '"T1"', "inf", "nan", '""']),
)
TOML_LINES = st.lists(
    st.one_of(
        st.tuples(TOML_KEYS, TOML_VALUES).map(
            lambda kv: kv[0] if kv[0].startswith("[") else f"{kv[0]} = {kv[1]}"
        ),
        st.text(max_size=30),
    ),
    max_size=12,
).map("\n".join)


@cases("config_text")
@given(text=TOML_LINES)
def test_config_text_parses_or_is_a_config_error(text) -> None:
    try:
        parse_document(text, Path("config.toml"))
    except ConfigError as error:
        assert str(error)


@cases("config_bytes")
@given(content=st.binary(max_size=300))
def test_config_bytes_load_or_are_a_config_error(tmp_path_factory, content) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_bytes(content)
    try:
        load_config(path=path, env={})
    except ConfigError as error:
        assert str(error)


@cases("config_env")
@given(
    name=st.sampled_from(["READ_TIMEOUT", "CLAIM_QUIET_PERIOD_SECONDS", "THEME", "KEYMAP", "X"]),
    value=st.text(max_size=20),
)
def test_config_from_environment_values_loads_or_is_a_config_error(tmp_path_factory, name, value):
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text('default_till = "T1"\n[till.T1]\n')
    try:
        load_config(path=path, env={f"TILLUI_{name}": value.replace("\x00", "")})
    except ConfigError as error:
        assert str(error)


# -- the client on random answers ---------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)
)
JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
SHAPED = st.fixed_dictionaries(
    {},
    optional={
        "data": JSON,
        "errors": st.one_of(
            JSON,
            st.lists(
                st.fixed_dictionaries({}, optional={"code": JSON, "message": JSON, "status": JSON}),
                max_size=2,
            ),
        ),
        "pagination": JSON,
        "warnings": JSON,
        "id": JSON,
        "profiles": JSON,
    },
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda v: json.dumps(v).encode()),
    SHAPED.map(lambda v: json.dumps(v).encode()),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 3000).map(lambda n: b'{"data":' * n + b"1" + b"}" * n),
)
HEADER_VALUES = st.text(string.printable.strip() + " ", max_size=20)
HEADERS = st.dictionaries(
    st.sampled_from(
        ["Retry-After", "Content-Encoding", "Content-Type", "X-Cap-Requestid", "X-Other"]
    ),
    st.one_of(HEADER_VALUES, st.sampled_from(["gzip", "br", "deflate", "zstd", "identity"])),
    max_size=4,
)
ANSWERS = st.tuples(st.integers(100, 599), HEADERS, BODIES)


class RandomServer:
    def __init__(self) -> None:
        self.answer: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.answer
        return httpx.Response(status, headers=headers, content=body)


_loop = asyncio.new_event_loop()
_server = RandomServer()
_clock = FakeClock()
_client = IntouchClient(
    make_settings(),
    make_secrets(),
    transport=httpx.MockTransport(_server),
    retry_policy=RetryPolicy(max_retries=1),
    clock=_clock,
    sleep=_clock.sleep,
)


def _outcome(call: Any) -> str:
    try:
        _loop.run_until_complete(call)
    except IntouchError as error:
        assert isinstance(error.message, str)
        return type(error).__name__
    return "ok"


@cases("client_get")
@given(answer=ANSWERS, which=st.integers(0, 4))
def test_client_gets_give_a_model_or_a_typed_error(answer, which) -> None:
    _server.answer = answer
    calls = [
        lambda: _client.customer_details([Identifier("mobile", "+919800000001")]),
        lambda: _client.retro_requests(5, limit=10),
        lambda: _client.workflow_requests(till_id="1"),
        lambda: _client.workflow_request("r-1"),
        lambda: _client.transaction(7),
    ]
    _outcome(calls[which]())


@cases("client_claim")
@given(answer=ANSWERS)
def test_the_claim_post_gives_an_answer_or_a_typed_error(answer) -> None:
    from tillui.api import build_retro_claim

    _server.answer = answer
    claim = build_retro_claim(make_settings(), make_secrets(), transaction_id=1, customer_id=2)
    _outcome(_client.submit_retro_claim(claim))


@cases("workflow_page")
@given(body=st.one_of(JSON, SHAPED), page=st.integers(1, 5), limit=st.integers(1, 100))
def test_workflow_page_envelope_is_read_or_left_for_validation(body, page, limit) -> None:
    shaped = workflow_page_body(body, page=page, limit=limit)
    try:
        parsed = WorkflowRequestPage.model_validate(shaped)
    except ValueError:
        return
    assert parsed.limit == limit
    assert isinstance(parsed.has_more, bool)
