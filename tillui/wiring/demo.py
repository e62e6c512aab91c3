"""`tillui --demo`: the app wired to the embedded sandbox, in-process, with demo data.

No account, no network, no config file: settings are the sandbox's demo till, the recent-bills
journal and the claims outbox live in a temporary folder removed when the app closes.

`TILLUI_DEMO_FAULTS` arms faults in the embedded sandbox at start, as the sandbox's
`POST /__sandbox/faults` does over HTTP (a JSON rule or list of rules), e.g.
`[{"pathPrefix": "/api_gateway/v2/request-workflow", "kind": "status", "status": 503,
"count": 100}]` to see how the till keeps a claim whose answer never came.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tillui.clock import SystemClock
from tillui.services import DemoInfo, Services

if TYPE_CHECKING:
    from tillui.clock import Clock
    from tillui.sandbox.faults import FaultInjector

DEMO_HOST = "http://sandbox.demo"
DEMO_FAULTS_ENV = "TILLUI_DEMO_FAULTS"
DEMO_MANAGER_PIN = "2468"
DEMO_CHECKER_SEALED = (
    "tcs1$dGlsbHVpLWRlbW8tc2FsdA$dGlsbHVpLWRlbW8tbm9uYw$z7z-jpBrXh15tOOjw7zKywti"
    "$LetBNN2UnJg8ke_IZFirmZExunNIU7tbuR1Deeq6Yo4"
)
"""The sandbox's checker token sealed under DEMO_MANAGER_PIN (tillui.config.checker_pin)."""


# long: the demo's parts wired in order, each a few lines
def demo_services(
    *,
    clock: Clock | None = None,
    flags: Mapping[str, Any] | None = None,
    sandbox_options: Mapping[str, Any] | None = None,
) -> Services:
    """The demo's services. `sandbox_options` replace the demo's own sandbox options (None: the
    demo store's claims wait for a checker, and an approval runs 5 s later, so a manager can
    approve at the till and the customer sees APPROVED, then SUCCESS)."""
    import httpx
    from pydantic import SecretStr

    from tillui.api.client import IntouchClient
    from tillui.claims.outbox import ClaimsOutbox
    from tillui.claims.service import ClaimService
    from tillui.config.settings import Secrets, Settings
    from tillui.sandbox import DEMO, SandboxConfig, create_app, write_demo_journal

    clock = clock or SystemClock()
    if sandbox_options is None:
        sandbox_options = {
            "manual_approval_store_ids": (DEMO.store_id,),
            "execution_delay_seconds": 5.0,
        }
    config = SandboxConfig(
        seed=42, now=lambda: clock.now().astimezone(UTC), **dict(sandbox_options)
    )
    sandbox = create_app(config)
    _arm_faults(sandbox.state.sandbox.faults, os.environ.get(DEMO_FAULTS_ENV, ""))
    folder = Path(tempfile.mkdtemp(prefix="tillui-demo-"))
    journal = write_demo_journal(folder / "recent-bills.jsonl", sandbox.state.sandbox)
    settings = Settings(
        till_id=str(DEMO.till_id),
        store_id=str(DEMO.store_id),
        zone_id=str(DEMO.zone_id),
        concept_id=str(DEMO.concept_id),
        api_base_url=DEMO_HOST,
        workflow_base_url=DEMO_HOST,
        org_id=DEMO.org_id,
        username=DEMO.username,
        client_signature="tillui-demo",
        retro_max_age_days=config.retro_max_age_days,
        retro_delay_hours=config.retro_delay_hours,
        bills_journal=journal,
        **dict(flags or {}),
    )
    secrets = Secrets(
        password=SecretStr(DEMO.password),
        workflow_token=SecretStr(DEMO.workflow_token),
        checker_token_sealed=SecretStr(DEMO_CHECKER_SEALED),
    )
    transport = httpx.ASGITransport(app=sandbox)
    client = IntouchClient(settings, secrets, transport=transport)

    def utc_now() -> datetime:
        return clock.now().astimezone(UTC)

    outbox = ClaimsOutbox(folder / "claims-demo.sqlite3", clock=utc_now)
    claims = ClaimService(client, outbox, settings, secrets, clock=utc_now)
    hints = [
        f"mobile {DEMO.asha.mobile} ({DEMO.asha.full_name})",
        f"email {DEMO.meera.email} + mobile {DEMO.meera.mobile}",
        f"mobile {DEMO.nikhil.mobile} (registered 1 h ago)",
    ]
    info = DemoInfo(
        hints=hints,
        sandbox=sandbox,
        transport=transport,
        cleanup=lambda: shutil.rmtree(folder, ignore_errors=True),
        checker_hint=f"Demo: PIN {DEMO_MANAGER_PIN}, or the token {DEMO.checker_token}",
    )
    origins = {name: "demo" for name in Settings.model_fields}
    return Services(settings, secrets, client, claims, origins=origins, demo=info)


def _arm_faults(faults: FaultInjector, text: str) -> None:
    from tillui.sandbox.faults import FaultRule

    if not text.strip():
        return
    try:
        data = json.loads(text)
        for item in data if isinstance(data, list) else [data]:
            faults.add(FaultRule.from_json(item))
    except (TypeError, ValueError) as problem:
        raise ValueError(f"{DEMO_FAULTS_ENV}: not a fault rule ({problem})") from None
