"""Two tills of two stores on one host: each claim carries its own four IDs and credentials."""

from __future__ import annotations

import base64
import os

from tillui.api import build_retro_claim
from tillui.config.layers import load_config

CONFIG = """
[defaults]
api_base_url = "https://eu.api.capillarytech.com"
workflow_base_url = "https://eucrm.cc.capillarytech.com"
org_id = "50672"

[concept.C1]
[zone.Z1]
concept = "C1"
[zone.Z2]
concept = "C1"
[store.S1]
zone = "Z1"
client_signature = "store-one"
[store.S2]
zone = "Z2"
client_signature = "store-two"

[till.T1]
store = "S1"
username = "till.one"
[till.T2]
store = "S2"
username = "till.two"
"""

SECRETS = """
[till.T1]
password = "first-secret"
workflow_token = "token-one"
[till.T2]
password = "second-secret"
workflow_token = "token-two"
"""


def write_files(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    secrets = tmp_path / "secrets.toml"
    fd = os.open(secrets, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(SECRETS)
    return config


def claim_for(config, till):
    resolved = load_config(path=config, till=till, env={})
    body = build_retro_claim(
        resolved.settings, resolved.secrets, transaction_id=7648261, customer_id=382553857, notes=""
    ).model_dump(mode="json", by_alias=True)
    return resolved, body


def test_each_till_sends_its_own_ids_signature_and_credentials(tmp_path):
    config = write_files(tmp_path)
    one, body_one = claim_for(config, "T1")
    two, body_two = claim_for(config, "T2")
    assert body_one["entityInfo"] == {
        "tillId": "T1",
        "storeId": "S1",
        "zoneId": "Z1",
        "conceptId": "C1",
    }
    assert body_two["entityInfo"] == {
        "tillId": "T2",
        "storeId": "S2",
        "zoneId": "Z2",
        "conceptId": "C1",
    }
    headers_one = body_one["payload"]["IntouchAPITask-Payload"]["headers"]
    headers_two = body_two["payload"]["IntouchAPITask-Payload"]["headers"]
    assert headers_one["X-CAP-CLIENT-SIGNATURE"] == "store-one"
    assert headers_two["X-CAP-CLIENT-SIGNATURE"] == "store-two"
    user_one = base64.b64decode(headers_one["Authorization"].split()[1]).decode().split(":")[0]
    user_two = base64.b64decode(headers_two["Authorization"].split()[1]).decode().split(":")[0]
    assert (user_one, user_two) == ("till.one", "till.two")
    assert headers_one["Authorization"] != headers_two["Authorization"]
    assert one.secrets.workflow_token.get_secret_value() == "token-one"
    assert two.secrets.workflow_token.get_secret_value() == "token-two"
    assert one.origins["client_signature"] == "store.S1" and two.origins["zone_id"] == "store.S2"
